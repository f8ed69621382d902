"""Reads the whole privacy center shares: which policy version is in force."""

import datetime as dt

from django.utils import timezone

from twentytwo.privacy.models import PolicyVersion


def policy_version_in_force(*, on: dt.date | None = None) -> PolicyVersion | None:
    """Return the published version in force on `on` (today by default), or None if none is."""
    day = on or timezone.localdate()
    return (
        PolicyVersion.objects.filter(published=True, effective_on__lte=day)
        .order_by("-effective_on")
        .first()
    )
