"""What follows from a released view: rates, time spent listening, average quarter-hour
audience and shares, worked out from the released (noised) numbers alone.

Nothing here reads listening: the input is the figures the disclosure layer released, so
whatever is shown, exported or mailed can reveal no more than they do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from twentytwo.audience.dayparts import DAYPARTS
from twentytwo.catalog.models import City, Genre, Track

QUARTER_HOUR_SECONDS = 900
# What a view's numbers are called, in the order a table shows them.
COLUMNS = (
    ("listeners", "listeners (cume)"),
    ("plays", "plays"),
    ("tsl_minutes", "TSL (minutes)"),
    ("aqh", "AQH contribution"),
    ("share_of_genre", "share of genre (%)"),
    ("completion_rate", "completion rate (%)"),
    ("skip_rate", "skip rate (%)"),
)


@dataclass(frozen=True)
class Figure:
    """One released cell and what follows from it; every number None when suppressed."""

    key: str
    label: str
    suppressed: bool
    listeners: int | None = None
    plays: int | None = None
    ends: int | None = None
    skips: int | None = None
    seconds: int | None = None
    tsl_minutes: float | None = None
    aqh: float | None = None
    completion_rate: float | None = None
    skip_rate: float | None = None
    share_of_genre: float | None = None
    first: date | None = None  # a period's days
    last: date | None = None

    def value(self, name: str):
        return getattr(self, name)


@dataclass(frozen=True)
class Report:
    key: str
    released_at: object
    city: str
    daypart: str
    first: date
    last: date
    step: str
    total: Figure
    tracks: list[Figure]
    periods: list[Figure]
    genres: list[Figure]
    method: dict
    min_listeners: int

    @property
    def top_tracks(self) -> list[Figure]:
        shown = [f for f in self.tracks if not f.suppressed]
        return sorted(shown, key=lambda f: (-(f.plays or 0), f.label))[:10]

    @property
    def periods_shown(self) -> bool:
        return any(not f.suppressed for f in self.periods)

    @property
    def total_list(self) -> list[Figure]:
        return [self.total]

    @property
    def tracks_by_plays(self) -> list[Figure]:
        """Released tracks by plays, most first, then the suppressed ones by name."""
        shown = sorted(
            (f for f in self.tracks if not f.suppressed), key=lambda f: (-f.plays, f.label)
        )
        return shown + sorted((f for f in self.tracks if f.suppressed), key=lambda f: f.label)

    @property
    def suppressed_label(self) -> str:
        return f"< {self.min_listeners}"


def _ratio(
    part: int | None, whole: int | None, times: float = 1.0, *, most: float | None = None
) -> float | None:
    """part / whole × times; at most `most`, as a share of released figures can come out
    above the whole when both carry noise."""
    if part is None or not whole:
        return None
    value = part * times / whole
    return round(min(value, most) if most is not None else value, 3 if value < 1 else 2)


def _figure(cell: dict, *, label: str, quarter_hours: int, share_of=None, period=None) -> Figure:
    extra = (
        {"first": date.fromisoformat(period["first"]), "last": date.fromisoformat(period["last"])}
        if period
        else {}
    )
    if cell["suppressed"]:
        return Figure(key=cell["key"], label=label, suppressed=True, **extra)
    seconds = cell["seconds"]
    genre_seconds = share_of.get(cell["key"]) if share_of is not None else None
    return Figure(
        key=cell["key"],
        label=label,
        suppressed=False,
        listeners=cell["listeners"],
        plays=cell["plays"],
        ends=cell["ends"],
        skips=cell["skips"],
        seconds=seconds,
        tsl_minutes=_ratio(seconds, cell["listeners"], 1 / 60),
        aqh=_ratio(seconds, QUARTER_HOUR_SECONDS * quarter_hours),
        completion_rate=_ratio(cell["ends"], cell["plays"], 100, most=100),
        skip_rate=_ratio(cell["skips"], cell["plays"], 100, most=100),
        share_of_genre=_ratio(seconds, genre_seconds, 100, most=100) if genre_seconds else None,
        **extra,
    )


def report_of(view) -> Report:
    """Turn a ReleasedView into the report its pages, exports and mails show."""
    figures = view.figures
    query = figures["query"]
    groups = figures["groups"]
    quarter_hours = figures["quarter_hours"]
    whole = quarter_hours["total"]
    track_ids = [int(c["key"]) for c in groups.get("tracks", [])]
    titles = {
        str(pk): f"{artist} – {title}"
        for pk, artist, title in Track.objects.filter(pk__in=track_ids).values_list(
            "pk", "artist", "title"
        )
    }
    genre_ids = {
        int(c["key"]) for group in ("genres", "genre_totals") for c in groups.get(group, [])
    }
    genre_names = {
        str(pk): f"{name} ({city})"
        for pk, name, city in Genre.objects.filter(pk__in=genre_ids).values_list(
            "pk", "name", "city__name"
        )
    }
    genre_seconds = {
        c["key"]: c["seconds"] for c in groups.get("genre_totals", []) if not c["suppressed"]
    }
    periods = {p["name"]: p for p in figures["periods"]}
    city = City.objects.filter(pk=query["city"]).values_list("name", flat=True).first()
    return Report(
        key=view.key,
        released_at=view.created_at,
        city=city or "every city",
        daypart=DAYPARTS[query["daypart"]].name,
        first=date.fromisoformat(query["first"]),
        last=date.fromisoformat(query["last"]),
        step=query["step"],
        total=_figure(groups["total"][0], label="all these tracks", quarter_hours=whole),
        tracks=[
            _figure(c, label=titles.get(c["key"], f"track {c['key']}"), quarter_hours=whole)
            for c in groups.get("tracks", [])
        ],
        periods=[
            _figure(
                c,
                label=periods[c["key"]]["tick"],
                quarter_hours=quarter_hours[c["key"]],
                period=periods[c["key"]],
            )
            for c in groups.get("periods", [])
        ],
        genres=[
            _figure(
                c,
                label=genre_names.get(c["key"], f"genre {c['key']}"),
                quarter_hours=whole,
                share_of=genre_seconds,
            )
            for c in groups.get("genres", [])
        ],
        method=figures["method"],
        min_listeners=figures["method"]["min_listeners"],
    )


@dataclass(frozen=True)
class AdRow:
    """One ad in one place, or the total: released figures, or None where suppressed."""

    label: str
    place: str
    impressions: int | None
    clicks: int | None
    # Worked out from the released figures alone, capped at 100 %.
    click_rate: float | None


@dataclass(frozen=True)
class AdFigures:
    first: date
    last: date
    rows: list[AdRow]
    method: dict


def ad_figures_of(view) -> AdFigures:
    figures = view.figures
    rows = []
    for cell in figures["cells"]:
        label = figures["names"].get(str(cell["ad"]), "All ads") if cell["ad"] else "All ads"
        impressions = None if cell["suppressed"] else cell["impressions"]
        clicks = None if cell["suppressed"] or cell.get("clicks_below") else cell["clicks"]
        rate = min(1.0, clicks / impressions) if clicks is not None and impressions else None
        rows.append(
            AdRow(
                label=label,
                place=cell["place"],
                impressions=impressions,
                clicks=clicks,
                click_rate=rate,
            )
        )
    query = figures["query"]
    return AdFigures(
        first=date.fromisoformat(query["first"]),
        last=date.fromisoformat(query["last"]),
        rows=rows,
        method=figures["method"],
    )
