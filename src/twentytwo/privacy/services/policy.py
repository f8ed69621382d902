"""Writes about the policy: drafting and publishing versions, and the notice seen."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from twentytwo.privacy.models import PolicyNoticeSeen, PolicyVersion
from twentytwo.privacy.services import PrivacyError

POLICY_DATE_PAST = (
    "A version cannot take effect on a date that has already passed; choose today or later."
)
POLICY_NOT_AFTER_LATEST = (
    "A new version must take effect after the latest published one (version %(number)s, "
    "in effect from %(date)s)."
)
POLICY_NUMBER_NOT_LATEST = (
    "Version %(number)s was written before version %(latest)s was published; "
    "write a new version instead."
)
POLICY_PUBLISHED_IS_FINAL = (
    "Version %(number)s is published and cannot be changed; write a new version instead."
)
POLICY_TEXT_MISSING = "Both the English and the Dutch text are needed."


def _texts_check(*, text_en: str, text_nl: str) -> None:
    if not text_en.strip() or not text_nl.strip():
        raise PrivacyError(POLICY_TEXT_MISSING)


def policy_version_draft_create(
    *,
    effective_on: date,
    text_en: str,
    text_nl: str,
    summary_en: str = "",
    summary_nl: str = "",
    cookie_purposes_changed: bool = False,
) -> PolicyVersion:
    """Write a new draft, numbered after every version so far."""
    _texts_check(text_en=text_en, text_nl=text_nl)
    with transaction.atomic():
        # PostgreSQL locks no rows for an aggregate; the numbers are read, locked, then counted.
        numbers = PolicyVersion.objects.select_for_update().values_list("number", flat=True)
        latest = max(numbers, default=0)
        return PolicyVersion.objects.create(
            number=latest + 1,
            effective_on=effective_on,
            text_en=text_en,
            text_nl=text_nl,
            summary_en=summary_en,
            summary_nl=summary_nl,
            cookie_purposes_changed=cookie_purposes_changed,
        )


def policy_version_draft_update(
    *,
    version: PolicyVersion,
    effective_on: date,
    text_en: str,
    text_nl: str,
    summary_en: str = "",
    summary_nl: str = "",
    cookie_purposes_changed: bool = False,
) -> PolicyVersion:
    """Change a draft; a published version is final."""
    _texts_check(text_en=text_en, text_nl=text_nl)
    with transaction.atomic():
        version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
        if version.published:
            raise PrivacyError(POLICY_PUBLISHED_IS_FINAL % {"number": version.number})
        version.effective_on = effective_on
        version.text_en, version.text_nl = text_en, text_nl
        version.summary_en, version.summary_nl = summary_en, summary_nl
        version.cookie_purposes_changed = cookie_purposes_changed
        version.save()
    return version


def policy_version_publish_check(*, version: PolicyVersion, today: date | None = None) -> None:
    """Refuse publishing `version` as it stands, with the reason; return if it may be."""
    today = today or timezone.localdate()
    if version.published:
        raise PrivacyError(POLICY_PUBLISHED_IS_FINAL % {"number": version.number})
    _texts_check(text_en=version.text_en, text_nl=version.text_nl)
    if version.effective_on < today:
        raise PrivacyError(POLICY_DATE_PAST)
    latest = (
        PolicyVersion.objects.filter(published=True).exclude(pk=version.pk).order_by("-number")
    ).first()
    if latest is not None:
        if latest.number > version.number:
            raise PrivacyError(
                POLICY_NUMBER_NOT_LATEST % {"number": version.number, "latest": latest.number}
            )
        if version.effective_on <= latest.effective_on:
            raise PrivacyError(
                POLICY_NOT_AFTER_LATEST
                % {"number": latest.number, "date": latest.effective_on.isoformat()}
            )


def policy_version_publish(
    *, version: PolicyVersion, by: AbstractBaseUser, today: date | None = None
) -> PolicyVersion:
    """Publish a draft: from its effective date on it is the policy in force, for good."""
    with transaction.atomic():
        # Lock every version: two staff publishing at once must not both pass the checks.
        list(PolicyVersion.objects.select_for_update().order_by("pk"))
        version = PolicyVersion.objects.get(pk=version.pk)
        policy_version_publish_check(version=version, today=today)
        version.published = True
        version.published_at = timezone.now()
        version.published_by = by
        version.save(update_fields=["published", "published_at", "published_by"])
    return version


def policy_notice_record_seen(*, user: AbstractBaseUser, version_id: int) -> bool:
    """Record that the listener was shown the notice of a version; say whether it is new."""
    try:
        with transaction.atomic():
            PolicyNoticeSeen.objects.create(
                user=user, version_id=version_id, seen_at=timezone.now()
            )
    except IntegrityError:
        # Another request of the same listener recorded it first.
        return False
    return True
