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
TRACKS_NOT_READ = "These rollups were read without the tracks' credits."


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

    Four queries whatever is asked of them afterwards: the city's genres, the credited
    quarter hours (of the stations, and of the tracks when `tracks`), the summed counts,
    and, when tracks are read, their titles."""

    def __init__(self, *, city: City, first: date, last: date, tracks: bool = False) -> None:
        self.city, self.first, self.last, self.tracks = city, first, last, tracks
        self.genres = list(
            Genre.objects.filter(city=city).select_related("curator").order_by("position", "name")
        )
        days = {"city_id": city.id, "local_date__gte": first, "local_date__lte": last}
        credited = CreditedQuarterHour.objects.filter(**days)
        if not tracks:
            credited = credited.filter(track_id=STATION)
        # Per day of the city, so a day, a week or a month is read without a scan of the rest;
        # each row starts with its minute of the day, which picks the daypart.
        self._credits: dict[date, list[tuple]] = defaultdict(list)
        for genre_id, track_id, slot, listener, day, minute in credited.values_list(
            "genre_id", "track_id", "slot_start", "listener", "local_date", "local_minute"
        ).iterator(chunk_size=5000):
            self._credits[day].append((minute, genre_id, track_id, slot, listener))
        self._sums: dict[date, list[tuple]] = defaultdict(list)
        for genre_id, track_id, day, minute, *numbers in (
            ListeningQuarterHour.objects.filter(**days)
            .values_list(
                "genre_id",
                "track_id",
                "local_date",
                "local_minute",
                "counted_listening_seconds",
                "session_starts",
                "plays",
                "ends",
                "skips",
            )
            .iterator(chunk_size=5000)
        ):
            self._sums[day].append((minute, genre_id, track_id, Counts(*numbers)))
        self._titles: dict[int, str] = {}
        if tracks:
            ids = {row[2] for rows in self._sums.values() for row in rows}
            ids |= {row[2] for rows in self._credits.values() for row in rows}
            self._titles = {
                t.id: f"{t.artist} – {t.title}" for t in Track.objects.filter(id__in=ids)
            }

    def _in(self, rows: dict[date, list[tuple]], first: date, last: date, daypart: Daypart):
        low, high = daypart.first_hour * 60, daypart.last_hour * 60
        day = max(first, self.first)
        while day <= min(last, self.last):
            for row in rows.get(day, ()):
                # The daypart is a range of clock hours, so minute-of-day picks it exactly,
                # including an hour the clocks repeat.
                if low <= row[0] < high:
                    yield row
            day += timedelta(days=1)

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
        curator's figure counts a listener credited to two of the curator's genres once."""
        first, last = first or self.first, last or self.last
        n = len(daypart_quarter_hours(first, last, daypart, self.city.time_zone))
        station_credits, track_credits = [], []
        for _minute, genre_id, track_id, slot, listener in self._in(
            self._credits, first, last, daypart
        ):
            if track_id == STATION:
                station_credits.append((genre_id, slot, listener))
            else:
                track_credits.append(((genre_id, track_id), slot, listener))
        counts: dict = defaultdict(Counts)
        track_counts: dict = defaultdict(Counts)
        for _minute, genre_id, track_id, c in self._in(self._sums, first, last, daypart):
            counts[genre_id].add(c)
            track_counts[(genre_id, track_id)].add(c)
        stations = ratings(credits=station_credits, counts=dict(counts), quarter_hours=n)
        if by == BY_CURATOR:
            return n, self._by_curator(station_credits, counts, n), stations
        if by != BY_TRACK:
            return n, stations, stations
        if not self.tracks:
            raise ValueError(TRACKS_NOT_READ)
        tracks = ratings(credits=track_credits, counts=dict(track_counts), quarter_hours=n)
        all_aqh = stations[ALL].aqh
        for r in tracks.values():
            # A track's share is of all listening in the city, like a genre's.
            r.share = r.aqh * 100 / all_aqh if all_aqh else Fraction(0)
        tracks[ALL] = stations[ALL]
        return n, tracks, stations

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
            rows = list(self._rows(exact, n, by))
            rows.sort(
                key=lambda row: (-row["aqh"], -row["tlh"], row["genre"], row.get("track", ""))
            )
            total = {"genre": ALL_GENRES, **presented(exact[ALL])}
        return RatingsReport(self.city, first, last, daypart, by, n, rows, total)

    def _rows(self, exact: dict, n: int, by: str) -> Iterator[dict]:
        slugs = {genre.id: genre.slug for genre in self.genres}
        if by == BY_TRACK:
            for key, r in exact.items():
                if key != ALL:
                    genre_id, track_id = key
                    yield {
                        "genre": slugs.get(genre_id, f"#{genre_id}"),
                        "track": self._titles.get(track_id, f"#{track_id}"),
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
    rollups = CityRollups(city=city, first=first, last=last, tracks=by == BY_TRACK)
    return rollups.report(daypart=daypart, by=by)
