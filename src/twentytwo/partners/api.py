"""The partner API, /api/partners: an organisation's released reports, read with one of its
API tokens (Authorization: Bearer tt_partner_…).

A token speaks for its organisation only: everything here starts from the token's
organisation, so another organisation's view answers 404 as one that does not exist. A new
view is released by POST and spends from the same monthly budget as the portal; reading a
released view again spends nothing. Every answer is private: no cache keeps one."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer

from twentytwo.core.api_auth import private
from twentytwo.core.api_errors import ErrorOut
from twentytwo.partners import disclosure
from twentytwo.partners.exports import json_of
from twentytwo.partners.figures import report_of
from twentytwo.partners.forms import ViewForm
from twentytwo.partners.models import ApiToken, Release
from twentytwo.partners.selectors import tracks_of, view_of, views_of
from twentytwo.partners.services.tokens import TokenError, token_authenticate

VIEW_NOT_FOUND = "There is no such view of this organisation."


class PartnerTokenAuth(HttpBearer):
    """An organisation's API token with the reports scope."""

    def __call__(self, request: HttpRequest):
        # Marked before the checks, so that a refusal is kept out of caches too.
        request._personal_answer = True
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        try:
            return token_authenticate(secret=token, scope=ApiToken.Scope.REPORTS)
        except TokenError as exc:
            raise HttpError(401, exc.message) from None


router = Router(auth=PartnerTokenAuth(), tags=["partners"])
_refusals = {401: ErrorOut, 422: ErrorOut}


class BudgetOut(Schema):
    month: date
    allowed: float
    spent: float
    left: float
    renews: date
    view_cost: float


class OrganisationOut(Schema):
    name: str
    slug: str
    kind: str
    tracks: int
    budget: BudgetOut


class TrackOut(Schema):
    id: int
    artist: str
    title: str
    label: str


class ViewIn(Schema):
    city: str = ""  # a city's slug; empty: every city
    genre: int | None = None  # a genre's id; none: every genre
    first: date | None = None  # default: 28 days before `last`
    last: date | None = None  # default: yesterday
    daypart: str = ""
    step: str = ""


class ViewSummaryOut(Schema):
    key: str
    released_at: str
    query: dict
    epsilon: float


def _budget(organisation) -> dict:
    budget = disclosure.budget_of(organisation=organisation)
    return {
        "month": budget.month,
        "allowed": budget.allowed,
        "spent": budget.spent,
        "left": budget.left,
        "renews": budget.renews,
        "view_cost": disclosure.view_cost(),
    }


@router.get("/organisation", response={200: OrganisationOut, **_refusals})
def partner_organisation(request, response: HttpResponse):
    """The token's organisation, how many tracks it holds the rights to, and its budget."""
    private(response)
    organisation = request.auth.organisation
    return {
        "name": organisation.name,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "tracks": tracks_of(organisation=organisation).count(),
        "budget": _budget(organisation),
    }


@router.get("/tracks", response={200: list[TrackOut], **_refusals})
def partner_tracks(request, response: HttpResponse):
    """The tracks whose figures the organisation sees."""
    private(response)
    return list(tracks_of(organisation=request.auth.organisation))


@router.get("/views", response={200: list[ViewSummaryOut], **_refusals})
def partner_views(request, response: HttpResponse):
    """Every view released to the organisation, newest first; reading one spends nothing."""
    private(response)
    return [
        {
            "key": v.key,
            "released_at": v.created_at.isoformat(),
            "query": v.query,
            "epsilon": v.epsilon,
        }
        for v in views_of(organisation=request.auth.organisation)
    ]


def _view_answer(organisation, view) -> dict:
    return json_of(report_of(view), organisation=organisation.name)


@router.post(
    "/views",
    response={200: dict, 201: dict, **_refusals, 400: ErrorOut, 409: ErrorOut, 429: ErrorOut},
)
def partner_view_release(request, payload: ViewIn, response: HttpResponse):
    """Release a view: 201 with its figures when new (its ε spent from the month's budget),
    200 with the same figures as before when it was released already. 429 when the budget
    is spent (the message says when it renews), 409 when the days asked are not final."""
    private(response)
    token = request.auth
    organisation = token.organisation
    data = payload.dict()
    data["genre"] = "" if data["genre"] is None else str(data["genre"])
    form = ViewForm({k: v or "" for k, v in data.items()}, organisation=organisation)
    if not form.is_valid():
        details = [
            {"field": field, "message": " ".join(messages)}
            for field, messages in form.errors.items()
        ]
        raise HttpError(422, "The view asked for is not valid: " + str(details[0]["message"]))
    try:
        released = disclosure.release(
            organisation=organisation,
            query=form.report_query(),
            channel=Release.Channel.API,
            token=token,
        )
    except disclosure.Refused as exc:
        raise HttpError(exc.status, exc.message) from None
    return Status(201 if released.new else 200, _view_answer(organisation, released.view))


@router.get("/views/{key}", response={200: dict, **_refusals, 404: ErrorOut})
def partner_view(request, key: str, response: HttpResponse):
    """A view released to the organisation, by its key."""
    private(response)
    organisation = request.auth.organisation
    view = view_of(organisation=organisation, key=key)
    if view is None:
        raise HttpError(404, VIEW_NOT_FOUND)
    disclosure.hand_over(
        organisation=organisation, view=view, channel=Release.Channel.API, token=request.auth
    )
    return _view_answer(organisation, view)
