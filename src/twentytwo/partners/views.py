"""The partner portal: an organisation's released reports, their exports, its people and its
API tokens; the page where an invitation is accepted; the public page of the method.

Every page of an organisation starts from organisation_for: to anyone who does not belong
to it, an organisation is answered as one that does not exist."""

from __future__ import annotations

from importlib.metadata import version

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from twentytwo.catalog.models import Curator
from twentytwo.partners import disclosure, exports
from twentytwo.partners.figures import COLUMNS, ad_figures_of, report_of
from twentytwo.partners.forms import AdsForm, InviteForm, TokenForm, ViewForm
from twentytwo.partners.models import Release
from twentytwo.partners.selectors import (
    Access,
    access_invitation_by_id,
    access_membership_by_id,
    access_token_by_id,
    ad_view_of,
    ad_views_of,
    members_of,
    membership_events_of,
    monthly_reports_of,
    open_invitations_of,
    organisation_for,
    organisations_of,
    releases_of,
    tokens_of,
    view_of,
    views_of,
)
from twentytwo.partners.services.organisations import curator_organisation_ensure
from twentytwo.partners.services.people import (
    PeopleError,
    invitation_accept,
    invitation_check,
    invitation_create,
    invitation_revoke,
    membership_remove,
)
from twentytwo.partners.services.tokens import TokenError, token_create, token_revoke

NOT_FOUND = "There is no such organisation, or you are not one of its people."
ADMINS_ONLY = "Only the organisation's admins can see this page."
NOT_A_PARTNER = (
    "The partner portal is for the people of labels, publishers, artists and advertisers "
    "whose tracks we play, and for curators. Ask us for an invitation."
)


def _access(request: HttpRequest, slug: str) -> Access:
    access = organisation_for(user=request.user, slug=slug)
    if access is None:
        raise Http404(NOT_FOUND)
    return access


def _admin_refused(request: HttpRequest, access: Access) -> HttpResponse:
    return render(
        request, "partners/refused.html", {"access": access, "message": ADMINS_ONLY}, status=403
    )


def _curator_accounts_ensure(user) -> None:
    """A curator's own account of released figures exists once they look for it."""
    for curator in Curator.objects.filter(accounts=user, genres__isnull=False).distinct():
        curator_organisation_ensure(curator=curator)


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    _curator_accounts_ensure(request.user)
    found = organisations_of(user=request.user)
    if len(found) == 1:
        return redirect("partners:organisation", slug=found[0].organisation.slug)
    if not found:
        return render(request, "partners/refused.html", {"message": NOT_A_PARTNER}, status=403)
    return render(request, "partners/home.html", {"organisations": found})


def _organisation_context(request: HttpRequest, access: Access, form: ViewForm) -> dict:
    organisation = access.organisation
    return {
        "access": access,
        "organisation": organisation,
        "form": form,
        "budget": disclosure.budget_of(organisation=organisation),
        "cost": disclosure.view_cost(),
        "views": views_of(organisation=organisation)[:50],
        "monthly": monthly_reports_of(organisation=organisation)[:24],
        "min_listeners": settings.PARTNER_MIN_LISTENERS,
        "tab": "reports",
    }


@require_safe
@login_required
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    """The choice of a view: shown at once when it was released before, else offered with
    what releasing it costs."""
    access = _access(request, slug)
    asked = bool(request.GET)
    form = ViewForm(request.GET if asked else {}, organisation=access.organisation)
    context = _organisation_context(request, access, form)
    if not form.is_valid():
        return render(request, "partners/organisation.html", context, status=400)
    query = form.report_query()
    context["query_string"] = form.as_query_string()
    if asked:
        try:
            disclosure.query_check(query, today=disclosure.today_in_site())
        except disclosure.Refused as exc:
            context["error"] = exc.message
            return render(request, "partners/organisation.html", context, status=exc.status)
        view = view_of(
            organisation=access.organisation,
            key=disclosure.view_key(organisation=access.organisation, query=query),
        )
        if view is not None:
            return redirect("partners:view", slug=slug, key=view.key)
        context["offer"] = query
    return render(request, "partners/organisation.html", context)


