"""One record per request, whichever layer of the WSGI application answered it, in the
table and in the day file, with every field the privacy policy names and nothing more."""

import uuid

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client

from tests.support.access_log import file_lines, records
from tests.support.wsgi import call
from twentytwo.streaming.signing import stream_url
from twentytwo.traffic.loader import AccessLogLoader
from twentytwo.traffic.models import AccessRecord
from twentytwo.traffic.spool import spool_files

LISTENER = uuid.UUID("0123456789abcdef0123456789abcdef")
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def test_a_request_leaves_a_record_with_every_field(site, station, access_log, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    city, genre, _track = station
    answer = call(
        site,
        f"/api/genres/{genre.pk}/tracks",
        remote_addr="10.0.0.2",
        query="ref=newsletter",
        headers={
            "X-Forwarded-For": "198.51.100.23, 10.0.0.7",
            "Cookie": f"tt_listener={LISTENER.hex}; other=1",
            "User-Agent": FIREFOX,
            "Referer": "https://blog.example.org/posts/1?utm=x",
        },
    )
    assert answer.status == 200

    (record,) = records(access_log)
    assert record.request_id == answer.headers["X-Request-ID"]
    assert record.time is not None
    assert record.method == "GET"
    assert record.route == "api:genre_tracks"
    assert record.path == f"/api/genres/{genre.pk}/tracks"
    assert record.status == 200
    assert record.duration_us > 0
    assert record.response_bytes == len(answer.body)
    assert record.client_ip == "198.51.100.23"
    assert record.client_network == "198.51.100.0/24"
    assert record.listener == LISTENER
    assert (record.city_id, record.genre_id, record.track_id) == (city.pk, genre.pk, None)
    assert record.user_agent_family == "Firefox"
    assert record.referrer_host == "blog.example.org"

    (line,) = file_lines(access_log)
    assert line["request_id"] == record.request_id
    assert line["client_ip"] == "198.51.100.23"
    assert line["listener"] == LISTENER.hex
    assert line["genre_id"] == genre.pk
    assert line["time"].endswith("Z")
    assert set(line) == {field.name for field in AccessRecord._meta.fields} - {"id"}


def test_a_signed_in_request_records_no_user_id_email_or_name(site, station, access_log):
    user = get_user_model().objects.create_user(
        username="marieke-unique", email="marieke@example.org", first_name="Marieke"
    )
    client = Client()
    client.force_login(user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    call(site, "/api/me", headers={"Cookie": f"{django_settings.SESSION_COOKIE_NAME}={session}"})

    (record,) = records(access_log)
    (line,) = file_lines(access_log)
    assert record.route == "api:me"
    assert record.listener is None
    fields = {field.name for field in AccessRecord._meta.get_fields()}
    assert not {"user", "user_id", "email", "name", "session"} & fields
    for value in line.values():
        assert str(value) not in {session, user.email, user.username, user.first_name}
    assert session not in str(line) and "marieke" not in str(line).lower()


def test_the_session_csrf_token_and_referrers_path_never_leave_the_request(
    site, station, access_log
):
    """The spool is the one place a request's strings are written down before they become a
    record: it gets the audience cookies and the referrer's origin, nothing else of them."""
    listener = "0123456789abcdef0123456789abcdef"
    session, csrf = "s3ss10nvalu3s3ss10nvalu3s3ss10nx", "csrfvaluecsrfvaluecsrfvalue12345"
    cookie = f"csrftoken={csrf}; sessionid={session}; tt_listener={listener}; tt_consent=v1"
    referer = "https://blog.example.org:8443/posts/22?code=one-time-secret#top"
    call(site, "/api/cities", headers={"Cookie": cookie, "Referer": referer})

    access_log.loader = None  # hand over only: look at the spool file itself
    access_log.flush()
    (spooled,) = spool_files(access_log.spool_directory)
    raw = spooled.path.read_bytes()
    assert listener.encode() in raw
    for secret in (session, csrf, "sessionid", "csrftoken", "tt_consent", "posts", "one-time"):
        assert secret.encode() not in raw, secret

    loader = AccessLogLoader(
        spool_directory=access_log.spool_directory,
        directory=access_log.spool_directory.parent,
        counters=access_log.counters,
    )
    assert loader.load() == 1
    (record,) = AccessRecord.objects.all()
    assert record.listener.hex == listener
    assert record.referrer_host == "blog.example.org"


def test_city_page_genre_page_and_track_page_resolve_to_their_ids(site, station, access_log):
    city, genre, track = station
    call(site, "/amsterdam/")
    call(site, "/amsterdam/deep-house/")
    call(site, f"/tracks/{track.pk}/")
    call(site, "/nowhere/")

    found = [(r.route, r.status, r.city_id, r.genre_id, r.track_id) for r in records(access_log)]
    assert found == [
        ("web:city", 200, city.pk, None, None),
        ("web:genre", 200, city.pk, genre.pk, None),
        ("web:track", 200, None, None, track.pk),
        ("web:city", 404, None, None, None),
    ]


def test_streams_answered_before_django_are_logged_with_their_track_and_bytes(
    site, station, access_log
):
    _city, _genre, track = station
    url = stream_url(track.pk)
    first = call(site, url)  # through the stream view
    again = call(site, url, headers={"Range": "bytes=0-99"})  # the fast path

    assert (first.status, again.status) == (200, 206)
    logged = records(access_log)
    assert [(r.route, r.status, r.track_id) for r in logged] == [
        ("streaming:track", 200, track.pk),
        ("streaming:track", 206, track.pk),
    ]
    assert [r.response_bytes for r in logged] == [len(first.body), 100]
    assert logged[1].request_id == again.headers["X-Request-ID"]


def test_answers_from_the_shared_cache_get_their_own_request_id(site, station, access_log):
    _city, genre, _track = station
    path = f"/api/genres/{genre.pk}/tracks"
    first, second = call(site, path), call(site, path)

    assert first.body == second.body  # the second came from the shared cache
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert [r.request_id for r in records(access_log)] == [
        first.headers["X-Request-ID"],
        second.headers["X-Request-ID"],
    ]


def test_counting_switched_off_keeps_the_listener_out_of_the_log(site, station, access_log):
    call(site, "/api/cities", headers={"Cookie": f"tt_listener={LISTENER.hex}; tt_count=off"})
    call(site, "/api/cities", headers={"Cookie": f"tt_listener={LISTENER.hex}", "Sec-GPC": "1"})
    assert [r.listener for r in records(access_log)] == [None, None]


def test_an_error_in_the_app_is_recorded_as_a_500(station, access_log):
    from twentytwo.traffic.access_log import AccessLog

    def broken(environ, start_response):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        call(AccessLog(broken), "/api/cities")
    access_log.flush()
    (line,) = file_lines(access_log)
    assert (line["status"], line["route"], line["response_bytes"]) == (500, "api:cities", 0)
