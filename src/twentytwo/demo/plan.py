"""Decide everything the demo seed will write, before anything is written.

The plan is a pure function of the scale and the moment of seeding: the same scale
gives the same cities, curators, genres, tracks and section orders on every run, which
is what lets a second run recognise what the first one already wrote."""

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.text import slugify

from twentytwo.demo import names
from twentytwo.demo.arrangement import BODY_SECTIONS, FRAME_SAMPLES, SECTIONS, section_frames
from twentytwo.demo.instruments import SAMPLE_RATE
from twentytwo.demo.media import ARTWORKS_PER_GENRE
from twentytwo.demo.recipes import CITIES, CitySpec, GenreSpec, city_genres

SCALE_TOO_LARGE = "The demo has {available} {what}; {asked} were asked for."
_ADDED_PER_WEEK = 5  # as curators did: about five new tracks a week
_YEARS = {
    "jazz": (1958, 1975),
    "soul": (1966, 1979),
    "funk": (1969, 1982),
    "disco": (1976, 1984),
    "chamber": (1990, 2016),
    "boom_bap": (1988, 1999),
}
_DEFAULT_YEARS = (1995, 2016)


class ScaleTooLarge(ValueError):
    """More cities or genres were asked for than the demo has; `str(error)` says so."""


@dataclass(frozen=True, slots=True)
class Scale:
    """How much demo to seed; the playlist size itself comes from settings.PLAYLIST_SIZE."""

    cities: int = len(CITIES)
    genres: int = 22
    # Fewest and most retired tracks per genre, beyond a full playlist.
    retired: tuple[int, int] = (3, 6)


@dataclass(frozen=True, slots=True)
class TrackPlan:
    title: str
    artist: str
    label: str
    year: int
    artist_bio: str
    artist_links: list[dict[str, str]]
    buy_links: list[tuple[str, str]]
    note: str
    added_at: datetime
    # Indices into SECTIONS, played in this order.
    sections: tuple[int, ...]
    artwork: int


@dataclass(frozen=True, slots=True)
class CuratorPlan:
    name: str
    slug: str
    bio: str
    links: list[dict[str, str]]
    photo_seed: int


@dataclass(frozen=True, slots=True)
class GenrePlan:
    city: CitySpec
    spec: GenreSpec
    position: int
    curator: CuratorPlan
    # Oldest first: the order in which they enter the rotation.
    tracks: tuple[TrackPlan, ...]


@dataclass(frozen=True, slots=True)
class CityPlan:
    spec: CitySpec
    position: int
    curators: tuple[CuratorPlan, ...]
    genres: tuple[GenrePlan, ...]


def catalog_plan(*, scale: Scale, playlist_size: int, now: datetime) -> list[CityPlan]:
    """Return what to seed: `scale` cities and genres, each genre a full playlist and history."""
    if scale.cities > len(CITIES):
        raise ScaleTooLarge(
            SCALE_TOO_LARGE.format(available=len(CITIES), what="cities", asked=scale.cities)
        )
    anchor = now.replace(minute=0, second=0, microsecond=0)
    taken_curator_slugs: set[str] = set()
    plans = []
    for position, city in enumerate(CITIES[: scale.cities]):
        specs = city_genres(city)
        if scale.genres > len(specs):
            raise ScaleTooLarge(
                SCALE_TOO_LARGE.format(available=len(specs), what="genres", asked=scale.genres)
            )
        specs = specs[: scale.genres]
        curators = _curators(city, count=max(1, round(len(specs) * 0.8)), taken=taken_curator_slugs)
        genres = tuple(
            GenrePlan(
                city=city,
                spec=spec,
                position=index,
                curator=curators[index if index < len(curators) else index * 7 % len(curators)],
                tracks=_tracks(
                    city, spec, index, scale=scale, playlist_size=playlist_size, anchor=anchor
                ),
            )
            for index, spec in enumerate(specs)
        )
        plans.append(CityPlan(spec=city, position=position, curators=curators, genres=genres))
    return plans


def _curators(city: CitySpec, *, count: int, taken: set[str]) -> tuple[CuratorPlan, ...]:
    rng = random.Random(f"{city.slug}/curators")  # noqa: S311 (not for secrets)
    curators = []
    while len(curators) < count:
        name = names.curator_name(rng)
        slug = slugify(name)
        if slug in taken:
            continue
        taken.add(slug)
        curators.append(
            CuratorPlan(
                name=name,
                slug=slug,
                bio=names.curator_bio(rng, name=name, city=city.name),
                links=names.curator_links(slug),
                photo_seed=rng.getrandbits(32),
            )
        )
    return tuple(curators)


def _tracks(
    city: CitySpec,
    spec: GenreSpec,
    position: int,
    *,
    scale: Scale,
    playlist_size: int,
    anchor: datetime,
) -> tuple[TrackPlan, ...]:
    rng = random.Random(f"{city.slug}/{spec.slug}/tracks")  # noqa: S311 (not for secrets)
    count = playlist_size + rng.randint(*scale.retired)
    section_seconds = section_frames(spec.recipe) * FRAME_SAMPLES / SAMPLE_RATE
    years = _YEARS.get(spec.recipe.family, _DEFAULT_YEARS)
    taken: set[tuple[str, str]] = set()
    tracks = []
    for index in range(count):
        title, artist = names.track_title(rng), names.artist_name(rng)
        while (title, artist) in taken:
            title = names.track_title(rng)
        taken.add((title, artist))
        # Newest last; five a week, a day or so apart, going back week by week.
        from_newest = count - 1 - index
        weeks, slot = divmod(from_newest, _ADDED_PER_WEEK)
        added_at = anchor - timedelta(days=7 * weeks + slot, hours=2 * slot, minutes=7 * position)
        tracks.append(
            TrackPlan(
                title=title,
                artist=artist,
                label=names.label_name(rng),
                year=rng.randint(*years),
                artist_bio=names.artist_bio(rng, artist=artist, genre=spec.name),
                artist_links=names.artist_links(artist),
                buy_links=names.buy_links(rng, artist=artist, title=title),
                note=names.curator_note(rng),
                added_at=added_at,
                sections=_section_order(rng, section_seconds),
                artwork=rng.randrange(ARTWORKS_PER_GENRE),
            )
        )
    return tuple(tracks)


def _section_order(rng: random.Random, section_seconds: float) -> tuple[int, ...]:
    """Return an intro, bodies in a varying order and an outro: 30 to 90 seconds in all."""
    shortest = math.ceil(31 / section_seconds)
    longest = math.floor(88 / section_seconds)
    total = min(max(round(rng.uniform(32, 62) / section_seconds), shortest, 3), longest)
    bodies: list[str] = []
    while len(bodies) < total - 2:
        choice = rng.choice(BODY_SECTIONS)
        if not bodies or choice != bodies[-1]:
            bodies.append(choice)
    return tuple(SECTIONS.index(name) for name in ("intro", *bodies, "outro"))
