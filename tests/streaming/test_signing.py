import pytest

from twentytwo.streaming.signing import (
    STREAM_TOKEN_EXPIRED,
    STREAM_TOKEN_INVALID,
    StreamTokenError,
    stream_edge_key,
    stream_token,
    stream_token_verify,
    stream_url,
)

ISSUED = 1_700_000_000.0
TTL = 3600


@pytest.fixture(autouse=True)
def _ttl(settings):
    settings.STREAM_URL_TTL = TTL


def test_token_grants_its_track_for_at_least_the_ttl():
    token = stream_token(42, now=ISSUED)

    assert stream_token_verify(token, now=ISSUED) == 42
    assert stream_token_verify(token, now=ISSUED + TTL) == 42


def test_token_expires_within_a_quarter_ttl_after_the_ttl():
    token = stream_token(42, now=ISSUED)

    with pytest.raises(StreamTokenError, match=STREAM_TOKEN_EXPIRED):
        stream_token_verify(token, now=ISSUED + TTL * 5 // 4 + 1)


def test_pages_rendered_close_together_get_the_same_url():
    first = stream_url(42, now=ISSUED)
    later = stream_url(42, now=ISSUED + 1)

    assert first == later
    assert first.startswith("/stream/")
    assert first.endswith(".mp3")


def test_url_with_its_extension_verifies():
    token = stream_url(42, extension="ogg", now=ISSUED).removeprefix("/stream/")

    assert stream_token_verify(token, now=ISSUED) == 42


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token.replace("42-", "43-", 1),
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.split(".")[0],
        lambda token: "",
    ],
)
def test_tampered_token_is_refused(tamper):
    token = tamper(stream_token(42, now=ISSUED))

    with pytest.raises(StreamTokenError, match=STREAM_TOKEN_INVALID):
        stream_token_verify(token, now=ISSUED)


def test_token_signed_with_another_key_is_refused(settings):
    token = stream_token(42, now=ISSUED)
    settings.SECRET_KEY = "another key entirely, long enough to be a real one"

    with pytest.raises(StreamTokenError, match=STREAM_TOKEN_INVALID):
        stream_token_verify(token, now=ISSUED)


AUDIO = "audio/3f/3f2a9c1b7d0e4a5b8c6d7e8f9a0b1c2d.ogg"


def test_a_url_made_with_the_storage_name_names_the_file_under_the_signature():
    url = stream_url(42, audio=AUDIO, now=ISSUED)

    assert url.endswith(".ogg")  # the file's own extension
    token = url.removeprefix("/stream/")
    assert token.split(".")[0].endswith("-3f2a9c1b7d0e4a5b8c6d7e8f9a0b1c2d")
    assert stream_token_verify(token, now=ISSUED) == 42
    # Another file under the same signature is refused.
    forged = token.replace("3f2a9c1b", "3f2a9c1c")
    with pytest.raises(StreamTokenError, match=STREAM_TOKEN_INVALID):
        stream_token_verify(forged, now=ISSUED)


@pytest.mark.parametrize(
    "audio", ["", "audio/old-name.mp3", "audio/3f/4f2a9c1b7d0e4a5b8c6d7e8f9a0b1c2d.mp3"]
)
def test_a_storage_name_of_another_shape_gives_the_app_checked_url(audio):
    token = stream_url(42, audio=audio, now=ISSUED).removeprefix("/stream/")
    assert token.split(".")[0].count("-") == 1
    assert stream_token_verify(token, now=ISSUED) == 42


def test_the_edge_key_makes_the_signers_own_signatures():
    import base64
    import hashlib
    import hmac

    token = stream_token(42, now=ISSUED, file="3f2a9c1b7d0e4a5b8c6d7e8f9a0b1c2d")
    value, signature = token.rsplit(".", 1)
    key = bytes.fromhex(stream_edge_key())
    made = base64.urlsafe_b64encode(hmac.new(key, value.encode(), hashlib.sha256).digest())
    assert made.rstrip(b"=").decode() == signature
