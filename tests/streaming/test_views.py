import logging
import re

import pytest
from django.core.files.storage import default_storage
from django.utils.http import http_date

from twentytwo.streaming.responses import RANGE_NOT_SATISFIABLE
from twentytwo.streaming.signing import (
    STREAM_TOKEN_EXPIRED,
    STREAM_TOKEN_INVALID,
    stream_token,
    stream_url,
)
from twentytwo.streaming.views import STREAM_AUDIO_MISSING, STREAM_TRACK_NOT_FOUND

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return response.getvalue()


def test_whole_track_is_sent_with_its_validators(client, settings, track, audio_bytes):
    settings.STREAM_URL_TTL = 3600

    response = client.get(stream_url(track.pk))

    assert response.status_code == 200
    assert body(response) == audio_bytes
    assert response["Content-Length"] == str(len(audio_bytes))
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"] == f'"{track.checksum}"'
    assert response["Last-Modified"] == http_date(int(track.created_at.timestamp()))
    assert response["Cache-Control"] == "private, max-age=3240"
    assert "Content-Disposition" not in response


def test_track_is_served_with_one_database_query(
    client, track, audio_bytes, django_assert_num_queries
):
    url = stream_url(track.pk)

    with django_assert_num_queries(1):
        response = client.get(url, headers={"Range": "bytes=100-"})

    assert body(response) == audio_bytes[100:]


def test_seek_from_a_position_to_the_end_gives_206(client, track, audio_bytes):
    size = len(audio_bytes)

    response = client.get(stream_url(track.pk), headers={"Range": "bytes=1000-"})

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-{size - 1}/{size}"
    assert response["Content-Length"] == str(size - 1000)
    assert response["Content-Type"] == "audio/mpeg"
    assert body(response) == audio_bytes[1000:]


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=0-", 0, None),
        ("bytes=10-2047", 10, 2047),
        ("bytes=-500", -500, None),
        ("bytes=4000-999999999", 4000, None),
        ("bytes=0-99,50-199", 0, 199),  # overlapping ranges merge into one
    ],
)
def test_single_range_gives_exactly_those_bytes(client, track, audio_bytes, header, start, end):
    size = len(audio_bytes)
    first = start % size
    last = size - 1 if end is None else end

    response = client.get(stream_url(track.pk), headers={"Range": header})

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{size}"
    assert body(response) == audio_bytes[first : last + 1]
    assert response["Content-Length"] == str(last + 1 - first)


@pytest.mark.parametrize("header", ["bytes=99999999-", "bytes=-0", "bytes=99999999-99999999"])
def test_range_past_the_end_gives_416(client, track, audio_bytes, header):
    response = client.get(stream_url(track.pk), headers={"Range": header})

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(audio_bytes)}"
    assert response.content.decode() == RANGE_NOT_SATISFIABLE


@pytest.mark.parametrize(
    "header",
    [
        "bytes=abc",
        "bytes=5-2",
        "bytes=",
        "bytes=--1",
        "items=0-10",
        "bytes=0-1," + "9" * 5000,
        "bytes=\x00-1",
    ],
)
def test_malformed_or_foreign_range_gives_the_whole_track(client, track, audio_bytes, header):
    response = client.get(stream_url(track.pk), headers={"Range": header})

    assert response.status_code == 200
    assert body(response) == audio_bytes


def multipart_parts(content_type: str, data: bytes) -> list[tuple[str, bytes]]:
    """Split a multipart/byteranges body the way a client does, using each Content-Range."""
    boundary = re.fullmatch(r"multipart/byteranges; boundary=(\S+)", content_type)[1]
    parts, position = [], 0
    while True:
        delimiter = (b"\r\n" if parts else b"") + f"--{boundary}".encode()
        assert data.startswith(delimiter, position)
        position += len(delimiter)
        if data[position:] == b"--\r\n":
            return parts
        head_end = data.index(b"\r\n\r\n", position)
        head = dict(
            line.split(": ", 1) for line in data[position + 2 : head_end].decode().split("\r\n")
        )
        assert head["Content-Type"] == "audio/mpeg"
        first, last = re.fullmatch(r"bytes (\d+)-(\d+)/\d+", head["Content-Range"]).groups()
        length = int(last) - int(first) + 1
        position = head_end + 4
        parts.append((head["Content-Range"], data[position : position + length]))
        position += length


def test_several_ranges_give_a_multipart_byteranges_body(client, track, audio_bytes):
    size = len(audio_bytes)

    response = client.get(stream_url(track.pk), headers={"Range": "bytes=0-1,5-9,-3"})

    data = body(response)
    assert response.status_code == 206
    assert response["Content-Length"] == str(len(data))
    assert multipart_parts(response["Content-Type"], data) == [
        (f"bytes 0-1/{size}", audio_bytes[0:2]),
        (f"bytes 5-9/{size}", audio_bytes[5:10]),
        (f"bytes {size - 3}-{size - 1}/{size}", audio_bytes[-3:]),
    ]


def test_matching_etag_gives_304_without_a_body(client, track):
    response = client.get(stream_url(track.pk), headers={"If-None-Match": f'"{track.checksum}"'})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == f'"{track.checksum}"'
    assert response["Cache-Control"].startswith("private, max-age=")


def test_unchanged_since_last_visit_gives_304(client, track):
    since = http_date(int(track.created_at.timestamp()) + 60)

    response = client.get(stream_url(track.pk), headers={"If-Modified-Since": since})

    assert response.status_code == 304


