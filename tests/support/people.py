"""A listener with a row in every table that can hold something of an account.

The values that identify them are collected in `Person.identifying`, so a test can look
for each one anywhere (in an export, in any column of any table)."""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore

from tests.support.factories import CityFactory, CuratorFactory, GenreFactory
from twentytwo.accounts.models import AgeStatement, GuardianConfirmation, ProfileFact
from twentytwo.catalog.models import Track
from twentytwo.favorites.models import DashboardVisit, Favorite
from twentytwo.outreach.models import (
    Answer,
    Campaign,
    Delivery,
    Promotion,
    PromotionEntry,
    Question,
    Subscriber,
    Survey,
    SurveyResponse,
    SurveyTicket,
)
from twentytwo.partners.models import (
    ApiToken,
    Invitation,
    Membership,
    MembershipEvent,
    Organisation,
    Release,
    ReleasedView,
    TrackRights,
)
from twentytwo.privacy.models import (
    Affiliate,
    AffiliateShare,
    AuditEvent,
    ConsentChoice,
    LegalDisclosure,
    MarketingChoice,
    PolicyNoticeSeen,
    PolicyVersion,
)

AT = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC)


@dataclass
class Person:
    user: object
    email: str
    names: list[str]
    provider_id: str
    tokens: list[str]
    guardian_email: str
    session_key: str
    consent_id: uuid.UUID
    tracks: list[Track] = field(default_factory=list)

    @property
    def identifying(self) -> dict[str, str]:
        """What must not survive the erasure of this person's account, by what it is."""
        return {
            "e-mail": self.email,
            **{f"name {n}": name for n, name in enumerate(self.names)},
            "provider id": self.provider_id,
            **{f"token {n}": token for n, token in enumerate(self.tokens)},
        }


def tracks_bulk(count: int, *, prefix: str) -> list[Track]:
    """Make `count` tracks in one statement (no audio behind them: the export reads rows)."""
    return Track.objects.bulk_create(
        Track(
            title=f"{prefix} cut {n}",
            artist=f"{prefix} artist {n}",
            audio=f"{prefix}-{n}.mp3",
            audio_size=1000,
            duration=180.0,
            codec="mp3",
            mime_type="audio/mpeg",
            bitrate=128000,
            checksum=f"{prefix}-{n:08d}".ljust(64, "0")[:64],
        )
        for n in range(count)
    )


def session_signed_in(user) -> str:
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def person_with_everything(tag: str, *, policy: PolicyVersion, favorites: int = 2) -> Person:
    """Make an account named by `tag` with a row in each table an account's data lives in."""
    email = f"{tag}.listener@example.org"
    first, last = f"{tag.capitalize()}ina", f"Van{tag}berg"
    user = get_user_model().objects.create_user(
        username=f"{tag}-listener", email=email, first_name=first, last_name=last
    )
    address = EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    EmailConfirmation.objects.create(email_address=address, key=f"{tag}-confirmation-key")
    provider_id = f"sub-{tag}-4417"
    account = SocialAccount.objects.create(
        user=user,
        provider="mock",
        uid=provider_id,
        extra_data={"sub": provider_id, "email": email, "name": f"{first} {last}"},
    )
    tokens = [f"access-{tag}-9c1f2e", f"refresh-{tag}-77ab01"]
    SocialToken.objects.create(account=account, token=tokens[0], token_secret=tokens[1])
    ProfileFact.objects.create(
        user=user, kind="name", value=f"{first} {last}", source="mock", received_at=AT
    )
    ProfileFact.objects.create(user=user, kind="email", value=email, source="mock", received_at=AT)
    AgeStatement.objects.create(user=user, adult=False, stated_at=AT)
    guardian_email = f"parent-of-{tag}@example.net"
    GuardianConfirmation.objects.create(
        user=user, guardian_email=guardian_email, requested_at=AT, confirmed_at=AT
    )
    genre = GenreFactory(city=CityFactory(slug=f"city-of-{tag}"), slug=f"genre-of-{tag}")
    tracks = tracks_bulk(favorites, prefix=tag)
    Favorite.objects.bulk_create(Favorite(user=user, track=track) for track in tracks)
    Favorite.objects.create(user=user, genre=genre)
    DashboardVisit.objects.create(user=user, visited_at=AT)
    PolicyNoticeSeen.objects.create(user=user, version=policy, seen_at=AT)
    consent_id = uuid.uuid4()
    ConsentChoice.objects.create(
        consent_id=consent_id,
        user=user,
        audience_statistics=True,
        advertising=False,
        method="chosen",
        policy_version=policy,
        chosen_at=AT,
    )
    MarketingChoice.objects.create(
        user=user,
        purpose="specials",
        subscribed=True,
        method="confirmed",
        policy_version=policy,
        chosen_at=AT,
    )
    AuditEvent.objects.create(
        kind="correction",
        subject_user_id=user.pk,
        actor="subject",
        actor_user_id=user.pk,
        occurred_at=AT,
        detail={"field": "name"},
    )
    _released_about(user, tag)
    _partner_of(user, tag, email=email, tracks=tracks)
    _mailed(user, tag, email=email)
    _entered(user, tag, email=email)
    _answered(user, tag)
    curator = CuratorFactory(name=f"DJ {tag}", slug=f"dj-{tag}")
    curator.accounts.add(user)
    return Person(
        user=user,
        email=email,
        names=[first, last, f"{first} {last}"],
        provider_id=provider_id,
        tokens=tokens,
        guardian_email=guardian_email,
        session_key=session_signed_in(user),
        consent_id=consent_id,
        tracks=tracks,
    )


