"""Reads of the partner app: whose organisation is whose, what it holds, what it was shown.

Every read that a partner's page, export or API answer uses starts from an organisation the
asker belongs to (organisation_for); an organisation the asker does not belong to is
answered exactly as one that does not exist, so guessing slugs or ids learns nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from twentytwo.catalog.models import City, Genre, Track
from twentytwo.partners.models import (
    ApiToken,
    Invitation,
    Membership,
    MembershipEvent,
    MonthlyReport,
    Organisation,
    Release,
    ReleasedView,
)


@dataclass(frozen=True)
class Access:
    organisation: Organisation
    role: str  # Membership.Role; a curator is the admin of their own account

    @property
    def is_admin(self) -> bool:
        return self.role == Membership.Role.ADMIN

    @property
    def is_curator(self) -> bool:
        return self.organisation.kind == Organisation.Kind.CURATOR


def organisations_of(*, user) -> list[Access]:
    """Every organisation the person belongs to, with their role in it."""
    if not user.is_authenticated or not user.is_active:
        return []
    found = [
        Access(organisation=m.organisation, role=m.role)
        for m in Membership.objects.filter(user=user).select_related("organisation")
    ]
    found += [
        Access(organisation=org, role=Membership.Role.ADMIN)
        for org in Organisation.objects.filter(
            kind=Organisation.Kind.CURATOR, curator__accounts=user
        )
    ]
    return sorted(found, key=lambda access: access.organisation.name)


def organisation_for(*, user, slug: str) -> Access | None:
    """The person's access to the organisation of this slug; None for any they lack."""
    for access in organisations_of(user=user):
        if access.organisation.slug == slug:
            return access
    return None


def organisation_tracks(*, organisation: Organisation) -> tuple[int, ...] | None:
    """The ids of the tracks whose figures the organisation sees; None: a curator's (every
    track of their genres)."""
    if organisation.kind == Organisation.Kind.CURATOR:
        return None
    return tuple(
        Track.objects.filter(rights__organisation=organisation)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def organisation_genres(*, organisation: Organisation) -> QuerySet[Genre]:
    """The genres a view of the organisation may be narrowed to: where its tracks play
    (or have played), or a curator's own."""
    if organisation.kind == Organisation.Kind.CURATOR:
        genres = Genre.objects.filter(curator=organisation.curator)
    else:
        # Entries current and retired: the genre's ledger.
        genres = Genre.objects.filter(entries__track__rights__organisation=organisation).distinct()
    return genres.select_related("city").order_by("city__name", "position", "name")


def organisation_cities(*, organisation: Organisation) -> QuerySet[City]:
    return City.objects.filter(
        pk__in=organisation_genres(organisation=organisation).values("city")
    ).order_by("name")


def tracks_of(*, organisation: Organisation) -> QuerySet[Track]:
    return Track.objects.filter(rights__organisation=organisation).order_by("artist", "title")


def releases_of(*, organisation: Organisation, limit: int = 200) -> list[Release]:
    """The organisation's release records, newest first (its admins and staff see them)."""
    return list(
        Release.objects.filter(organisation=organisation)
        .select_related("view", "person", "token")
        .order_by("-at", "-id")[:limit]
    )


def views_of(*, organisation: Organisation) -> list[ReleasedView]:
    """Every view released to the organisation, newest first: free to show again."""
    return list(
        ReleasedView.objects.filter(
            releases__organisation=organisation, releases__epsilon_spent__gt=0
        )
        .exclude(query__has_key="ads")
        .distinct()
        .order_by("-created_at")
    )


def ad_views_of(*, organisation: Organisation) -> list[ReleasedView]:
    """Every release of the organisation's ad figures, newest first."""
    return list(
        ReleasedView.objects.filter(
            releases__organisation=organisation,
            releases__epsilon_spent__gt=0,
            query__has_key="ads",
        )
        .distinct()
        .order_by("-created_at")
    )


def ad_view_of(*, organisation: Organisation, key: str) -> ReleasedView | None:
    """Ad figures released to this organisation, by key; None for anyone else's."""
    return (
        ReleasedView.objects.filter(
            key=key, releases__organisation=organisation, query__has_key="ads"
        )
        .distinct()
        .first()
    )


def view_of(*, organisation: Organisation, key: str) -> ReleasedView | None:
    """A view released to this organisation, by its key; None for anyone else's."""
    return (
        ReleasedView.objects.filter(key=key, releases__organisation=organisation)
        .exclude(query__has_key="ads")
        .distinct()
        .first()
    )


def _of_organisation(model, organisation: Organisation, object_id) -> object | None:
    """The row of this id if it belongs to the organisation; None for anyone else's, and
    for an id that is not one."""
    try:
        return model.objects.filter(organisation=organisation, pk=int(object_id)).first()
    except (TypeError, ValueError):
        return None


def access_membership_by_id(*, organisation: Organisation, membership_id) -> Membership | None:
    return _of_organisation(Membership, organisation, membership_id)


def access_invitation_by_id(*, organisation: Organisation, invitation_id) -> Invitation | None:
    return _of_organisation(Invitation, organisation, invitation_id)


def access_token_by_id(*, organisation: Organisation, token_id) -> ApiToken | None:
    return _of_organisation(ApiToken, organisation, token_id)


def members_of(*, organisation: Organisation) -> list[Membership]:
    return list(
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__email", "user__username")
    )


def open_invitations_of(*, organisation: Organisation, now) -> list[Invitation]:
    return list(
        Invitation.objects.filter(
            organisation=organisation,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        ).order_by("-created_at")
    )


def membership_events_of(*, organisation: Organisation, limit: int = 100) -> list[MembershipEvent]:
    return list(
        MembershipEvent.objects.filter(organisation=organisation).select_related("actor", "member")[
            :limit
        ]
    )


def tokens_of(*, organisation: Organisation) -> list[ApiToken]:
    return list(ApiToken.objects.filter(organisation=organisation).order_by("-created_at"))


def monthly_reports_of(*, organisation: Organisation) -> list[MonthlyReport]:
    return list(
        MonthlyReport.objects.filter(organisation=organisation, status=MonthlyReport.Status.SENT)
        .select_related("release__view")
        .order_by("-month")
    )


def admins_of(*, organisation: Organisation) -> list:
    return [
        m.user
        for m in Membership.objects.filter(
            organisation=organisation, role=Membership.Role.ADMIN, user__is_active=True
        ).select_related("user")
    ]


def organisations_with_rights() -> QuerySet[Organisation]:
    """Organisations that hold the rights to at least one track (the monthly reports')."""
    return (
        Organisation.objects.exclude(kind=Organisation.Kind.CURATOR)
        .annotate(tracks=Count("rights"))
        .filter(tracks__gt=0)
        .order_by("name")
    )
