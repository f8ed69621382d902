from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.support.audio import sine_mp3, with_title_tag
from tests.support.factories import GenreFactory, track_create
from twentytwo.catalog import selectors
from twentytwo.catalog.audio import AUDIO_NOT_AUDIO, AUDIO_TRUNCATED
from twentytwo.catalog.models import Track

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "x-pass-1")
    client.force_login(user)
    return client


def _track_form(audio: bytes, name: str = "song.mp3", **extra) -> dict:
    return {
        "title": "Night Drive",
        "artist": "Mira",
        "label": "",
        "year": "2013",
        "artist_bio": "",
        "artist_links": "[]",
        "buy_links_text": "Bandcamp | https://bandcamp.example/night\nDiscogs | discogs.example/n",
        "audio_upload": SimpleUploadedFile(name, audio, content_type="audio/mpeg"),
        **extra,
    }


def test_staff_adds_a_track_by_uploading_audio(staff, settings):
    audio = with_title_tag(sine_mp3(seconds=3.0), "admin upload")
    response = staff.post("/admin/catalog/track/add/", _track_form(audio))
    assert response.status_code == 302, response.content.decode()[:2000]
    track = Track.objects.get()
    assert (track.title, track.artist, track.year) == ("Night Drive", "Mira", 2013)
    assert [(b.shop, b.url) for b in track.buy_links.all()] == [
        ("Bandcamp", "https://bandcamp.example/night"),
        ("Discogs", "https://discogs.example/n"),
    ]
    assert (Path(settings.MEDIA_ROOT) / track.audio).read_bytes() == audio


@pytest.mark.parametrize(
    ("audio", "message"),
    [
        (b"MZ\x90\x00 an executable renamed to .mp3" * 50, AUDIO_NOT_AUDIO),
        (sine_mp3(seconds=3.0)[:-100], AUDIO_TRUNCATED),
    ],
)
def test_bad_upload_shows_a_form_error_and_stores_nothing(staff, settings, audio, message):
    response = staff.post("/admin/catalog/track/add/", _track_form(audio))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Track.objects.count() == 0
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_empty_upload_is_refused(staff):
    response = staff.post("/admin/catalog/track/add/", _track_form(b""))
    assert response.status_code == 200
    assert Track.objects.count() == 0


def test_bad_buy_link_line_is_a_form_error(staff):
    audio = with_title_tag(sine_mp3(seconds=3.0), "bad line")
    response = staff.post(
        "/admin/catalog/track/add/", _track_form(audio, buy_links_text="just a shop name")
    )
    assert response.status_code == 200
    assert "is not “shop | address”" in response.content.decode()
    assert Track.objects.count() == 0


def test_staff_adds_a_track_to_a_genre_playlist(staff):
    genre = GenreFactory()
    track = track_create()
    response = staff.post(
        f"/admin/catalog/genre/{genre.pk}/change/",
        {
            "city": genre.city.pk,
            "name": genre.name,
            "slug": genre.slug,
            "description": genre.description,
            "curator": genre.curator.pk,
            "position": 0,
            "add_track": track.pk,
            "entries-TOTAL_FORMS": 0,
            "entries-INITIAL_FORMS": 0,
            "entries-MIN_NUM_FORMS": 0,
            "entries-MAX_NUM_FORMS": 1000,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [e.track for e in selectors.genre_playlist(genre=genre)] == [track]


def test_admin_lists_render(staff):
    GenreFactory()
    track_create()
    for path in [
        "/admin/catalog/city/",
        "/admin/catalog/genre/",
        "/admin/catalog/track/",
        "/admin/catalog/curator/",
        "/admin/catalog/track/add/",
    ]:
        assert staff.get(path).status_code == 200, path


def test_staff_link_an_account_to_a_curator_and_unlink_it(staff, django_user_model):
    genre = GenreFactory()
    curator = genre.curator
    account = django_user_model.objects.create_user("mira")
    form = {"name": curator.name, "slug": curator.slug, "bio": curator.bio, "links": "[]"}
    url = f"/admin/catalog/curator/{curator.pk}/change/"
    assert staff.get(url).status_code == 200

    response = staff.post(url, {**form, "accounts": [account.pk]})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(selectors.genres_curated_by(user=account)) == [genre]
    staff.post(url, form)
    assert list(selectors.genres_curated_by(user=account)) == []
