"""Ratings read from the rollups: a city's genres, tracks and curators over a range of days.

A city's rollup rows over the days asked for are read once, in a fixed number of queries
(CityRollups); every figure of any daypart and any stretch of those days (a day, a week, a
month of a series) is reckoned from them in memory, exactly (metrics.py). A "person" in
every figure is one browser (the listener cookie), not one human.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    StringAgg,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast

from twentytwo.audience.crediting import STATION
from twentytwo.audience.dayparts import DAYPARTS, Daypart, daypart_quarter_hours
from twentytwo.audience.metrics import ALL, Counts, Ratings, ratings, ratings_of
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


def _fetch(queryset, *fields: str) -> list[tuple]:
    """Return the queryset's values of the fields as the database driver gives them.

    Only for integers, floats and text, which need no converting: at a month of rollups,
    Django's converters and its fetching in chunks cost more than the figures."""
    queryset = queryset.values_list(*fields)
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        if tuple(column[0] for column in cursor.description) != fields:
            raise ValueError(f"{fields} are not the columns of {sql}")
        return cursor.fetchall()


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


# The clock hours where a daypart begins or ends cut the day into buckets; every daypart is
# a run of whole buckets, so rows summed per bucket serve every daypart.
_BOUNDS = sorted(
    {0, 24 * 60} | {h * 60 for d in DAYPARTS.values() for h in (d.first_hour, d.last_hour)}
)
_BUCKET = Case(
    *(When(local_minute__lt=high, then=Value(i)) for i, high in enumerate(_BOUNDS[1:])),
    output_field=IntegerField(),
)


def _bucket_of(minute: int) -> int:
    return bisect_right(_BOUNDS, minute) - 1


def _buckets(daypart: Daypart) -> frozenset[int]:
    low, high = daypart.first_hour * 60, daypart.last_hour * 60
    return frozenset(
        i for i, (start, end) in enumerate(pairwise(_BOUNDS)) if low <= start and end <= high
    )


