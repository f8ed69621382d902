"""Reads of cookie choices."""

from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from twentytwo.privacy.models import ConsentChoice


def cookie_choice_latest(*, consent_id: UUID) -> ConsentChoice | None:
    """Return the choice in force for a browser: its latest, or None when it made none."""
    return (
        ConsentChoice.objects.filter(consent_id=consent_id)
        .select_related("policy_version")
        .order_by("-chosen_at", "-id")
        .first()
    )


def cookie_choices_of_user(*, user: AbstractBaseUser) -> QuerySet[ConsentChoice]:
    """Return every choice made while signed in to this account, the latest first."""
    return (
        ConsentChoice.objects.filter(user=user)
        .select_related("policy_version")
        .order_by("-chosen_at", "-id")
    )
