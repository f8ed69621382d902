"""Writes of the marketing choices: each opt-in, confirmation and withdrawal is a new row
under the policy version in force, never an update. outreach calls these; the objection on
My data is mydata.marketing_objection_record."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from twentytwo.privacy.models import MarketingChoice, MarketingPurpose
from twentytwo.privacy.selectors.policy import policy_in_force
from twentytwo.privacy.services import PrivacyError

NO_POLICY = "No privacy policy is in force yet, so the choice cannot be recorded."
UNKNOWN_PURPOSE = "There is no kind of mail called %(purpose)r."
ONE_PURPOSE = "One opts in to one kind of mail at a time, not to %(purpose)r."
OBJECTION_COVERS_ALL = "An objection is to every kind of mail."

Method = MarketingChoice.Method


def marketing_choice_record(
    *,
    user: AbstractBaseUser,
    purpose: str,
    method: str,
    at: datetime | None = None,
) -> MarketingChoice:
    """Record one choice about one kind of mail (or ALL, for a withdrawal from all)."""
    if purpose not in MarketingPurpose.values:
        raise PrivacyError(UNKNOWN_PURPOSE % {"purpose": purpose})
    if method in MarketingChoice.SUBSCRIBED and purpose == MarketingPurpose.ALL:
        raise PrivacyError(ONE_PURPOSE % {"purpose": purpose})
    if method == Method.OBJECTION and purpose != MarketingPurpose.ALL:
        raise PrivacyError(OBJECTION_COVERS_ALL)
    with transaction.atomic():
        version = policy_in_force()
        if version is None:
            raise PrivacyError(NO_POLICY)
        return MarketingChoice.objects.create(
            user=user,
            purpose=purpose,
            subscribed=method in MarketingChoice.SUBSCRIBED,
            method=method,
            policy_version=version,
            chosen_at=at or timezone.now(),
        )
