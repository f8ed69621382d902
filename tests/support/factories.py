import itertools

import factory

from tests.support.audio import sine_mp3, with_title_tag
from twentytwo.catalog import services
from twentytwo.catalog.models import City, Curator, Genre, Track

_audio_serial = itertools.count(1)


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"City {n}")
    slug = factory.Sequence(lambda n: f"city-{n}")
    country = "NL"
    time_zone = "Europe/Amsterdam"


class CuratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Curator

    name = factory.Sequence(lambda n: f"Curator {n}")
    slug = factory.Sequence(lambda n: f"curator-{n}")
    bio = "Plays records on Sunday mornings."


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"Genre {n}")
    slug = factory.Sequence(lambda n: f"genre-{n}")
    description = "Music for testing."
    curator = factory.SubFactory(CuratorFactory)


def track_create(
    *,
    title: str | None = None,
    artist: str = "Test Artist",
    seconds: float = 3.0,
    buy_links=(("Bandcamp", "https://bandcamp.example/t"),),
    **fields,
) -> Track:
    """Create a track through the real ingest service, with real, unique MP3 audio."""
    serial = next(_audio_serial)
    title = title or f"Track {serial}"
    audio = with_title_tag(sine_mp3(seconds=seconds), f"{title} #{serial}")
    return services.track_ingest(
        audio=audio, title=title, artist=artist, buy_links=buy_links, **fields
    )
