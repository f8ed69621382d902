"""Reads of the privacy center: the policy in force, its versions, the processors."""

from __future__ import annotations

from datetime import date

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from twentytwo.privacy.models import PolicyVersion, Processor

POLICY_VERSION_NOT_FOUND = "There is no published version with this number."
# The version in force changes at most once a day; a minute of delay after publishing a
# version that takes effect today costs nothing, a query on every signed-in page would.
POLICY_IN_FORCE_CACHE_SECONDS = 60


def policy_in_force(*, on: date | None = None) -> PolicyVersion | None:
    """Return the published version in force on `on` (today by default), if any."""
    on = on or timezone.localdate()
    return (
        PolicyVersion.objects.filter(published=True, effective_on__lte=on)
        .order_by("-effective_on")
        .first()
    )


def policy_in_force_number(*, on: date | None = None) -> tuple[int, int] | None:
    """Return (id, number) of the version in force, from a cache kept for a minute."""
    on = on or timezone.localdate()
    key = f"privacy:policy-in-force:{on.isoformat()}"
    found = cache.get(key)
    if found is None:
        version = policy_in_force(on=on)
        found = (version.pk, version.number) if version else ()
        cache.set(key, found, POLICY_IN_FORCE_CACHE_SECONDS)
    return tuple(found) or None


def cookie_purposes_version(*, on: date | None = None) -> int:
    """Return the number of the newest version in force that changed the cookie purposes
    (0 when none did): a choice made under an earlier one is asked again. Cached a minute."""
    on = on or timezone.localdate()
    key = f"privacy:cookie-purposes:{on.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = (
            PolicyVersion.objects.filter(
                published=True, effective_on__lte=on, cookie_purposes_changed=True
            )
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        ) or 0
        cache.set(key, found, POLICY_IN_FORCE_CACHE_SECONDS)
    return found


def policy_versions_in_effect(*, on: date | None = None) -> list[PolicyVersion]:
    """Return the version in force and every earlier one, newest first."""
    on = on or timezone.localdate()
    return list(
        PolicyVersion.objects.filter(published=True, effective_on__lte=on).order_by("-effective_on")
    )


def policy_versions_upcoming(*, on: date | None = None) -> list[PolicyVersion]:
    """Return published versions that take effect after `on`, soonest first."""
    on = on or timezone.localdate()
    return list(
        PolicyVersion.objects.filter(published=True, effective_on__gt=on).order_by("effective_on")
    )


def policy_version_published_by_number(number: int) -> PolicyVersion:
    """Return a published version; a draft is as absent as a missing one."""
    version = PolicyVersion.objects.filter(published=True, number=number).first()
    if version is None:
        raise Http404(POLICY_VERSION_NOT_FOUND)
    return version


def policy_version_before(version: PolicyVersion) -> PolicyVersion | None:
    """Return the published version this one replaced, if any."""
    return (
        PolicyVersion.objects.filter(published=True, effective_on__lt=version.effective_on)
        .order_by("-effective_on")
        .first()
    )


def processors_active(*, on: date | None = None) -> QuerySet[Processor]:
    """Return the processors under contract on `on` (today by default)."""
    on = on or timezone.localdate()
    return Processor.objects.filter(active_from__lte=on).exclude(active_until__lt=on)
