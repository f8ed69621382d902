"""Writes for accounts: the age answer, the guardian confirmation and profile facts."""

import logging
from collections.abc import Callable

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from twentytwo.accounts.claims import claim_clean, profile_claims_from_social_account
from twentytwo.accounts.models import (
    PROFILE_SOURCE_SELF,
    AgeStatement,
    GuardianConfirmation,
    ProfileFact,
)
from twentytwo.accounts.selectors import access_profile_fact_by_id

logger = logging.getLogger(__name__)

AGE_ALREADY_STATED = "You have already answered the age question."
GUARDIAN_NOT_NEEDED = "Only a listener under 18 asks a parent or guardian to confirm."
GUARDIAN_ALREADY_CONFIRMED = "A parent or guardian has already confirmed this account."
GUARDIAN_EMAIL_INVALID = "Enter the e-mail address of your parent or guardian."
GUARDIAN_EMAIL_IS_OWN = "Enter your parent's or guardian's address, not your own."
GUARDIAN_TOO_MANY_REQUESTS = "Too many requests were sent today. Try again tomorrow."
GUARDIAN_LINK_INVALID = "This confirmation link is not valid. Ask for a new one."
GUARDIAN_LINK_EXPIRED = "This confirmation link has expired. Ask for a new one."
GUARDIAN_LINK_USED = "This confirmation link has already been used."
PROFILE_SOURCE_NOT_CONNECTED = "That sign-in provider is not connected to your account."
PROFILE_KIND_UNKNOWN = "Choose one of the items on your profile to correct."
PROFILE_VALUE_INVALID = {
    ProfileFact.Kind.NAME: "Enter your name.",
    ProfileFact.Kind.AVATAR: "Enter the web address (https://…) of a picture.",
    ProfileFact.Kind.LOCALE: "Enter a language code such as en, nl or nl-BE.",
    ProfileFact.Kind.EMAIL: "Enter a valid e-mail address.",
}
PROFILE_EMAIL_IN_USE = "Another account already uses this e-mail address."

GUARDIAN_LINK_SALT = "twentytwo.accounts.guardian-confirmation"
# A listener may ask this many guardians (or the same one again) per day.
GUARDIAN_REQUESTS_PER_DAY = 5


class AccountError(Exception):
    """A refused account change; the message is one of this module's constants."""


def age_statement_record(*, user: AbstractBaseUser, adult: bool) -> AgeStatement:
    """Record the listener's answer to the age question; it cannot be changed afterwards.

    Letting an under-18 answer be turned into 18+ would undo the guardian step."""
    with transaction.atomic():
        statement, created = AgeStatement.objects.get_or_create(
            user=user, defaults={"adult": adult, "stated_at": timezone.now()}
        )
        if not created:
            raise AccountError(AGE_ALREADY_STATED)
    return statement


def guardian_link_token(confirmation: GuardianConfirmation) -> str:
    """Return the signed, timestamped token the guardian's link carries."""
    return signing.dumps({"c": confirmation.pk}, salt=GUARDIAN_LINK_SALT)


def _user_own_addresses(user: AbstractBaseUser) -> set[str]:
    addresses = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    addresses |= set(
        ProfileFact.objects.filter(user=user, kind=ProfileFact.Kind.EMAIL).values_list(
            "value", flat=True
        )
    )
    if user.email:
        addresses.add(user.email)
    return {a.lower() for a in addresses}