class CityRollups:
    """A city's rollup rows over its days first..last, read once, summed by the database.

    Three queries whatever is asked of them afterwards, and three more for each daypart
    whose tracks are asked for. The database sums the credited quarter hours per day, bucket
    of the day (the stretch between two daypart bounds), genre and listener; finds the
    listener quarter hours credited to more than one genre, which count once in all genres
    and once in a curator's genres; and sums the counts per genre and quarter hour. What is
    left for Python is one row per listener, genre and day, not one per quarter hour.
    Days, listeners and quarter hours come as text: they only need to tell rows apart, and turning
    each of thousands of values into an object would cost more than the figures."""

    def __init__(self, *, city: City, first: date, last: date) -> None:
        self.city, self.first, self.last = city, first, last
        self.genres = list(
            Genre.objects.filter(city=city).select_related("curator").order_by("position", "name")
        )
        self._days = {"city_id": city.id, "local_date__gte": first, "local_date__lte": last}
        stations = _as_text(
            CreditedQuarterHour.objects.filter(**self._days, track_id=STATION),
            day="local_date",
            who="listener",
        ).annotate(bucket=_BUCKET)
        # Per day of the city, so a day, a week or a month is read without a scan of the rest;
        # each row starts with its bucket of the day, which picks the daypart.
        self._listeners: dict[str, list[tuple]] = defaultdict(list)
        for day, bucket, genre_id, listener, n in _fetch(
            stations.values("day", "bucket", "genre_id", "who").annotate(n=Count("id")),
            *("day", "bucket", "genre_id", "who", "n"),
        ):
            self._listeners[day].append((bucket, genre_id, listener, n))
        # A listener's quarter hour credited to several genres: the genres, as "3,7".
        self._shared: dict[str, list[tuple]] = defaultdict(list)
        for day, bucket, genres in _fetch(
            _as_text(stations, slot="slot_start")
            .values("day", "bucket", "slot", "who")
            .annotate(
                n=Count("id"),
                genres=StringAgg(Cast("genre_id", CharField()), delimiter=Value(",")),
            )
            .filter(n__gt=1),
            *("day", "bucket", "genres"),
        ):
            self._shared[day].append((bucket, [int(g) for g in genres.split(",")]))
        # Summed in the database per quarter hour, in the order of the index that holds
        # them, then here per bucket of the day.
        sums: dict[str, dict[tuple, Counts]] = defaultdict(dict)
        for day, minute, genre_id, *numbers in _fetch(
            _as_text(ListeningQuarterHour.objects.filter(**self._days), day="local_date")
            .values("day", "local_minute", "genre_id")
            .annotate(**_SUMS),
            *("day", "local_minute", "genre_id", *_SUMS),
        ):
            sums[day].setdefault((_bucket_of(minute), genre_id), Counts()).add(Counts(*numbers))
        self._sums = {
            day: [(bucket, genre_id, c) for (bucket, genre_id), c in by_key.items()]
            for day, by_key in sums.items()
        }
        self._tracks: dict[str, tuple] = {}
        self._station_ratings: dict[tuple, tuple] = {}

    def _in(self, rows: dict[str, list], first: date, last: date, daypart: Daypart):
        """Yield the rows of the days first..last whose bucket lies in the daypart."""
        buckets = _buckets(daypart)
        day = max(first, self.first)
        while day <= min(last, self.last):
            for row in rows.get(day.isoformat(), ()):
                # The daypart is a range of clock hours, so the bucket of the minute of the
                # day picks it exactly, including an hour the clocks repeat.
                if row[0] in buckets:
                    yield row
            day += timedelta(days=1)

    def _track_rows(self, daypart: Daypart) -> tuple:
        """Return the tracks' credited quarter hours, listeners, counts and titles in the
        daypart over every day."""
        if daypart.name not in self._tracks:
            inside = {
                **self._days,
                "local_minute__gte": daypart.first_hour * 60,
                "local_minute__lt": daypart.last_hour * 60,
            }
            credited_rows = _as_text(
                CreditedQuarterHour.objects.filter(**inside).exclude(track_id=STATION),
                who="listener",
            )
            credited: dict = defaultdict(int)
            listeners = []
            for genre_id, track_id, listener, n in _fetch(
                credited_rows.values("genre_id", "track_id", "who").annotate(n=Count("id")),
                *("genre_id", "track_id", "who", "n"),
            ):
                credited[genre_id, track_id] += n
                listeners.append(((genre_id, track_id), listener))
            sums = ListeningQuarterHour.objects.filter(**inside).values("genre_id", "track_id")
            counts = {
                (genre_id, track_id): Counts(*numbers)
                for genre_id, track_id, *numbers in _fetch(
                    sums.annotate(**_SUMS), "genre_id", "track_id", *_SUMS
                )
            }
            ids = {track for _genre, track in counts} | {track for _genre, track in credited}
            titles = {t.id: f"{t.artist} – {t.title}" for t in Track.objects.filter(id__in=ids)}
            self._tracks[daypart.name] = credited, listeners, counts, titles
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
        n, listeners, counts, stations = self._stations(daypart, first, last)
        if by == BY_CURATOR:
            return n, self._by_curator(daypart, first, last, listeners, counts, n), stations
        if by != BY_TRACK:
            return n, stations, stations
        if (first, last) != (self.first, self.last):
            raise ValueError(TRACKS_OVER_EVERY_DAY)
        credited, track_listeners, track_counts, _titles = self._track_rows(daypart)
        # A track's share is of all listening in the city, like a genre's.
        tracks = ratings_of(
            credited=credited,
            listeners=track_listeners,
            all_credited=stations[ALL].credited_quarter_hours,
            counts=track_counts,
            quarter_hours=n,
        )
        tracks[ALL] = stations[ALL]
        return n, tracks, stations

    def _stations(self, daypart: Daypart, first: date, last: date) -> tuple:
        """The genres' listeners, counts and ratings in the daypart over first..last,
        reckoned once: the genre table, the dayparts table, the curators and the series
        share them."""
        key = (daypart.name, first, last)
        if key not in self._station_ratings:
            n = len(daypart_quarter_hours(first, last, daypart, self.city.time_zone))
            credited: dict = defaultdict(int)
            listeners = []
            for _bucket, genre_id, listener, k in self._in(self._listeners, first, last, daypart):
                credited[genre_id] += k
                listeners.append((genre_id, listener))
            # Credited to two genres in one quarter hour, a listener counts once in the total.
            twice = sum(
                len(genres) - 1 for _b, genres in self._in(self._shared, first, last, daypart)
            )
            counts: dict = defaultdict(Counts)
            for _bucket, genre_id, c in self._in(self._sums, first, last, daypart):
                counts[genre_id].add(c)
            stations = ratings_of(
                credited=credited,
                listeners=listeners,
                all_credited=sum(credited.values()) - twice,
                counts=dict(counts),
                quarter_hours=n,
            )
            self._station_ratings[key] = n, listeners, counts, stations
        return self._station_ratings[key]

    def _by_curator(
        self, daypart: Daypart, first: date, last: date, listeners: list, counts: dict, n: int
    ) -> dict:
        curator_of = {genre.id: genre.curator_id for genre in self.genres}
        _n, _listeners, _counts, stations = self._station_ratings[(daypart.name, first, last)]
        credited: dict = defaultdict(int)
        for genre_id, r in stations.items():
            if genre_id != ALL:
                credited[curator_of.get(genre_id)] += r.credited_quarter_hours
        # Two of one curator's genres in one quarter hour credit the curator once.
        for _bucket, genres in self._in(self._shared, first, last, daypart):
            for curator_id, times in Counter(curator_of.get(g) for g in genres).items():
                credited[curator_id] -= times - 1
        curator_counts: dict = defaultdict(Counts)
        for genre_id, c in counts.items():
            curator_counts[curator_of.get(genre_id)].add(c)
        for curator_id in curator_of.values():
            # Every curator of the city has a row, listened to or not.
            curator_counts.setdefault(curator_id, Counts())
        return ratings_of(
            credited=credited,
            listeners={(curator_of.get(genre_id), who) for genre_id, who in listeners},
            all_credited=stations[ALL].credited_quarter_hours,
            counts=dict(curator_counts),
            quarter_hours=n,
        )

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
            _credited, _listeners, _counts, titles = self._track_rows(daypart)
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