def test_other_etag_gives_the_track(client, track, audio_bytes):
    response = client.get(stream_url(track.pk), headers={"If-None-Match": '"something-else"'})

    assert response.status_code == 200
    assert body(response) == audio_bytes


def test_if_range_with_the_current_etag_gives_the_range(client, track, audio_bytes):
    headers = {"Range": "bytes=100-199", "If-Range": f'"{track.checksum}"'}

    response = client.get(stream_url(track.pk), headers=headers)

    assert response.status_code == 206
    assert body(response) == audio_bytes[100:200]


def test_if_range_with_the_current_date_gives_the_range(client, track, audio_bytes):
    headers = {"Range": "bytes=100-199", "If-Range": http_date(track.created_at.timestamp())}

    response = client.get(stream_url(track.pk), headers=headers)

    assert response.status_code == 206
    assert body(response) == audio_bytes[100:200]


@pytest.mark.parametrize(
    "if_range", ['"an-old-version"', "W/{etag}", "Mon, 01 Jan 2001 00:00:00 GMT", "not a date"]
)
def test_if_range_that_does_not_match_gives_the_whole_track(client, track, audio_bytes, if_range):
    headers = {
        "Range": "bytes=100-199",
        "If-Range": if_range.format(etag=f'"{track.checksum}"'),
    }

    response = client.get(stream_url(track.pk), headers=headers)

    assert response.status_code == 200
    assert body(response) == audio_bytes


def test_head_gives_the_headers_of_the_whole_track(client, track, audio_bytes):
    response = client.head(stream_url(track.pk), headers={"Range": "bytes=0-10"})

    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Length"] == str(len(audio_bytes))
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"] == f'"{track.checksum}"'


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch", "options"])
def test_methods_other_than_get_and_head_give_405(client, track, method):
    response = getattr(client, method)(stream_url(track.pk))

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_tampered_token_gives_403_with_the_reason(client, track):
    url = stream_url(track.pk)
    token = url.removeprefix("/stream/")
    other_track = str(track.pk + 1)
    tampered = f"/stream/{other_track}{token[len(str(track.pk)) :]}"

    response = client.get(tampered)

    assert response.status_code == 403
    assert response.content.decode() == STREAM_TOKEN_INVALID
    assert response["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    "token", ["abc", "abc.mp3", "1-2.3.4.5", "-.", "%00", "1-99999999999999999999.x.mp3"]
)
def test_garbage_token_gives_403(client, token):
    response = client.get(f"/stream/{token}")

    assert response.status_code == 403
    assert response.content.decode() == STREAM_TOKEN_INVALID


def test_expired_token_gives_403_asking_for_a_reload(client, settings, track):
    settings.STREAM_URL_TTL = 3600
    issued_long_ago = 1_600_000_000

    response = client.get(stream_url(track.pk, now=issued_long_ago))

    assert response.status_code == 403
    assert response.content.decode() == STREAM_TOKEN_EXPIRED


def test_token_without_the_extension_works_too(client, track, audio_bytes):
    response = client.get(f"/stream/{stream_token(track.pk)}")

    assert response.status_code == 200
    assert body(response) == audio_bytes


def test_token_for_a_track_not_in_the_catalog_gives_404(client):
    response = client.get(stream_url(987_654_321))

    assert response.status_code == 404
    assert response.content.decode() == STREAM_TRACK_NOT_FOUND


def test_missing_audio_file_gives_404_and_is_logged(client, track, caplog):
    default_storage.delete(track.audio)

    with caplog.at_level(logging.ERROR, logger="twentytwo.streaming.views"):
        response = client.get(stream_url(track.pk), headers={"Range": "bytes=0-"})

    assert response.status_code == 404
    assert response.content.decode() == STREAM_AUDIO_MISSING
    assert track.audio in caplog.text


def test_audio_file_of_the_wrong_size_gives_404_and_is_logged(client, track, audio_bytes, caplog):
    with open(default_storage.path(track.audio), "wb") as file:
        file.write(audio_bytes[:-100])

    with caplog.at_level(logging.ERROR, logger="twentytwo.streaming.views"):
        response = client.get(stream_url(track.pk))

    assert response.status_code == 404
    assert response.content.decode() == STREAM_AUDIO_MISSING
    assert f"{len(audio_bytes) - 100} bytes" in caplog.text


def test_accel_mode_hands_the_file_to_nginx(client, settings, track):
    settings.STREAM_ACCEL_REDIRECT_PREFIX = "/protected-media/"

    response = client.get(stream_url(track.pk), headers={"Range": "bytes=100-"})

    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{track.audio}"
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Cache-Control"].startswith("private, max-age=")


def test_accel_mode_needs_no_trailing_slash_on_the_prefix(client, settings, track):
    settings.STREAM_ACCEL_REDIRECT_PREFIX = "/protected-media"

    response = client.get(stream_url(track.pk))

    assert response["X-Accel-Redirect"] == f"/protected-media/{track.audio}"


def test_accel_mode_still_checks_the_token(client, settings, track):
    settings.STREAM_ACCEL_REDIRECT_PREFIX = "/protected-media/"

    expired = client.get(stream_url(track.pk, now=1_600_000_000))
    unknown = client.get(stream_url(987_654_321))

    assert expired.status_code == 403
    assert "X-Accel-Redirect" not in expired
    assert unknown.status_code == 404
    assert "X-Accel-Redirect" not in unknown
