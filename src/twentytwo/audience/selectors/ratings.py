"""Ratings read from the rollups: a city's genres, tracks and curators over a range of days.

A city's rollup rows over the days asked for are read once, in a fixed number of queries
(CityRollups); every figure of any daypart and any stretch of those days (a day, a week, a
month of a series) is reckoned from them in memory, exactly (metrics.py). A "person" in
every figure is one browser (the listener cookie), not one human.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from django.db.models import CharField, Sum
from django.db.models.functions import Cast

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
TRACKS_OVER_EVERY_DAY = "Tracks are reckoned over every day the rollups were read for."
# The counts every row sums, in the order Counts takes them.
_SUMS = {
    name: Sum(name)
    for name in ("counted_listening_seconds", "session_starts", "plays", "ends", "skips")
}


def _as_text(queryset, **fields):
    """Add each field as text under a new name: values that only have to tell rows apart."""
    return queryset.annotate(**{alias: Cast(name, CharField()) for alias, name in fields.items()})


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


def presented(r: Ratings) -> dict:
    """Return the figures of a row as reports show them, rounded."""
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


class CityRollups:
    """A city's rollup rows over its days first..last, read once.

    Three queries whatever is asked of them afterwards: the city's genres, the stations'
    credited quarter hours and the counts summed per genre and quarter hour; and three more
    for each daypart whose tracks are asked for (their credits, their counts, their titles).
    Days, quarter hours and listeners come as text: they only need to tell rows apart, and
    turning each of thousands of values into an object would cost more than the figures."""

    def __init__(self, *, city: City, first: date, last: date) -> None:
        self.city, self.first, self.last = city, first, last
        self.genres = list(
            Genre.objects.filter(city=city).select_related("curator").order_by("position", "name")
        )
        self._days = {"city_id": city.id, "local_date__gte": first, "local_date__lte": last}
        # Per day of the city, so a day, a week or a month is read without a scan of the rest;
        # each row starts with its minute of the day, which picks the daypart.
        self._credits: dict[str, list[tuple]] = defaultdict(list)
        credited = _as_text(
            CreditedQuarterHour.objects.filter(**self._days, track_id=STATION),
            day="local_date",
            slot="slot_start",
            who="listener",
        )
        for day, minute, genre_id, slot, listener in credited.values_list(
            "day", "local_minute", "genre_id", "slot", "who"
        ):
            self._credits[day].append((minute, genre_id, slot, listener))
        self._sums: dict[str, list[tuple]] = defaultdict(list)
        sums = _as_text(ListeningQuarterHour.objects.filter(**self._days), day="local_date")
        sums = sums.values("day", "local_minute", "genre_id").annotate(**_SUMS)
        for day, minute, genre_id, *numbers in sums.values_list(
            "day", "local_minute", "genre_id", *_SUMS
        ):
            self._sums[day].append((minute, genre_id, Counts(*numbers)))
        self._tracks: dict[str, tuple[list, dict, dict]] = {}
        self._station_ratings: dict[tuple, tuple] = {}

    def _in(self, rows: dict[str, list[tuple]], first: date, last: date, daypart: Daypart):
        low, high = daypart.first_hour * 60, daypart.last_hour * 60
        day = max(first, self.first)
        while day <= min(last, self.last):
            for row in rows.get(day.isoformat(), ()):
                # The daypart is a range of clock hours, so minute-of-day picks it exactly,
                # including an hour the clocks repeat.
                if low <= row[0] < high:
                    yield row
            day += timedelta(days=1)

    def _track_rows(self, daypart: Daypart) -> tuple[list, dict, dict]:
        """Return the tracks' credits, counts and titles in the daypart over every day."""
        if daypart.name not in self._tracks:
            inside = {
                **self._days,
                "local_minute__gte": daypart.first_hour * 60,
                "local_minute__lt": daypart.last_hour * 60,
            }
            credited = _as_text(
                CreditedQuarterHour.objects.filter(**inside).exclude(track_id=STATION),
                slot="slot_start",
                who="listener",
            )
            credits = [
                ((genre_id, track_id), slot, listener)
                for genre_id, track_id, slot, listener in credited.values_list(
                    "genre_id", "track_id", "slot", "who"
                )
            ]
            sums = ListeningQuarterHour.objects.filter(**inside).values("genre_id", "track_id")
            counts = {
                (genre_id, track_id): Counts(*numbers)
                for genre_id, track_id, *numbers in sums.annotate(**_SUMS).values_list(
                    "genre_id", "track_id", *_SUMS
                )
            }
            ids = {track for _genre, track in counts} | {key[1] for key, _s, _l in credits}
            titles = {t.id: f"{t.artist} – {t.title}" for t in Track.objects.filter(id__in=ids)}
            self._tracks[daypart.name] = credits, counts, titles
        return self._tracks[daypart.name]

    def exact(
        self,
        *,
        daypart: Daypart,
        first: date | None = None,
        last: date | None = None,
        by: str = BY_GENRE,
    ) -> tuple[int, dict, dict]:
        """Return (N, ratings per station key, station-level ratings) with exact fractions.

        Keys are genre ids, (genre id, track id) pairs when `by` is BY_TRACK, or curator ids
        (None for genres without one) when `by` is BY_CURATOR; ALL is the all-genres total,
        which counts a listener credited to two genres in a quarter hour once, as a
        curator's figure counts a listener credited to two of the curator's genres once.
        Tracks are reckoned over every day of the rollups only."""
        first, last = first or self.first, last or self.last
        n, station_credits, counts, stations = self._stations(daypart, first, last)
        if by == BY_CURATOR:
            return n, self._by_curator(station_credits, counts, n), stations
        if by != BY_TRACK:
            return n, stations, stations
        if (first, last) != (self.first, self.last):
            raise ValueError(TRACKS_OVER_EVERY_DAY)
        track_credits, track_counts, _titles = self._track_rows(daypart)
        tracks = ratings(credits=track_credits, counts=track_counts, quarter_hours=n)
        all_aqh = stations[ALL].aqh
        for r in tracks.values():
            # A track's share is of all listening in the city, like a genre's.
            r.share = r.aqh * 100 / all_aqh if all_aqh else Fraction(0)
        tracks[ALL] = stations[ALL]
        return n, tracks, stations

    def _stations(self, daypart: Daypart, first: date, last: date) -> tuple:
        """The genres' credits, counts and ratings in the daypart over first..last, reckoned
        once: the genre table, the dayparts table, the curators and the tracks share them."""
        key = (daypart.name, first, last)
        if key not in self._station_ratings:
            n = len(daypart_quarter_hours(first, last, daypart, self.city.time_zone))
            credits = [
                (genre_id, slot, listener)
                for _minute, genre_id, slot, listener in self._in(
                    self._credits, first, last, daypart
                )
            ]
            counts: dict = defaultdict(Counts)
            for _minute, genre_id, c in self._in(self._sums, first, last, daypart):
                counts[genre_id].add(c)
            stations = ratings(credits=credits, counts=dict(counts), quarter_hours=n)
            self._station_ratings[key] = n, credits, counts, stations
        return self._station_ratings[key]

    def _by_curator(self, station_credits: list, counts: dict, n: int) -> dict:
        curator_of = {genre.id: genre.curator_id for genre in self.genres}
        # A set: two of one curator's genres in one quarter hour credit the curator once.
        credits = {
            (curator_of.get(genre_id), slot, listener)
            for genre_id, slot, listener in station_credits
        }
        curator_counts: dict = defaultdict(Counts)
        for genre_id, c in counts.items():
            curator_counts[curator_of.get(genre_id)].add(c)
        for curator_id in curator_of.values():
            # Every curator of the city has a row, listened to or not.
            curator_counts.setdefault(curator_id, Counts())
        return ratings(credits=credits, counts=dict(curator_counts), quarter_hours=n)

    def report(
        self,
        *,
        daypart: Daypart,
        first: date | None = None,
        last: date | None = None,
        by: str = BY_GENRE,
    ) -> RatingsReport:
        """Return the report of the city's genres, tracks or curators in one daypart."""
        first, last = first or self.first, last or self.last
        n, exact, _stations = self.exact(daypart=daypart, first=first, last=last, by=by)
        if by == BY_CURATOR:
            rows, total = self._curator_rows(exact)
        else:
            rows = list(self._rows(exact, n, by, daypart))
            rows.sort(
                key=lambda row: (-row["aqh"], -row["tlh"], row["genre"], row.get("track", ""))
            )
            total = {"genre": ALL_GENRES, **presented(exact[ALL])}
        return RatingsReport(self.city, first, last, daypart, by, n, rows, total)

    def _rows(self, exact: dict, n: int, by: str, daypart: Daypart) -> Iterator[dict]:
        slugs = {genre.id: genre.slug for genre in self.genres}
        if by == BY_TRACK:
            _credits, _counts, titles = self._track_rows(daypart)
            for key, r in exact.items():
                if key != ALL:
                    genre_id, track_id = key
                    yield {
                        "genre": slugs.get(genre_id, f"#{genre_id}"),
                        "track": titles.get(track_id, f"#{track_id}"),
                        **presented(r),
                    }
            return
        # Every genre of the city has a row: a rating of zero is a finding too.
        for genre_id in set(slugs) | {key for key in exact if key != ALL}:
            r = (
                exact.get(genre_id)
                or ratings(credits=[], counts={genre_id: Counts()}, quarter_hours=n)[genre_id]
            )
            yield {"genre": slugs.get(genre_id, f"#{genre_id}"), **presented(r)}

    def _curator_rows(self, exact: dict) -> tuple[list[dict], dict]:
        names: dict = {None: NO_CURATOR}
        covered: dict = defaultdict(list)
        for genre in self.genres:
            if genre.curator:
                names[genre.curator_id] = genre.curator.name
            covered[genre.curator_id].append(genre.slug)
        rows = [
            {
                "curator": names.get(key, f"#{key}"),
                "genres": " ".join(sorted(covered.get(key, ()))),
                **presented(r),
            }
            for key, r in exact.items()
            if key != ALL
        ]
        rows.sort(key=lambda row: (-row["aqh"], -row["tlh"], row["curator"]))
        return rows, {"curator": ALL_CURATORS, "genres": "", **presented(exact[ALL])}


def city_ratings(
    *, city: City, first: date, last: date, daypart: Daypart, by: str = BY_GENRE
) -> RatingsReport:
    """Return the ratings report of a city over its days first..last in one daypart."""
    return CityRollups(city=city, first=first, last=last).report(daypart=daypart, by=by)
