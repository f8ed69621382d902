import pytest

from tests.support.audio import sine_mp3, sine_ogg, with_title_tag
from twentytwo.catalog.audio import (
    AUDIO_CORRUPT,
    AUDIO_EMPTY,
    AUDIO_NOT_AUDIO,
    AUDIO_TOO_LARGE,
    AUDIO_TOO_SHORT,
    AUDIO_TRUNCATED,
    AudioRejected,
    audio_probe,
)

LIMIT = 10 * 1024 * 1024


def test_mp3_is_identified_with_its_duration_and_bitrate():
    probe = audio_probe(sine_mp3(seconds=3.0), max_bytes=LIMIT)
    assert (probe.codec, probe.mime_type, probe.extension) == ("mp3", "audio/mpeg", "mp3")
    assert probe.bitrate == 128_000
    assert probe.duration == pytest.approx(3.0, abs=0.1)


def test_mp3_behind_an_id3_tag_is_identified():
    probe = audio_probe(with_title_tag(sine_mp3(seconds=3.0), "Tagged"), max_bytes=LIMIT)
    assert probe.codec == "mp3"


def test_mp3_without_xing_header_is_identified():
    probe = audio_probe(sine_mp3(seconds=2.0, xing=False), max_bytes=LIMIT)
    assert probe.duration == pytest.approx(2.0, abs=0.1)


@pytest.mark.parametrize(("codec", "name"), [("libopus", "opus"), ("libvorbis", "vorbis")])
def test_ogg_audio_is_identified(codec, name):
    probe = audio_probe(sine_ogg(seconds=2.0, codec=codec), max_bytes=LIMIT)
    assert probe.codec == name
    assert probe.mime_type == "audio/ogg"
    assert probe.duration == pytest.approx(2.0, abs=0.1)


def _rejection(data: bytes, *, max_bytes: int = LIMIT) -> str:
    with pytest.raises(AudioRejected) as caught:
        audio_probe(data, max_bytes=max_bytes)
    return str(caught.value)


def test_empty_file_is_refused():
    assert _rejection(b"") == AUDIO_EMPTY


def test_file_over_the_limit_is_refused_before_parsing():
    assert _rejection(
        sine_mp3(seconds=3.0), max_bytes=1024 * 1024 // 100
    ) == AUDIO_TOO_LARGE.format(limit=0)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + b"x" * 5000,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000,
        b"just some text, named song.mp3 by its uploader\n" * 100,
        bytes(range(256)) * 50,
    ],
)
def test_non_audio_is_refused_whatever_its_name(data):
    assert _rejection(data) == AUDIO_NOT_AUDIO


def test_mp3_cut_short_is_refused_as_truncated():
    mp3 = sine_mp3(seconds=3.0)
    assert _rejection(mp3[: len(mp3) - 150]) == AUDIO_TRUNCATED


def test_mp3_missing_whole_frames_is_refused_as_truncated():
    mp3 = sine_mp3(seconds=3.0)  # its Xing header counts the frames it should have
    frame = 417  # a 128 kbit/s, 44.1 kHz frame without padding
    cut = len(mp3) - 10 * frame
    # Cut on a frame boundary so only the Xing count can tell.
    while cut < len(mp3):
        try:
            audio_probe(mp3[:cut], max_bytes=LIMIT)
        except AudioRejected as error:
            assert str(error) == AUDIO_TRUNCATED
            cut += 1
            continue
        pytest.fail("a stream shorter than its Xing frame count was accepted")
    # Every cut in the last ten frames was refused.


def test_mp3_with_garbage_in_the_middle_is_refused_as_corrupt():
    mp3 = bytearray(sine_mp3(seconds=3.0))
    middle = len(mp3) // 2
    mp3[middle : middle + 600] = b"\x00" * 600
    assert _rejection(bytes(mp3)) == AUDIO_CORRUPT


def test_ogg_cut_short_is_refused_as_truncated():
    ogg = sine_ogg(seconds=2.0)
    assert _rejection(ogg[: len(ogg) - 200]) == AUDIO_TRUNCATED


def test_audio_under_a_second_is_refused():
    assert _rejection(sine_mp3(seconds=0.5)) == AUDIO_TOO_SHORT
