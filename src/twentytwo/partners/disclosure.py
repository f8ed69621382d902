"""The disclosure layer: the one way from listening to a figure a partner or a curator sees.

Each view of a report (some tracks or genres, a city or all, a range of days, a daypart, a
step) is released once, as five figures: listeners, plays, ends, skips and seconds, each
over every cell of the view. A figure is

1. bounded: every browser counts in a limited number of cells, for a limited amount in each
   (audience/selectors/bounded.py, which returns sums and never a listener id);
2. noised: discrete Laplace noise (OpenDP's make_laplace on integers) whose scale is the
   figure's L1 sensitivity (the most one browser changes all its cells by, in total) over ε;
3. thresholded: a cell whose listener count, true or noisy, is below PARTNER_MIN_LISTENERS
   is released as suppressed, with no number of it at all. A total is a cell of its own,
   noised on its own, never a sum of the cells shown, so no difference of released
   figures gives back a suppressed one;
4. accounted: the view's ε is spent from its organisation's budget for the calendar month,
   and the release and the Release row that records it are written in one transaction
   (DESIGN.md 5.5). When the budget is spent, new views are refused until the 1st.

A view is kept under a key made from the site's secret and the query, so asking for the
same view again returns the very same figures and spends nothing: averaging repeated asks
learns nothing. What follows from released figures (rates, TSL, AQH, shares) is worked out
from them alone (partners/figures.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from twentytwo.audience.dayparts import DAYPARTS
from twentytwo.audience.periods import MAX_DAYS, STEPS, month_after
from twentytwo.audience.selectors.bounded import (
    GROUPS,
    MEASURES,
    TOTAL,
    Bounds,
    ListeningQuery,
    bounded_listening,
    listening_final_through,
)
from twentytwo.catalog.models import City
from twentytwo.outreach.selectors.ads import ad_totals, ads_of_advertiser, ads_with_places
from twentytwo.partners.models import Organisation, Release, ReleasedView
from twentytwo.partners.noise import noise_library, noised

FORMAT = 1
# A curator's view leaves out the genre totals: its genres are the whole of them.
CURATOR_GROUPS = tuple(group for group in GROUPS if group != "genre_totals")


class Refused(Exception):
    """A view that cannot be released: the message says why; nothing was spent."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFinal(Refused):
    status = 409


class BudgetSpent(Refused):
    status = 429

    def __init__(self, message: str, *, renews: date) -> None:
        super().__init__(message)
        self.renews = renews


@dataclass(frozen=True)
class ReportQuery:
    """One view of a report, as a partner asks for it. Ids only: it is the key's input."""

    tracks: tuple[int, ...] | None  # the rights holder's tracks; None: every track
    genres: tuple[int, ...] | None  # only these genres; None: every genre
    city_id: int | None
    first: date
    last: date
    daypart: str
    step: str
    groups: tuple[str, ...] = GROUPS

    def canonical(self) -> dict:
        return {
            "tracks": sorted(self.tracks) if self.tracks is not None else None,
            "genres": sorted(self.genres) if self.genres is not None else None,
            "city": self.city_id,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "daypart": self.daypart,
            "step": self.step,
            "groups": list(self.groups),
        }


@dataclass(frozen=True)
class Budget:
    month: date  # its first day
    allowed: float
    spent: float
    renews: date

    @property
    def left(self) -> float:
        return max(0.0, self.allowed - self.spent)


@dataclass(frozen=True)
class Released:
    view: ReleasedView
    release: Release
    new: bool  # False: the same view was released before and nothing was spent


def bounds() -> Bounds:
    return Bounds(
        cells=settings.PARTNER_BOUND_CELLS,
        plays=settings.PARTNER_BOUND_PLAYS,
        seconds=settings.PARTNER_BOUND_SECONDS,
    )


def view_cost() -> float:
    """The privacy loss of releasing one new view: its five figures."""
    return settings.PARTNER_EPSILON_PER_FIGURE * len(MEASURES)


def view_key(*, organisation: Organisation, query: ReportQuery | AdsQuery) -> str:
    """The key a view is kept under: a keyed digest of whose view it is and what it asks."""
    text = json.dumps(
        {"organisation": organisation.pk, "format": FORMAT, **query.canonical()}, sort_keys=True
    )
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def _month_start(day: date) -> date:
    return day.replace(day=1)


