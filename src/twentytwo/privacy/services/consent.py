"""Writes of cookie choices. A choice is a new row, never an update: the rows are the proof."""

from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from twentytwo.privacy.models import ConsentChoice
from twentytwo.privacy.selectors.policy import policy_in_force

NO_POLICY_IN_FORCE = (
    "No privacy policy is in force yet, so no choice can be recorded against it. "
    "Nothing was changed; please try again later."
)


class ConsentError(Exception):
    """A choice that could not be recorded; the message is one of this module's constants."""


def cookie_choice_record(
    *,
    consent_id: UUID,
    user: AbstractBaseUser | AnonymousUser | None,
    audience_statistics: bool,
    advertising: bool,
    method: ConsentChoice.Method,
) -> ConsentChoice:
    """Record what a browser chose, under the policy version in force now.

    Global Privacy Control is a refusal of both, whatever else was asked for: the browser
    said so before the visitor could."""
    if method == ConsentChoice.Method.GLOBAL_PRIVACY_CONTROL:
        audience_statistics = advertising = False
    with transaction.atomic():
        version = policy_in_force()
        if version is None:
            raise ConsentError(NO_POLICY_IN_FORCE)
        return ConsentChoice.objects.create(
            consent_id=consent_id,
            user=user if user is not None and user.is_authenticated else None,
            audience_statistics=audience_statistics,
            advertising=advertising,
            method=method,
            policy_version=version,
            chosen_at=timezone.now(),
        )
