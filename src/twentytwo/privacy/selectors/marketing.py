"""Reads of the marketing choices: what is in force for a listener, and who may get mail.

The choice in force for a purpose is the latest row of that purpose or of ALL (an
objection or a withdrawal from all mail). Only CONFIRMED lets mail through."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.contrib.auth.models import AbstractBaseUser

from twentytwo.privacy.models import MarketingChoice, MarketingPurpose

CHUNK = 500


def _latest(rows: Iterable[MarketingChoice]) -> MarketingChoice | None:
    return max(rows, key=lambda row: (row.chosen_at, row.id), default=None)


def marketing_in_force(*, user: AbstractBaseUser) -> dict[str, MarketingChoice | None]:
    """Return the choice in force for each purpose one opts in to (None: never asked)."""
    rows = list(MarketingChoice.objects.filter(user=user).select_related("policy_version"))
    return {
        purpose: _latest(row for row in rows if row.purpose in (purpose, MarketingPurpose.ALL))
        for purpose in MarketingPurpose.asked()
    }


def marketing_confirmed(*, purpose: str, user_ids: Iterable[int]) -> set[int]:
    """Return those of the accounts whose choice in force for the purpose is confirmed."""
    confirmed: set[int] = set()
    ids = list(user_ids)
    for start in range(0, len(ids), CHUNK):
        seen: set[int] = set()
        rows = (
            MarketingChoice.objects.filter(
                user_id__in=ids[start : start + CHUNK],
                purpose__in=[purpose, MarketingPurpose.ALL],
            )
            .order_by("user_id", "-chosen_at", "-id")
            .values_list("user_id", "method")
        )
        for user_id, method in rows:
            if user_id not in seen:
                seen.add(user_id)
                if method == MarketingChoice.Method.CONFIRMED:
                    confirmed.add(user_id)
    return confirmed


def marketing_confirmed_ever(*, purpose: str) -> Iterator[int]:
    """Yield, in order, every account that has confirmed the purpose at least once."""
    yield from (
        MarketingChoice.objects.filter(purpose=purpose, method=MarketingChoice.Method.CONFIRMED)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
        .iterator(chunk_size=2000)
    )
