"""Reads of promotions: the open ones, one by its address, a listener's entry, the
affiliate's CSV and the hand-over's progress."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from twentytwo.outreach.models import Promotion, PromotionEntry


def promotions_open(now=None) -> list[Promotion]:
    """The promotions a listener can enter now, the soonest to close first."""
    now = now or timezone.now()
    found = Promotion.objects.filter(opens_at__lte=now, closes_at__gt=now)
    return list(found.select_related("affiliate").order_by("closes_at", "pk"))


def promotion_by_slug(slug: str) -> Promotion:
    """The promotion at that address, once it has opened; Http404 otherwise."""
    found = Promotion.objects.select_related("affiliate").filter(opens_at__lte=timezone.now())
    return get_object_or_404(found, slug=slug)


def promotion_entry_of(promotion: Promotion, user: AbstractBaseUser) -> PromotionEntry | None:
    if not user.is_authenticated:
        return None
    return PromotionEntry.objects.filter(promotion=promotion, user=user).first()


# A spreadsheet reads a cell starting with one of these as a formula: such a value is
# written with a leading apostrophe, which shows it as the text it is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def promotion_entries_csv(promotion: Promotion) -> Iterator[list[str]]:
    """The affiliate's CSV: a header, then per entry its reference, time and asked fields.

    Nothing else of the entry or the account is in it: no account number, no hand-over
    state, no other promotion's entries."""
    yield ["entry", "entered_at", *promotion.fields]
    entries = PromotionEntry.objects.filter(promotion=promotion).order_by("entered_at", "pk")
    for row in entries.values_list("reference", "entered_at", *promotion.fields).iterator():
        reference, entered_at, *values = row
        yield [reference, entered_at.isoformat(), *(_as_text(v) for v in values)]


@dataclass(frozen=True)
class PromotionProgress:
    entries: int
    handed_over: int
    failing: int


def promotion_progress(promotion: Promotion) -> PromotionProgress:
    counts = PromotionEntry.objects.filter(promotion=promotion).aggregate(
        entries=Count("pk"),
        handed_over=Count("pk", filter=Q(handed_over_at__isnull=False)),
        failing=Count("pk", filter=Q(handed_over_at__isnull=True, handover_attempts__gt=0)),
    )
    return PromotionProgress(**counts)
