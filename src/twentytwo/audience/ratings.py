"""Ratings reports read from the rollups: one row per genre (or track) of a city.

A "person" in every figure is one browser (the listener cookie), not one human.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from twentytwo.audience.crediting import STATION
from twentytwo.audience.dayparts import Daypart, daypart_quarter_hours
from twentytwo.audience.metrics import ALL, Counts, Ratings, ratings
from twentytwo.audience.models import CreditedQuarterHour, ListeningQuarterHour
from twentytwo.catalog.models import City, Genre, Track

PERSON_NOTE = "A person is one browser (listener cookie), not one human."
ROW_KEYS = (
    "genre",
    "aqh",
    "share",
    "cume",
    "exclusive_cume",
    "tsl_minutes",
    "tlh",
    "aas",
    "session_starts",
    "plays",
    "completion_rate",
    "skip_rate",
)
ALL_GENRES = "all genres"
ALL_CURATORS = "all curators"
NO_CURATOR = "no curator"
BY_GENRE, BY_TRACK, BY_CURATOR = "genre", "track", "curator"
# A curator's row: the curator's name, the genres it covers, then every figure.
CURATOR_ROW_KEYS = ("curator", "genres", *ROW_KEYS[1:])


@dataclass
class RatingsReport:
    city: City
    first: date
    last: date
    daypart: Daypart
    by: str
    quarter_hours: int
    rows: list[dict]
    total: dict

    def as_dict(self) -> dict:
        return {
            "person": PERSON_NOTE,
            "city": self.city.slug,
            "time_zone": self.city.time_zone,
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "daypart": self.daypart.name,
            "by": self.by,
            "quarter_hours": self.quarter_hours,
            "rows": self.rows,
            "total": self.total,
        }


def _in_daypart(queryset, city: City, first: date, last: date, daypart: Daypart):
    # The daypart is a range of clock hours, so minute-of-day filters it exactly, including
    # an hour the clocks repeat.
    return queryset.filter(
        city_id=city.id,
        local_date__gte=first,
        local_date__lte=last,
        local_minute__gte=daypart.first_hour * 60,
        local_minute__lt=daypart.last_hour * 60,
    )


def _presented(r: Ratings) -> dict:
    return {
        "aqh": float(round(r.aqh, 2)),
        "share": float(round(r.share, 2)),
        "cume": r.cume,
        "exclusive_cume": r.exclusive_cume,
        "tsl_minutes": float(round(r.tsl_minutes, 1)),
        "tlh": float(round(r.tlh, 2)),
        "aas": float(round(r.aas, 3)),
        "session_starts": r.session_starts,
        "plays": r.plays,
        "completion_rate": float(round(r.completion_rate, 3)),
        "skip_rate": float(round(r.skip_rate, 3)),
    }


def city_ratings_exact(
    *, city: City, first: date, last: date, daypart: Daypart, by: str = BY_GENRE
) -> tuple[int, dict, dict]:
    """Return (N, ratings per station key, station-level ratings) with exact fractions.

    Keys are genre ids, (genre id, track id) pairs when `by` is BY_TRACK, or curator ids
    (None for genres without one) when `by` is BY_CURATOR; ALL is the all-genres total,
    which counts a listener credited to two genres in a quarter hour once, as a curator's
    figure counts a listener credited to two of the curator's genres once."""
    n = len(daypart_quarter_hours(first, last, daypart, city.time_zone))
    credited = _in_daypart(CreditedQuarterHour.objects, city, first, last, daypart)
    station_credits = [
        (genre_id, slot, listener)
        for genre_id, slot, listener in credited.filter(track_id=STATION).values_list(
            "genre_id", "slot_start", "listener"
        )
    ]
    counts: dict = defaultdict(Counts)
    track_counts: dict = defaultdict(Counts)
    sums = _in_daypart(ListeningQuarterHour.objects, city, first, last, daypart).values_list(
        "genre_id",
        "track_id",
        "counted_listening_seconds",
        "session_starts",
        "plays",
        "ends",
        "skips",
    )
    for genre_id, track_id, *numbers in sums:
        c = Counts(*numbers)
        counts[genre_id].add(c)
        track_counts[(genre_id, track_id)].add(c)
    stations = ratings(credits=station_credits, counts=dict(counts), quarter_hours=n)
    if by == BY_CURATOR:
        return n, _by_curator(city, station_credits, counts, n), stations
    if by != BY_TRACK:
        return n, stations, stations
    track_credits = [
        ((genre_id, track_id), slot, listener)
        for genre_id, track_id, slot, listener in credited.exclude(track_id=STATION).values_list(
            "genre_id", "track_id", "slot_start", "listener"
        )
    ]
    tracks = ratings(credits=track_credits, counts=dict(track_counts), quarter_hours=n)
    all_aqh = stations[ALL].aqh
    for r in tracks.values():
        # A track's share is of all listening in the city, like a genre's.
        r.share = r.aqh * 100 / all_aqh if all_aqh else Fraction(0)
    tracks[ALL] = stations[ALL]
    return n, tracks, stations