def _mailed(user, tag: str, *, email: str) -> None:
    """A subscriber who got one campaign's message."""
    Subscriber.objects.create(user=user, email=email, language="nl")
    campaign = Campaign.objects.create(
        name=f"Specials {tag}",
        purpose="specials",
        subject_en="Specials",
        body_en="Specials.",
        subject_nl="Aanbiedingen",
        body_nl="Aanbiedingen.",
        status="sent",
    )
    Delivery.objects.create(campaign=campaign, user=user, status="sent", done_at=AT)


def _entered(user, tag: str, *, email: str) -> None:
    """An entry to a promotion run with an affiliate, handed over by its webhook."""
    affiliate, _ = Affiliate.objects.get_or_create(
        name="Paradiso", defaults={"agreement_reference": "AGR-1", "active_from": AT.date()}
    )
    promotion = Promotion.objects.create(
        slug=f"tickets-{tag}",
        title="Two tickets",
        text="Two tickets.",
        affiliate=affiliate,
        fields=["name", "email", "postal_address", "answer"],
        question="Which night?",
        opens_at=AT - dt.timedelta(days=1),
        closes_at=AT + dt.timedelta(days=1),
    )
    PromotionEntry.objects.create(
        promotion=promotion,
        user=user,
        reference=uuid.uuid4().hex,
        name=f"Entrant {tag}",
        email=email,
        postal_address=f"Weteringschans 6, {tag}",
        answer=f"Friday {tag}",
        entered_at=AT,
        handed_over_at=AT,
        handover_attempts=1,
        handover_error=f"once refused {tag}",
    )


def _answered(user, tag: str) -> None:
    """Answers to a survey that needed the account, given with it."""
    survey = Survey.objects.create(
        slug=f"survey-{tag}",
        title="A survey",
        account_reason="to send the winners a record",
        opens_at=AT - dt.timedelta(days=1),
        closes_at=AT + dt.timedelta(days=1),
    )
    question = Question.objects.create(survey=survey, kind="text", text="Why?")
    response = SurveyResponse.objects.create(survey=survey, submitted_on=AT.date(), user=user)
    Answer.objects.create(response=response, question=question, text=f"Because {tag}", scale=3)
    SurveyTicket.objects.create(survey=survey, user=user)


def _partner_of(user, tag: str, *, email: str, tracks: list[Track]) -> None:
    """A member of a partner organisation, invited by mail, with a token and a release."""
    organisation = Organisation.objects.create(
        name=f"{tag} Records", slug=f"{tag}-records", kind="label"
    )
    invitation = Invitation.objects.create(
        organisation=organisation, role="admin", email=email, nonce=f"{tag}-nonce".ljust(32, "0"),
        created_at=AT, expires_at=AT + dt.timedelta(days=7), accepted_by=user, accepted_at=AT,
    )  # fmt: skip
    Membership.objects.create(organisation=organisation, user=user, role="admin", created_at=AT)
    MembershipEvent.objects.create(
        organisation=organisation, action="joined", role="admin", actor=user, member=user,
        invitation=invitation, at=AT,
    )  # fmt: skip
    token = ApiToken.objects.create(
        organisation=organisation, name=f"{tag} reporting", prefix="abcd1234",
        digest=f"{tag}-digest".ljust(64, "0"), scopes=["reports"], created_by=user,
        created_at=AT, expires_at=AT + dt.timedelta(days=30),
    )  # fmt: skip
    view = ReleasedView.objects.create(
        key=f"{tag}-view".ljust(64, "0"), query={}, figures={}, epsilon=5.0, created_at=AT
    )
    Release.objects.create(
        organisation=organisation, view=view, person=user, token=token, channel="portal",
        epsilon_spent=5.0, at=AT,
    )  # fmt: skip
    TrackRights.objects.create(track=tracks[0], organisation=organisation, set_at=AT, set_by=user)


def _released_about(user, tag: str) -> None:
    """A share with an affiliate and a legal disclosure, both made by a member of staff."""
    staff, _ = get_user_model().objects.get_or_create(
        username="officer", defaults={"is_staff": True}
    )
    affiliate, _ = Affiliate.objects.get_or_create(
        name="Paradiso", defaults={"agreement_reference": "AGR-1", "active_from": AT.date()}
    )
    AffiliateShare.objects.create(
        affiliate=affiliate,
        transaction_reference=f"TICKET-{tag}",
        subject_user_id=user.pk,
        shared_fields=["auth.User.email"],
        shared_at=AT,
        shared_by=staff,
        audit=AuditEvent.objects.create(
            kind="affiliate_share",
            subject_user_id=user.pk,
            actor="staff",
            actor_user_id=staff.pk,
            occurred_at=AT,
        ),
    )
    LegalDisclosure.objects.create(
        requested_by=f"Officer Jansen about {tag}",
        request_received_on=AT.date(),
        legal_basis="legal_obligation",
        legal_basis_detail="Production order 126nd Sv",
        subject_user_id=user.pk,
        released="e-mail address",
        released_at=AT,
        released_by=staff,
        audit=AuditEvent.objects.create(
            kind="legal_disclosure",
            subject_user_id=user.pk,
            actor="staff",
            actor_user_id=staff.pk,
            occurred_at=AT,
        ),
    )
