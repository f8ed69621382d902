import hashlib
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from tests.support.audio import decode_errors
from tests.support.demo import MONDAY, SMALL, SMALL_PLAYLIST
from twentytwo.catalog import selectors
from twentytwo.catalog.audio import AUDIO_TOO_LARGE, AudioRejected, audio_probe
from twentytwo.catalog.models import BuyLink, City, Curator, Genre, PlaylistEntry, Track
from twentytwo.demo.media import genre_media_render, track_audio
from twentytwo.demo.plan import catalog_plan
from twentytwo.demo.services import demo_catalog_seed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_playlists")]


def _catalog_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (City, Curator, Genre, Track, BuyLink, PlaylistEntry)
    }


def _stored_bytes(name: str) -> bytes:
    with default_storage.open(name) as stored:
        return stored.read()


def _stored_files(settings) -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()}


def test_seed_fills_every_genre_with_a_described_full_playlist_and_a_history():
    summary = demo_catalog_seed(scale=SMALL, now=MONDAY, workers=1)

    city = selectors.city_by_slug("amsterdam")
    assert (city.name, city.country, city.time_zone) == ("Amsterdam", "NL", "Europe/Amsterdam")
    genres = list(selectors.genre_list(city=city))
    assert [genre.name for genre in genres] == ["Techno", "House"]
    assert len({_stored_bytes(genre.picture) for genre in genres}) == 2
    for genre in genres:
        assert genre.description and genre.picture.startswith("pictures/genres/")
        assert genre.curator.bio and genre.curator.links
        assert genre.curator.photo.startswith("pictures/curators/")
        playlist = selectors.genre_playlist(genre=genre)
        assert len(playlist) == SMALL_PLAYLIST
        retired = [entry for entry in selectors.genre_ledger(genre=genre) if entry.retired_at]
        assert 1 <= len(retired) <= 2
        # The tracks that left are the ones that came first.
        assert max(entry.added_at for entry in retired) < min(e.added_at for e in playlist)
    assert summary.tracks == summary.tracks_created == Track.objects.count()
    for track in Track.objects.prefetch_related("buy_links"):
        assert track.title and track.artist and track.label and track.artist_bio
        assert 1950 < track.year <= 2016
        assert track.artwork.startswith("pictures/artwork/")
        links = list(track.buy_links.all())
        assert links and all(link.url.startswith("https://") for link in links)
        assert all(".example/" in link.url for link in links)
    assert summary.retired_entries == PlaylistEntry.objects.filter(retired_at__isnull=False).count()
    assert str(summary).startswith("Seeded 1 cities, 2 genres, ")


def test_every_seeded_track_is_whole_playable_mp3_of_30_to_90_seconds(settings):
    demo_catalog_seed(scale=SMALL, now=MONDAY, workers=1)

    for track in Track.objects.all():
        probe = audio_probe(_stored_bytes(track.audio), max_bytes=settings.AUDIO_UPLOAD_MAX_BYTES)
        assert (probe.codec, probe.bitrate) == ("mp3", 128_000)
        assert 30 <= probe.duration <= 90
        assert decode_errors("-i", default_storage.path(track.audio)) == ""


def test_second_run_adds_nothing(settings):
    demo_catalog_seed(scale=SMALL, now=MONDAY, workers=2)
    counts, files = _catalog_counts(), _stored_files(settings)

    summary = demo_catalog_seed(scale=SMALL, now=MONDAY, workers=2)

    assert summary.tracks_created == 0
    assert _catalog_counts() == counts
    assert _stored_files(settings) == files


def _upload_limit_stopping_the_first_genre_part_way() -> tuple[int, int]:
    """Return an upload limit that the first planned tracks fit in and the next does not,
    and how many tracks fit."""
    genre = catalog_plan(scale=SMALL, playlist_size=SMALL_PLAYLIST, now=MONDAY)[0].genres[0]
    media = genre_media_render(genre.spec.recipe)
    sizes = [
        len(
            track_audio(
                media,
                sections=track.sections,
                title=track.title,
                artist=track.artist,
                label=track.label,
                year=track.year,
            )
        )
        for track in genre.tracks
    ]
    fitting = next(index for index in range(1, len(sizes)) if sizes[index] > max(sizes[:index]))
    return max(sizes[:fitting]), fitting


def test_a_run_cut_off_half_way_is_finished_by_the_next(settings):
    limit, fitting = _upload_limit_stopping_the_first_genre_part_way()
    settings.AUDIO_UPLOAD_MAX_BYTES = limit
    with pytest.raises(AudioRejected, match=AUDIO_TOO_LARGE.split("{")[0]):
        demo_catalog_seed(scale=SMALL, now=MONDAY, workers=1)
    assert Track.objects.count() == fitting
    assert PlaylistEntry.objects.count() == fitting

    settings.AUDIO_UPLOAD_MAX_BYTES = 30 * 1024 * 1024
    summary = demo_catalog_seed(scale=SMALL, now=MONDAY, workers=1)

    assert summary.tracks_created == summary.tracks - fitting
    assert Track.objects.count() == summary.tracks
    for genre in Genre.objects.all():
        assert len(selectors.genre_playlist(genre=genre)) == SMALL_PLAYLIST
        ledger = selectors.genre_ledger(genre=genre)
        assert len({entry.track_id for entry in ledger}) == len(ledger)


def test_seeded_audio_is_the_same_bytes_as_a_fresh_render():
    demo_catalog_seed(scale=SMALL, now=MONDAY, workers=2)
    genre_plan = catalog_plan(scale=SMALL, playlist_size=SMALL_PLAYLIST, now=MONDAY)[0].genres[0]
    track = genre_plan.tracks[0]

    # Rendered here, in this process; the seed rendered it in a worker process.
    audio = track_audio(
        genre_media_render(genre_plan.spec.recipe),
        sections=track.sections,
        title=track.title,
        artist=track.artist,
        label=track.label,
        year=track.year,
    )

    seeded = selectors.track_by_checksum(hashlib.sha256(audio).hexdigest())
    assert seeded is not None
    assert (seeded.title, seeded.artist) == (track.title, track.artist)