def budget_of(*, organisation: Organisation, now: datetime | None = None) -> Budget:
    """What the organisation may still spend this calendar month (in the site's zone)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    today = (now or timezone.now()).astimezone(zone).date()
    month = _month_start(today)
    since = datetime.combine(month, time(0), tzinfo=zone)
    spent = Release.objects.filter(organisation=organisation, at__gte=since).aggregate(
        spent=Sum("epsilon_spent")
    )["spent"]
    allowed = organisation.monthly_epsilon
    if allowed is None:
        allowed = settings.PARTNER_MONTHLY_EPSILON
    return Budget(month=month, allowed=allowed, spent=spent or 0.0, renews=month_after(month))


def query_check(query: ReportQuery, *, today: date) -> None:
    """Refuse a query no view can be released for, before anything is read or spent."""
    if query.daypart not in DAYPARTS:
        raise Refused(
            _("Unknown daypart “%(name)s”; choose one of: %(names)s.")
            % {"name": query.daypart, "names": ", ".join(DAYPARTS)}
        )
    if query.step not in STEPS:
        raise Refused(_("Choose a step of day, week or month."))
    if set(query.groups) - set(GROUPS) or not query.groups:
        raise Refused(_("Unknown breakdown."))
    if query.first > query.last:
        raise Refused(_("The range ends before it begins."))
    days = (query.last - query.first).days + 1
    longest = min(settings.PARTNER_MAX_DAYS, MAX_DAYS[query.step])
    if days > longest:
        raise Refused(
            _("A report covers at most %(days)d days; this one asks for %(asked)d.")
            % {"days": longest, "asked": days}
        )
    if query.last >= today:
        raise Refused(_("A report covers whole days up to yesterday."))
    final = listening_final_through()
    if final is None or query.last > final:
        raise NotFinal(
            _("The listening of %(day)s is not final yet; try again later or end earlier.")
            % {"day": date_format(query.last, "j F Y")}
        )
    if query.tracks is not None and not query.tracks:
        raise Refused(_("This organisation holds the rights to no tracks yet."))


def _figures(query: ReportQuery, *, epsilon: float, min_listeners: int) -> dict:
    """Read the bounded sums of the query and release them: noised, thresholded."""
    limits = bounds()
    listening = bounded_listening(
        query=ListeningQuery(
            tracks=frozenset(query.tracks) if query.tracks is not None else None,
            genres=frozenset(query.genres) if query.genres is not None else None,
            first=query.first,
            last=query.last,
            daypart=query.daypart,
            step=query.step,
            city=City.objects.get(pk=query.city_id) if query.city_id else None,
            groups=query.groups,
        ),
        bounds=limits,
    )
    # Every cell anyone could ask about is released, listened to or not: which cells
    # exist must not depend on who listened.
    found = {(cell.group, cell.key): cell for cell in listening.cells}
    domain = {
        "tracks": [str(t) for t in query.tracks] if query.tracks is not None else None,
        "periods": [period.name for period in listening.periods],
        "genres": [str(g) for g in query.genres] if query.genres is not None else None,
        TOTAL: [TOTAL],
        "genre_totals": None,
    }
    keys = []
    for group in query.groups:
        named = domain[group]
        seen = sorted(key for g, key in found if g == group)
        keys += [(group, key) for key in (sorted(set(named) | set(seen)) if named else seen)]
    sensitivity = {
        measure: sum(limits.sensitivity(group)[measure] for group in query.groups)
        for measure in MEASURES
    }
    true = {
        measure: [found[k].measure(measure) if k in found else 0 for k in keys]
        for measure in MEASURES
    }
    noisy = {
        measure: noised(true[measure], sensitivity=sensitivity[measure], epsilon=epsilon)
        for measure in MEASURES
    }
    groups: dict[str, list[dict]] = {group: [] for group in query.groups}
    for index, (group, key) in enumerate(keys):
        listeners = noisy["listeners"][index]
        if true["listeners"][index] < min_listeners or listeners < min_listeners:
            groups[group].append({"key": key, "suppressed": True})
            continue
        # Clamped after the noise: work done on released numbers alone reveals nothing more.
        plays = max(0, noisy["plays"][index])
        groups[group].append(
            {
                "key": key,
                "suppressed": False,
                "listeners": listeners,
                "plays": plays,
                "ends": min(plays, max(0, noisy["ends"][index])),
                "skips": min(plays, max(0, noisy["skips"][index])),
                "seconds": max(0, noisy["seconds"][index]),
            }
        )
    return {
        "format": FORMAT,
        "query": query.canonical(),
        "periods": [
            {
                "name": p.name,
                "first": p.first.isoformat(),
                "last": p.last.isoformat(),
                "tick": p.tick,
            }
            for p in listening.periods
        ],
        "quarter_hours": listening.quarter_hours,
        "groups": groups,
        "method": {
            "mechanism": "discrete Laplace",
            "library": noise_library(),
            "epsilon_per_figure": epsilon,
            "figures": list(MEASURES),
            "epsilon": epsilon * len(MEASURES),
            "bounds": {"cells": limits.cells, "plays": limits.plays, "seconds": limits.seconds},
            "sensitivity": sensitivity,
            "scale": {measure: sensitivity[measure] / epsilon for measure in MEASURES},
            "min_listeners": min_listeners,
        },
    }


def hand_over(
    *, organisation: Organisation, view: ReleasedView, channel: str, person=None, token=None,
    now: datetime | None = None,
) -> Release:  # fmt: skip
    """Record that a view released before is shown (or exported) again: it spends nothing."""
    return Release.objects.create(
        organisation=organisation,
        view=view,
        person=person,
        token=token,
        channel=channel,
        epsilon_spent=0.0,
        at=now or timezone.now(),
    )


def _released_again(key, *, organisation, person, token, channel, now) -> Released | None:
    view = ReleasedView.objects.filter(key=key).first()
    if view is None:
        return None
    release = hand_over(
        organisation=organisation, view=view, channel=channel, person=person, token=token, now=now
    )
    return Released(view=view, release=release, new=False)


def release(
    *,
    organisation: Organisation,
    query: ReportQuery,
    channel: str,
    person=None,
    token=None,
    now: datetime | None = None,
) -> Released:
    """Release a view to someone of the organisation: the kept one if it was released
    before, else a new one paid from the month's budget. Raise Refused (nothing spent)."""
    now = now or timezone.now()
    today = now.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    query_check(query, today=today)
    return _release(
        organisation=organisation,
        query=query,
        cost=view_cost(),
        figures=lambda: _figures(
            query,
            epsilon=settings.PARTNER_EPSILON_PER_FIGURE,
            min_listeners=settings.PARTNER_MIN_LISTENERS,
        ),
        channel=channel,
        person=person,
        token=token,
        now=now,
    )