@require_POST
@login_required
def release(request: HttpRequest, slug: str) -> HttpResponse:
    """Release the view the form names (spending from the budget when it is new)."""
    access = _access(request, slug)
    form = ViewForm(request.POST, organisation=access.organisation)
    context = _organisation_context(request, access, form)
    if not form.is_valid():
        return render(request, "partners/organisation.html", context, status=400)
    try:
        released = disclosure.release(
            organisation=access.organisation,
            query=form.report_query(),
            channel=Release.Channel.PORTAL,
            person=request.user,
        )
    except disclosure.Refused as exc:
        context["error"] = exc.message
        context["query_string"] = form.as_query_string()
        return render(request, "partners/organisation.html", context, status=exc.status)
    url = reverse("partners:view", kwargs={"slug": slug, "key": released.view.key})
    return redirect(f"{url}?new=1" if released.new else url)


def _released(request: HttpRequest, slug: str, key: str, channel: str):
    access = _access(request, slug)
    view = view_of(organisation=access.organisation, key=key)
    if view is None:
        raise Http404(_("There is no such report view."))
    disclosure.hand_over(
        organisation=access.organisation, view=view, channel=channel, person=request.user
    )
    return access, view


@require_safe
@login_required
def view(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    access, released = _released(request, slug, key, Release.Channel.PORTAL)
    report = report_of(released)
    return render(
        request,
        "partners/view.html",
        {
            "access": access,
            "organisation": access.organisation,
            "report": report,
            "columns": COLUMNS,
            "new": request.GET.get("new") == "1",
            "budget": disclosure.budget_of(organisation=access.organisation),
            "tab": "reports",
        },
    )


@require_safe
@login_required
def export(request: HttpRequest, slug: str, key: str, extension: str) -> HttpResponse:
    if extension not in exports.FORMATS:
        raise Http404(_("There is no such format."))
    access, released = _released(request, slug, key, Release.Channel.EXPORT)
    report = report_of(released)
    name = access.organisation.name
    if extension == "csv":
        body = exports.csv_of(report)
    elif extension == "json":
        body = exports.json_text(report, organisation=name)
    else:
        body = exports.pdf_of(report, organisation=name)
    response = HttpResponse(body, content_type=exports.FORMATS[extension])
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename(report, name, extension)}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def people(request: HttpRequest, slug: str) -> HttpResponse:
    access = _access(request, slug)
    if not access.is_admin or access.is_curator:
        return _admin_refused(request, access)
    organisation = access.organisation
    form, link, error, status = InviteForm(), None, None, 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "invite":
                form = InviteForm(request.POST)
                if form.is_valid():
                    _invitation, link = invitation_create(
                        organisation=organisation,
                        role=form.cleaned_data["role"],
                        email=form.cleaned_data["email"],
                        actor=request.user,
                        absolute_url=request.build_absolute_uri,
                    )
                    form = InviteForm()
                else:
                    status = 400
            elif action == "remove":
                membership = access_membership_by_id(
                    organisation=organisation, membership_id=request.POST.get("membership")
                )
                if membership is None:
                    raise Http404(NOT_FOUND)
                membership_remove(membership=membership, actor=request.user)
                return redirect("partners:people", slug=slug)
            elif action == "revoke":
                invitation = access_invitation_by_id(
                    organisation=organisation, invitation_id=request.POST.get("invitation")
                )
                if invitation is None:
                    raise Http404(NOT_FOUND)
                invitation_revoke(invitation=invitation, actor=request.user)
                return redirect("partners:people", slug=slug)
            else:
                error, status = _("Unknown action."), 400
        except PeopleError as exc:
            error, status = exc.message, exc.status
    context = {
        "access": access,
        "organisation": organisation,
        "form": form,
        "link": link,
        "error": error,
        "members": members_of(organisation=organisation),
        "invitations": open_invitations_of(organisation=organisation, now=timezone.now()),
        "events": membership_events_of(organisation=organisation),
        "days": settings.PARTNER_INVITATION_MAX_AGE // 86400,
        "tab": "people",
    }
    return render(request, "partners/people.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def tokens(request: HttpRequest, slug: str) -> HttpResponse:
    access = _access(request, slug)
    if not access.is_admin:
        return _admin_refused(request, access)
    organisation = access.organisation
    form, secret, error, status = TokenForm(), None, None, 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            form = TokenForm(request.POST)
            if form.is_valid():
                try:
                    _token, secret = token_create(
                        organisation=organisation,
                        name=form.cleaned_data["name"],
                        days=form.cleaned_data["days"],
                        actor=request.user,
                    )
                    form = TokenForm()
                except TokenError as exc:
                    error, status = exc.message, 400
            else:
                status = 400
        elif action == "revoke":
            token = access_token_by_id(
                organisation=organisation, token_id=request.POST.get("token")
            )
            if token is None:
                raise Http404(NOT_FOUND)
            token_revoke(token=token)
            return redirect("partners:tokens", slug=slug)
        else:
            error, status = _("Unknown action."), 400
    context = {
        "access": access,
        "organisation": organisation,
        "form": form,
        "secret": secret,
        "error": error,
        "tokens": tokens_of(organisation=organisation),
        "now": timezone.now(),
        "tab": "tokens",
    }
    response = render(request, "partners/tokens.html", context, status=status)
    # The page may show a secret once: no cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def releases(request: HttpRequest, slug: str) -> HttpResponse:
    access = _access(request, slug)
    if not access.is_admin:
        return _admin_refused(request, access)
    return render(
        request,
        "partners/releases.html",
        {
            "access": access,
            "organisation": access.organisation,
            "releases": releases_of(organisation=access.organisation),
            "tab": "releases",
            "budget": disclosure.budget_of(organisation=access.organisation),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def join(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation link: GET says what it is; POST (the button) accepts it, once."""
    try:
        invitation = invitation_check(token=token)
        if request.method == "POST":
            membership = invitation_accept(token=token, user=request.user)
            return redirect("partners:organisation", slug=membership.organisation.slug)
    except PeopleError as exc:
        return render(request, "partners/refused.html", {"message": exc.message}, status=exc.status)
    return render(request, "partners/join.html", {"invitation": invitation})


@require_safe
def method(request: HttpRequest) -> HttpResponse:
    """How every figure given to partners and curators is made: public, so that it can be
    checked."""
    s = settings
    limits = disclosure.bounds()
    epsilon = s.PARTNER_EPSILON_PER_FIGURE
    return render(
        request,
        "partners/method.html",
        {
            "epsilon": epsilon,
            "view_epsilon": disclosure.view_cost(),
            "ads_epsilon": disclosure.ads_view_cost(),
            "monthly": s.PARTNER_MONTHLY_EPSILON,
            "min_listeners": s.PARTNER_MIN_LISTENERS,
            "bounds": limits,
            "max_days": s.PARTNER_MAX_DAYS,
            "sensitivity": {group: limits.sensitivity(group) for group in disclosure.GROUPS},
            "library": version("opendp"),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def ads(request: HttpRequest, slug: str) -> HttpResponse:
    """An advertiser's ad figures: released per range, noised and thresholded."""
    access = _access(request, slug)
    organisation = access.organisation
    form = AdsForm(request.POST if request.method == "POST" else None, organisation=organisation)
    context = {
        "access": access,
        "organisation": organisation,
        "form": form,
        "released": ad_views_of(organisation=organisation),
        "budget": disclosure.budget_of(organisation=organisation),
        "tab": "ads",
        "shown": None,
        "error": "",
    }
    key = request.GET.get("view", "")
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "partners/ads.html", context, status=400)
        try:
            released = disclosure.release_ads(
                organisation=organisation,
                query=form.ads_query(),
                channel=Release.Channel.PORTAL,
                person=request.user,
            )
        except disclosure.Refused as exc:
            context["error"] = exc.message
            return render(request, "partners/ads.html", context, status=exc.status)
        return redirect(
            f"{reverse('partners:ads', kwargs={'slug': slug})}?view={released.view.key}"
        )
    if key:
        view = ad_view_of(organisation=organisation, key=key)
        if view is None:
            raise Http404(_("There is no such report view."))
        disclosure.hand_over(
            organisation=organisation,
            view=view,
            channel=Release.Channel.PORTAL,
            person=request.user,
        )
        context["shown"] = ad_figures_of(view)
    return render(request, "partners/ads.html", context)