def _guardian_mail_send(*, guardian_email: str, link: str) -> None:
    context = {"link": link, "max_age_days": settings.GUARDIAN_LINK_MAX_AGE // 86400}
    if settings.DEMO_LOGIN:
        # The demo prints mail to the console, where long lines arrive quoted-printable
        # and the link is cut in two; print it whole as well. Never on in production.
        logger.info("Demo: guardian confirmation link for %s: %s", guardian_email, link)
    send_mail(
        subject=render_to_string("accounts/guardian_email_subject.txt", context).strip(),
        message=render_to_string("accounts/guardian_email.txt", context),
        from_email=None,
        recipient_list=[guardian_email],
    )


def guardian_confirmation_request(
    *, user: AbstractBaseUser, guardian_email: str, absolute_url: Callable[[str], str]
) -> GuardianConfirmation:
    """Ask a parent or guardian to confirm an under-18 listener's account, by e-mail.

    `absolute_url` turns a path into a full address (request.build_absolute_uri)."""
    guardian_email = guardian_email.strip()
    try:
        validate_email(guardian_email)
    except ValidationError as exc:
        raise AccountError(GUARDIAN_EMAIL_INVALID) from exc
    with transaction.atomic():
        statement = AgeStatement.objects.filter(user=user).first()
        if statement is None or statement.adult:
            raise AccountError(GUARDIAN_NOT_NEEDED)
        confirmations = GuardianConfirmation.objects.select_for_update().filter(user=user)
        if any(c.confirmed_at for c in confirmations):
            raise AccountError(GUARDIAN_ALREADY_CONFIRMED)
        if guardian_email.lower() in _user_own_addresses(user):
            raise AccountError(GUARDIAN_EMAIL_IS_OWN)
        now = timezone.now()
        day_ago = now - timezone.timedelta(days=1)
        if sum(1 for c in confirmations if c.requested_at > day_ago) >= GUARDIAN_REQUESTS_PER_DAY:
            raise AccountError(GUARDIAN_TOO_MANY_REQUESTS)
        confirmation = GuardianConfirmation.objects.create(
            user=user, guardian_email=guardian_email, requested_at=now
        )
        path = reverse(
            "accounts:guardian_confirm", kwargs={"token": guardian_link_token(confirmation)}
        )
        link = absolute_url(path)
        transaction.on_commit(lambda: _guardian_mail_send(guardian_email=guardian_email, link=link))
    return confirmation


def guardian_confirmation_check(*, token: str) -> GuardianConfirmation:
    """Return the unconfirmed request a guardian's link points to, or refuse the link."""
    try:
        data = signing.loads(token, salt=GUARDIAN_LINK_SALT, max_age=settings.GUARDIAN_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise AccountError(GUARDIAN_LINK_EXPIRED) from exc
    except signing.BadSignature as exc:
        raise AccountError(GUARDIAN_LINK_INVALID) from exc
    confirmation = GuardianConfirmation.objects.filter(pk=data.get("c")).first()
    if confirmation is None:
        raise AccountError(GUARDIAN_LINK_INVALID)
    if confirmation.confirmed_at is not None:
        raise AccountError(GUARDIAN_LINK_USED)
    return confirmation


def guardian_confirmation_confirm(*, token: str) -> GuardianConfirmation:
    """Record that a parent or guardian confirmed, through the link; each link works once."""
    with transaction.atomic():
        confirmation = guardian_confirmation_check(token=token)
        # Lock the row so two clicks at once cannot both confirm.
        confirmation = GuardianConfirmation.objects.select_for_update().get(pk=confirmation.pk)
        if confirmation.confirmed_at is not None:
            raise AccountError(GUARDIAN_LINK_USED)
        confirmation.confirmed_at = timezone.now()
        confirmation.save(update_fields=["confirmed_at"])
    return confirmation


def profile_facts_record(
    *, user: AbstractBaseUser, source: str, claims: dict[str, str]
) -> list[ProfileFact]:
    """Store each given fact as coming from `source` now, replacing that source's old value."""
    now = timezone.now()
    facts = []
    with transaction.atomic():
        for kind, value in claims.items():
            fact, _ = ProfileFact.objects.update_or_create(
                user=user, kind=kind, source=source, defaults={"value": value, "received_at": now}
            )
            facts.append(fact)
    return facts


def profile_facts_record_from_social_account(*, account: SocialAccount) -> list[ProfileFact]:
    """Store what a connected sign-in provider last told us about its user."""
    return profile_facts_record(
        user=account.user,
        source=account.provider,
        claims=profile_claims_from_social_account(account),
    )


def profile_facts_refresh(*, user: AbstractBaseUser, source: str) -> list[ProfileFact]:
    """Read the provider's data again (as of the latest sign-in) into the profile."""
    account = SocialAccount.objects.filter(user=user, provider=source).first()
    if account is None:
        raise AccountError(PROFILE_SOURCE_NOT_CONNECTED)
    return profile_facts_record_from_social_account(account=account)


def profile_fact_remove(*, user: AbstractBaseUser, fact_id: int) -> None:
    """Delete one of the user's own profile facts.

    A removed e-mail address goes from the account too, unless another provider still
    gives the same address."""
    with transaction.atomic():
        fact = access_profile_fact_by_id(user, fact_id)
        fact.delete()
        if fact.kind != ProfileFact.Kind.EMAIL:
            return
        if ProfileFact.objects.filter(
            user=user, kind=ProfileFact.Kind.EMAIL, value__iexact=fact.value
        ).exists():
            return
        EmailAddress.objects.filter(user=user, email__iexact=fact.value).delete()
        if user.email.lower() == fact.value.lower():
            user.email = ""
            user.save(update_fields=["email"])


def profile_fact_correct(*, user: AbstractBaseUser, kind: str, value: str) -> ProfileFact:
    """Replace what the providers told us of one kind with the listener's own value.

    The wrong values go; the correction is kept as told by the listener (source "self"),
    so refreshing from a provider later is the listener's choice to bring theirs back. A
    corrected e-mail address becomes the account's address too."""
    if kind not in ProfileFact.Kind.values:
        raise AccountError(PROFILE_KIND_UNKNOWN)
    cleaned = claim_clean(kind, value)
    if not cleaned:
        raise AccountError(PROFILE_VALUE_INVALID[kind])
    with transaction.atomic():
        if kind == ProfileFact.Kind.EMAIL:
            _account_email_replace(user=user, email=cleaned)
        wrong = ProfileFact.objects.filter(user=user, kind=kind)
        wrong.exclude(source=PROFILE_SOURCE_SELF).delete()
        fact, _ = ProfileFact.objects.update_or_create(
            user=user,
            kind=kind,
            source=PROFILE_SOURCE_SELF,
            defaults={"value": cleaned, "received_at": timezone.now()},
        )
    return fact


def _account_email_replace(*, user: AbstractBaseUser, email: str) -> None:
    user_model = get_user_model()
    if (
        EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists()
        or user_model.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
    ):
        raise AccountError(PROFILE_EMAIL_IN_USE)
    EmailAddress.objects.filter(user=user).exclude(email__iexact=email).delete()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"primary": True, "verified": False}
    )
    user.email = email
    user.save(update_fields=["email"])