def _release(*, organisation, query, cost, figures, channel, person, token, now) -> Released:
    """The kept view of `query`, or a new one made by `figures()` and paid for, recorded."""
    key = view_key(organisation=organisation, query=query)
    with transaction.atomic():
        # One release at a time per organisation, so that two cannot both spend the last ε.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        again = _released_again(
            key, organisation=organisation, person=person, token=token, channel=channel, now=now
        )
        if again is not None:
            return again
        budget = budget_of(organisation=organisation, now=now)
        if budget.spent + cost > budget.allowed + 1e-9:
            raise BudgetSpent(
                _(
                    "This month's privacy budget is spent (ε %(spent)g of %(allowed)g; a new "
                    "view costs ε %(cost)g). Views released before stay available; new ones "
                    "can be released from %(renews)s."
                )
                % {
                    "spent": budget.spent,
                    "allowed": budget.allowed,
                    "cost": cost,
                    "renews": date_format(budget.renews, "j F Y"),
                },
                renews=budget.renews,
            )
        released_figures = figures()
        try:
            with transaction.atomic():
                view = ReleasedView.objects.create(
                    key=key,
                    query=query.canonical(),
                    figures=released_figures,
                    epsilon=cost,
                    created_at=now,
                )
        except IntegrityError:
            # Released a moment ago by someone else of the organisation: theirs stands.
            again = _released_again(
                key, organisation=organisation, person=person, token=token, channel=channel,
                now=now,
            )  # fmt: skip
            if again is None:
                raise
            return again
        record = Release.objects.create(
            organisation=organisation,
            view=view,
            person=person,
            token=token,
            channel=channel,
            epsilon_spent=cost,
            at=now,
        )
    return Released(view=view, release=record, new=True)


# --- Ads --------------------------------------------------------------------------------
#
# An advertiser's ads are counted without any id (outreach/selectors/ads.py): a page that
# shows an ad asks for it once, and that request is one impression. So the unit protected
# here is one page view, not one person: a figure changes by at most 1 when any one page
# view (or one click) is left out, and it is noised for that, thresholded and accounted
# like every other view: the total is a cell too, so one page view moves two cells of a
# release (its own and the total), and the noise is drawn for a change of 2. The method
# page says so.

AD_MEASURES = ("impressions", "clicks")
# One page view, or one click, counts in one ad's place and in the total.
AD_SENSITIVITY = 2


