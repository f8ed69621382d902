"""Identify uploaded audio by its bytes and refuse what is not whole, playable audio.

mutagen names the format from the header (never from the file name); a walk over every
MP3 frame or Ogg page then proves the stream is complete, which catches truncated and
corrupted files that a header alone would let through."""

import io
import struct
from dataclasses import dataclass

import mutagen
from mutagen.mp3 import MP3
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

# Messages are constants so that forms, the API and tests agree on them.
AUDIO_EMPTY = "The file is empty."
AUDIO_TOO_LARGE = "The file is larger than the limit of {limit} MB."
AUDIO_NOT_AUDIO = "The file is not audio this service can play (MP3, Ogg Opus or Ogg Vorbis)."
AUDIO_TRUNCATED = "The audio file is truncated: its last part is missing."
AUDIO_CORRUPT = "The audio file is damaged and cannot be played through."
AUDIO_TOO_SHORT = "The audio is shorter than one second."

_FORMATS = [MP3, OggOpus, OggVorbis]


class AudioRejected(ValueError):
    """The bytes are not acceptable audio; `str(error)` is the message to show."""


@dataclass(frozen=True, slots=True)
class AudioProbe:
    codec: str
    mime_type: str
    extension: str
    duration: float
    bitrate: int


def audio_probe(data: bytes, *, max_bytes: int) -> AudioProbe:
    """Identify `data` and check it is complete; raise AudioRejected otherwise."""
    if not data:
        raise AudioRejected(AUDIO_EMPTY)
    if len(data) > max_bytes:
        raise AudioRejected(AUDIO_TOO_LARGE.format(limit=max_bytes // (1024 * 1024)))
    try:
        # A nameless file object: the score is taken from the content alone.
        parsed = mutagen.File(io.BytesIO(data), options=_FORMATS)
    except mutagen.MutagenError:
        parsed = None
    if parsed is None:
        if data[:4] == b"OggS":
            _ogg_walk(data)  # names the real defect of a damaged Ogg stream
        if _looks_like_mp3(data):
            _mp3_walk(data)
        raise AudioRejected(AUDIO_NOT_AUDIO)
    if isinstance(parsed, MP3):
        frames = _mp3_walk(data)
        xing_frames = _xing_frame_count(data)
        if xing_frames is not None and frames < xing_frames:
            raise AudioRejected(AUDIO_TRUNCATED)
        # Xing-derived averages come out a bit off (127999); bitrates are whole kbit/s.
        bitrate = round(parsed.info.bitrate / 1000) * 1000
        probe = AudioProbe("mp3", "audio/mpeg", "mp3", parsed.info.length, bitrate)
    else:
        _ogg_walk(data)
        codec = "opus" if isinstance(parsed, OggOpus) else "vorbis"
        duration = parsed.info.length
        bitrate = getattr(parsed.info, "bitrate", 0) or int(len(data) * 8 / max(duration, 1e-6))
        probe = AudioProbe(
            codec, "audio/ogg", "ogg" if codec == "vorbis" else "opus", duration, bitrate
        )
    if probe.duration < 1.0:
        raise AudioRejected(AUDIO_TOO_SHORT)
    return probe


# MPEG audio frame headers -------------------------------------------------------------

_BITRATES = {  # kbit/s by (MPEG-1?, layer) then index
    (True, 3): [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    (False, 3): [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
_SAMPLE_RATES = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000]}
_TRAILERS = (b"TAG", b"APETAGEX", b"LYRICSBEGIN")


def _frame_length(header: bytes) -> int | None:
    """Return the byte length of the Layer III frame starting with `header`, or None."""
    b1, b2, b3 = header[1], header[2], header[3]
    if header[0] != 0xFF or (b1 & 0xE0) != 0xE0:
        return None
    version = (b1 >> 3) & 0x3
    layer = (b1 >> 1) & 0x3
    bitrate_index = (b2 >> 4) & 0xF
    rate_index = (b2 >> 2) & 0x3
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    del b3
    mpeg1 = version == 3
    bitrate = _BITRATES[(mpeg1, 3)][bitrate_index] * 1000
    sample_rate = _SAMPLE_RATES[version][rate_index]
    padding = (b2 >> 1) & 0x1
    return (144 if mpeg1 else 72) * bitrate // sample_rate + padding


def _id3v2_end(data: bytes) -> int:
    if data[:3] != b"ID3" or len(data) < 10:
        return 0
    size = 0
    for byte in data[6:10]:
        size = (size << 7) | (byte & 0x7F)
    footer = 10 if data[5] & 0x10 else 0
    return 10 + size + footer


def _looks_like_mp3(data: bytes) -> bool:
    start = _id3v2_end(data)
    return start > 0 or (len(data) >= 4 and _frame_length(data[start : start + 4]) is not None)


def _mp3_walk(data: bytes) -> int:
    """Walk every frame from the first to the last byte; return the frame count."""
    offset = _id3v2_end(data)
    end = len(data)
    frames = 0
    while offset < end:
        if end - offset < 4:
            raise AudioRejected(AUDIO_TRUNCATED)
        length = _frame_length(data[offset : offset + 4])
        if length is None:
            if frames and data[offset : offset + 11].startswith(_TRAILERS):
                break
            raise AudioRejected(AUDIO_CORRUPT if frames else AUDIO_NOT_AUDIO)
        if offset + length > end:
            raise AudioRejected(AUDIO_TRUNCATED)
        offset += length
        frames += 1
    if not frames:
        raise AudioRejected(AUDIO_NOT_AUDIO)
    return frames


def _xing_frame_count(data: bytes) -> int | None:
    """Return the frame count of a Xing/Info header (it counts itself), if there is one."""
    start = _id3v2_end(data)
    first = data[start : start + 200]
    for tag in (b"Xing", b"Info"):
        at = first.find(tag)
        if at != -1 and len(first) >= at + 12:
            flags = struct.unpack(">I", first[at + 4 : at + 8])[0]
            if flags & 0x1:
                return struct.unpack(">I", first[at + 8 : at + 12])[0] + 1
    return None


# Ogg pages -----------------------------------------------------------------------------


def _ogg_walk(data: bytes) -> None:
    """Walk every Ogg page; the last must end the stream exactly where the file ends."""
    offset = 0
    end = len(data)
    last_flags = 0
    while offset < end:
        if data[offset : offset + 4] != b"OggS":
            raise AudioRejected(AUDIO_CORRUPT if offset else AUDIO_NOT_AUDIO)
        if end - offset < 27:
            raise AudioRejected(AUDIO_TRUNCATED)
        last_flags = data[offset + 5]
        segments = data[offset + 26]
        table_end = offset + 27 + segments
        if table_end > end:
            raise AudioRejected(AUDIO_TRUNCATED)
        offset = table_end + sum(data[offset + 27 : table_end])
        if offset > end:
            raise AudioRejected(AUDIO_TRUNCATED)
    if not last_flags & 0x4:  # end-of-stream flag
        raise AudioRejected(AUDIO_TRUNCATED)
