"""Encode sections once and join them into tracks frame by frame.

Encoding every demo track on its own would take minutes. With LAME's bit reservoir off,
every MP3 frame carries all of its own bits, so frames of separately placed sections can
be concatenated into a valid stream. All sections of a genre go through one ffmpeg run,
laid end to end and aligned so that each section fills whole frames of the output."""

import subprocess

import numpy as np

from twentytwo.core.ffmpeg import ffmpeg_executable
from twentytwo.demo.arrangement import FRAME_SAMPLES
from twentytwo.demo.instruments import SAMPLE_RATE

ENCODE_UNEXPECTED = "ffmpeg returned {found} MP3 frames where {expected} were expected."
NOT_LAYER_III = "There is no MPEG-1 Layer III frame at byte {offset}."
# LAME's encoder delay (576) plus the MP3 decoder's (529): input sample n comes out at
# n + 1105, so a lead of 1152 - 1105 samples puts section one at the start of frame one.
_CODEC_DELAY = 1105
_FFMPEG_MP3 = [
    # LAME quality 7 of 0 (best) to 9: a third faster than the default, and a synthesizer
    # playing through 128 kbit/s asks for no more.
    "-c:a", "libmp3lame", "-b:a", "128k", "-compression_level", "7",
    "-ar", str(SAMPLE_RATE), "-ac", "2",
    "-reservoir", "0", "-write_xing", "0", "-id3v2_version", "0", "-write_id3v1", "0",
    "-f", "mp3",
]  # fmt: skip
_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_SAMPLE_RATES = (44100, 48000, 32000)


def mp3_frames(stream: bytes) -> list[bytes]:
    """Split an MPEG-1 Layer III stream without tags into its frames."""
    frames = []
    offset = 0
    while offset + 4 <= len(stream):
        header = stream[offset : offset + 4]
        if header[0] != 0xFF or (header[1] & 0xFE) != 0xFA:
            raise ValueError(NOT_LAYER_III.format(offset=offset))
        bitrate = _BITRATES_KBPS[header[2] >> 4] * 1000
        sample_rate = _SAMPLE_RATES[(header[2] >> 2) & 0x3]
        length = 144 * bitrate // sample_rate + ((header[2] >> 1) & 0x1)
        frames.append(stream[offset : offset + length])
        offset += length
    return frames


def sections_encode(sections: list[np.ndarray]) -> list[bytes]:
    """Encode (2, n) float sections, each n a multiple of 1152, in one ffmpeg run; return
    the MP3 frames of each section."""
    lead = np.zeros((2, FRAME_SAMPLES - _CODEC_DELAY))
    tail = np.zeros((2, 2 * FRAME_SAMPLES))
    audio = np.concatenate([lead, *sections, tail], axis=1)
    interleaved = np.empty((audio.shape[1], 2), dtype="<f4")
    interleaved[:, 0], interleaved[:, 1] = audio
    pcm = interleaved.tobytes()
    command = [
        ffmpeg_executable(), "-v", "error",
        "-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", "2", "-i", "pipe:0",
        *_FFMPEG_MP3, "pipe:1",
    ]  # fmt: skip
    # The command is built from constants and the path of the project's own ffmpeg.
    stream = subprocess.run(command, input=pcm, capture_output=True, check=True).stdout  # noqa: S603
    frames = mp3_frames(stream)
    counts = [section.shape[1] // FRAME_SAMPLES for section in sections]
    if len(frames) < 1 + sum(counts):
        raise RuntimeError(ENCODE_UNEXPECTED.format(found=len(frames), expected=1 + sum(counts)))
    encoded = []
    start = 1  # frame zero holds the lead and the codec delay
    for count in counts:
        encoded.append(b"".join(frames[start : start + count]))
        start += count
    return encoded


def _syncsafe(size: int) -> bytes:
    return bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))


def id3_tag(fields: dict[str, str]) -> bytes:
    """Return an ID3v2.4 tag of UTF-8 text frames, e.g. {"TIT2": title, "TPE1": artist}."""
    frames = b""
    for frame_id, text in fields.items():
        payload = b"\x03" + text.encode()
        frames += frame_id.encode("ascii") + _syncsafe(len(payload)) + b"\x00\x00" + payload
    return b"ID3\x04\x00\x00" + _syncsafe(len(frames)) + frames
