from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from tests.support.audio import sine_mp3, with_title_tag
from tests.support.factories import GenreFactory, track_create
from twentytwo.catalog import selectors, services
from twentytwo.catalog.audio import AUDIO_NOT_AUDIO, AUDIO_TRUNCATED, AudioRejected
from twentytwo.catalog.models import BuyLink, PlaylistEntry, Track

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _fill(genre, count, *, start=MONDAY):
    tracks = [track_create(title=f"Song {index}") for index in range(count)]
    for index, track in enumerate(tracks):
        services.track_add_to_rotation(genre=genre, track=track, at=start + timedelta(days=index))
    return tracks


def test_new_track_goes_to_the_top_of_the_playlist():
    genre = GenreFactory()
    first, second = _fill(genre, 2)
    playlist = selectors.genre_playlist(genre=genre)
    assert [entry.track for entry in playlist] == [second, first]


def test_oldest_track_leaves_when_23rd_is_added():
    genre = GenreFactory()
    tracks = _fill(genre, 22)
    newcomer = track_create(title="Number 23")
    at = MONDAY + timedelta(days=30)
    services.track_add_to_rotation(genre=genre, track=newcomer, at=at)

    playlist = selectors.genre_playlist(genre=genre)
    assert len(playlist) == 22
    assert playlist[0].track == newcomer
    assert tracks[0] not in [entry.track for entry in playlist]
    retired = PlaylistEntry.objects.get(genre=genre, track=tracks[0])
    assert retired.retired_at == at


def test_ledger_keeps_every_stay_newest_first():
    genre = GenreFactory()
    tracks = _fill(genre, 25)
    ledger = selectors.genre_ledger(genre=genre)
    assert [entry.track for entry in ledger] == list(reversed(tracks))
    assert [entry.track for entry in ledger if entry.retired_at] == list(reversed(tracks[:3]))


def test_a_track_cannot_be_in_the_same_playlist_twice():
    genre = GenreFactory()
    (track,) = _fill(genre, 1)
    with pytest.raises(services.CatalogError, match="already in this playlist"):
        services.track_add_to_rotation(genre=genre, track=track, at=MONDAY + timedelta(days=9))
    assert PlaylistEntry.objects.filter(genre=genre).count() == 1


def test_a_retired_track_can_come_back_later():
    genre = GenreFactory()
    tracks = _fill(genre, 23)
    services.track_add_to_rotation(genre=genre, track=tracks[0], at=MONDAY + timedelta(days=60))
    assert PlaylistEntry.objects.filter(genre=genre, track=tracks[0]).count() == 2
    assert selectors.genre_playlist(genre=genre)[0].track == tracks[0]


def test_playlists_of_two_genres_rotate_independently():
    one, other = GenreFactory(), GenreFactory()
    _fill(one, 23)
    shared = track_create()
    services.track_add_to_rotation(genre=other, track=shared, at=MONDAY)
    assert len(selectors.genre_playlist(genre=one)) == 22
    assert [entry.track for entry in selectors.genre_playlist(genre=other)] == [shared]


def test_reorder_sets_the_playlist_order():
    genre = GenreFactory()
    a, b, c = _fill(genre, 3)
    services.playlist_reorder(genre=genre, track_ids=[a.pk, c.pk, b.pk])
    assert [entry.track for entry in selectors.genre_playlist(genre=genre)] == [a, c, b]
    # The next arrival still goes on top.
    d = track_create()
    services.track_add_to_rotation(genre=genre, track=d, at=MONDAY + timedelta(days=5))
    assert [entry.track for entry in selectors.genre_playlist(genre=genre)] == [d, a, c, b]


def test_reorder_refuses_a_list_that_is_not_the_playlist():
    genre = GenreFactory()
    a, b = _fill(genre, 2)
    for bad in ([a.pk], [a.pk, a.pk], [a.pk, b.pk, 999_999]):
        with pytest.raises(services.CatalogError) as caught:
            services.playlist_reorder(genre=genre, track_ids=bad)
        assert str(caught.value) == services.PLAYLIST_ORDER_MISMATCH