@dataclass(frozen=True)
class AdsQuery:
    """An advertiser's ads over a range of days. Ids only: it is the key's input."""

    ads: tuple[int, ...]
    first: date
    last: date

    def canonical(self) -> dict:
        return {
            "ads": sorted(self.ads),
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
        }


def ads_of(*, organisation: Organisation) -> tuple[int, ...]:
    """The ids of the ads the organisation placed."""
    return tuple(ad.id for ad in ads_of_advertiser(organisation_id=organisation.pk))


def ads_view_cost() -> float:
    return settings.PARTNER_EPSILON_PER_FIGURE * len(AD_MEASURES)


def ads_query_check(query: AdsQuery, *, today: date) -> None:
    if not query.ads:
        raise Refused(_("This organisation has no ads yet."))
    if query.first > query.last:
        raise Refused(_("The range ends before it begins."))
    days = (query.last - query.first).days + 1
    if days > settings.PARTNER_MAX_DAYS:
        raise Refused(
            _("A report covers at most %(days)d days; this one asks for %(asked)d.")
            % {"days": settings.PARTNER_MAX_DAYS, "asked": days}
        )
    if query.last >= today:
        raise Refused(_("A report covers whole days up to yesterday."))


def _ad_figures(query: AdsQuery, *, epsilon: float, minimum: int) -> dict:
    ads = {ad.id: ad for ad in ads_with_places(ad_ids=list(query.ads))}
    counted = {
        (t.ad_id, t.place): t
        for t in ad_totals(ad_ids=list(ads), first=query.first, last=query.last)
    }
    # Every place each ad may show in is a cell, shown in or not, and the total is a cell
    # of its own: which cells exist never depends on who looked.
    keys = [(ad_id, place) for ad_id in sorted(ads) for place in ads[ad_id].places]
    true = {
        measure: [getattr(counted[k], measure) if k in counted else 0 for k in keys]
        for measure in AD_MEASURES
    }
    for measure in AD_MEASURES:
        true[measure].append(sum(true[measure]))
    noisy = {m: noised(true[m], sensitivity=AD_SENSITIVITY, epsilon=epsilon) for m in AD_MEASURES}
    cells = []
    for index, key in enumerate([*keys, (None, TOTAL)]):
        ad_id, place = key
        shown = noisy["impressions"][index]
        if true["impressions"][index] < minimum or shown < minimum:
            cells.append({"ad": ad_id, "place": place, "suppressed": True})
            continue
        clicks = max(0, noisy["clicks"][index])
        cell = {"ad": ad_id, "place": place, "suppressed": False, "impressions": shown}
        if clicks >= minimum and true["clicks"][index] >= minimum:
            cell["clicks"] = min(clicks, shown)
        else:
            cell["clicks_below"] = True
        cells.append(cell)
    return {
        "format": FORMAT,
        "kind": "ads",
        "query": query.canonical(),
        "names": {str(ad_id): ads[ad_id].name for ad_id in ads},
        "cells": cells,
        "method": {
            "mechanism": "discrete Laplace",
            "library": noise_library(),
            "unit": "one page view (ads are counted without any id)",
            "epsilon_per_figure": epsilon,
            "figures": list(AD_MEASURES),
            "epsilon": epsilon * len(AD_MEASURES),
            "sensitivity": AD_SENSITIVITY,
            "scale": AD_SENSITIVITY / epsilon,
            "min_count": minimum,
        },
    }


def release_ads(
    *,
    organisation: Organisation,
    query: AdsQuery,
    channel: str,
    person=None,
    token=None,
    now: datetime | None = None,
) -> Released:
    """Release an advertiser's ad figures, as release() does a report view."""
    now = now or timezone.now()
    ads_query_check(query, today=now.astimezone(ZoneInfo(settings.TIME_ZONE)).date())
    return _release(
        organisation=organisation,
        query=query,
        cost=ads_view_cost(),
        figures=lambda: _ad_figures(
            query,
            epsilon=settings.PARTNER_EPSILON_PER_FIGURE,
            minimum=settings.PARTNER_MIN_LISTENERS,
        ),
        channel=channel,
        person=person,
        token=token,
        now=now,
    )


def is_released(*, organisation: Organisation, query: ReportQuery) -> bool:
    """Say whether the view was released before, so that showing it again spends nothing."""
    return ReleasedView.objects.filter(
        key=view_key(organisation=organisation, query=query)
    ).exists()


def today_in_site() -> date:
    return timezone.now().astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def yesterday_in_site() -> date:
    return today_in_site() - timedelta(days=1)