def _by_curator(city: City, station_credits: list, counts: dict, n: int) -> dict:
    curator_of = dict(Genre.objects.filter(city=city).values_list("id", "curator_id"))
    # A set: two of one curator's genres in one quarter hour credit the curator once.
    credits = {
        (curator_of.get(genre_id), slot, listener) for genre_id, slot, listener in station_credits
    }
    curator_counts: dict = defaultdict(Counts)
    for genre_id, c in counts.items():
        curator_counts[curator_of.get(genre_id)].add(c)
    for curator_id in curator_of.values():
        # Every curator of the city has a row, listened to or not.
        curator_counts.setdefault(curator_id, Counts())
    return ratings(credits=credits, counts=dict(curator_counts), quarter_hours=n)


def _curator_rows(city: City, exact: dict) -> tuple[list[dict], dict]:
    names: dict = {None: NO_CURATOR}
    covered: dict = defaultdict(list)
    for genre in Genre.objects.filter(city=city).select_related("curator"):
        if genre.curator:
            names[genre.curator_id] = genre.curator.name
        covered[genre.curator_id].append(genre.slug)
    rows = [
        {
            "curator": names.get(key, f"#{key}"),
            "genres": " ".join(sorted(covered.get(key, ()))),
            **_presented(r),
        }
        for key, r in exact.items()
        if key != ALL
    ]
    rows.sort(key=lambda row: (-row["aqh"], -row["tlh"], row["curator"]))
    return rows, {"curator": ALL_CURATORS, "genres": "", **_presented(exact[ALL])}


def city_ratings(
    *, city: City, first: date, last: date, daypart: Daypart, by: str = BY_GENRE
) -> RatingsReport:
    """Return the ratings report of a city over its days first..last in one daypart."""
    n, exact, _stations = city_ratings_exact(
        city=city, first=first, last=last, daypart=daypart, by=by
    )
    genres = dict(Genre.objects.filter(city=city).values_list("id", "slug"))
    if by == BY_CURATOR:
        return RatingsReport(city, first, last, daypart, by, n, *_curator_rows(city, exact))
    rows = []
    if by == BY_TRACK:
        track_ids = {key[1] for key in exact if key != ALL}
        titles = {t.id: f"{t.artist} – {t.title}" for t in Track.objects.filter(id__in=track_ids)}
        for key, r in exact.items():
            if key == ALL:
                continue
            genre_id, track_id = key
            rows.append(
                {
                    "genre": genres.get(genre_id, f"#{genre_id}"),
                    "track": titles.get(track_id, f"#{track_id}"),
                    **_presented(r),
                }
            )
    else:
        # Every genre of the city has a row: a rating of zero is a finding too.
        for genre_id in set(genres) | {key for key in exact if key != ALL}:
            r = (
                exact.get(genre_id)
                or ratings(credits=[], counts={genre_id: Counts()}, quarter_hours=n)[genre_id]
            )
            rows.append({"genre": genres.get(genre_id, f"#{genre_id}"), **_presented(r)})
    rows.sort(key=lambda row: (-row["aqh"], -row["tlh"], row["genre"], row.get("track", "")))
    total = {"genre": ALL_GENRES, **_presented(exact[ALL])}
    return RatingsReport(city, first, last, daypart, by, n, rows, total)