def test_retiring_early_keeps_the_entry_in_the_ledger():
    genre = GenreFactory()
    a, b = _fill(genre, 2)
    entry = PlaylistEntry.objects.get(genre=genre, track=a)
    services.entry_retire(entry=entry, at=MONDAY + timedelta(days=3))
    assert [e.track for e in selectors.genre_playlist(genre=genre)] == [b]
    assert len(selectors.genre_ledger(genre=genre)) == 2
    with pytest.raises(services.CatalogError):
        services.entry_retire(entry=entry)


def test_ingest_stores_audio_under_a_generated_name(settings):
    track = track_create(title="Stored", seconds=3.0)
    path = Path(settings.MEDIA_ROOT) / track.audio
    assert path.is_file()
    assert track.audio.startswith("audio/") and track.audio.endswith(".mp3")
    assert "Stored" not in track.audio
    assert track.codec == "mp3" and track.bitrate == 128_000
    assert track.duration == pytest.approx(3.0, abs=0.1)
    assert track.audio_size == path.stat().st_size
    assert [(link.shop, link.url) for link in track.buy_links.all()] == [
        ("Bandcamp", "https://bandcamp.example/t")
    ]


def test_ingest_refuses_non_audio_and_stores_nothing(settings):
    with pytest.raises(AudioRejected, match=AUDIO_NOT_AUDIO.split(" (")[0]):
        services.track_ingest(audio=b"<html>not a song</html>" * 100, title="x", artist="y")
    assert Track.objects.count() == 0
    assert _stored_files(settings) == []


def test_ingest_refuses_truncated_audio_and_stores_nothing(settings):
    mp3 = sine_mp3(seconds=3.0)
    with pytest.raises(AudioRejected, match=AUDIO_TRUNCATED):
        services.track_ingest(audio=mp3[:-100], title="x", artist="y")
    assert Track.objects.count() == 0
    assert _stored_files(settings) == []


def test_ingest_refuses_the_same_audio_twice():
    audio = with_title_tag(sine_mp3(seconds=3.0), "dupe")
    first = services.track_ingest(audio=audio, title="One", artist="A")
    with pytest.raises(services.CatalogError) as caught:
        services.track_ingest(audio=audio, title="Two", artist="A")
    assert str(caught.value) == services.TRACK_DUPLICATE.format(track_id=first.pk)
    assert Track.objects.count() == 1


def test_ingest_with_a_bad_buy_link_leaves_no_file_and_no_row(settings):
    audio = with_title_tag(sine_mp3(seconds=3.0), "bad link")
    with pytest.raises(ValidationError):
        services.track_ingest(
            audio=audio, title="T", artist="A", buy_links=[("Shop", "javascript:alert(1)")]
        )
    assert Track.objects.count() == 0
    assert BuyLink.objects.count() == 0
    assert _stored_files(settings) == []


def test_ingest_with_an_oversized_file_is_refused(settings):
    settings.AUDIO_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(AudioRejected, match="larger than the limit"):
        services.track_ingest(audio=sine_mp3(seconds=3.0), title="T", artist="A")
    assert _stored_files(settings) == []


def test_track_update_changes_description_but_never_audio():
    track = track_create(title="Old")
    services.track_update(track=track, title="New", year=2013)
    track.refresh_from_db()
    assert (track.title, track.year) == ("New", 2013)
    with pytest.raises(TypeError):
        services.track_update(track=track, audio="audio/other.mp3")


@pytest.mark.parametrize("slug", ["about", "tracks", "api", "Admin"])
def test_a_city_cannot_take_an_address_the_site_uses(slug):
    with pytest.raises(ValidationError) as caught:
        services.city_create(name="X", slug=slug, country="nl", time_zone="Europe/Amsterdam")
    assert "the site uses itself" in str(caught.value)
