"""Real audio for tests, made with ffmpeg and cached for the test session."""

import functools
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from twentytwo.core.ffmpeg import ffmpeg_executable


def _ffmpeg(*arguments: str, audio: bytes | None = None) -> bytes:
    """Run the project's ffmpeg quietly; return what it wrote to its standard output."""
    command = [ffmpeg_executable(), "-v", "error", *arguments]
    return subprocess.run(command, input=audio, check=True, capture_output=True).stdout


def _sine(frequency: int, seconds: float) -> list[str]:
    return ["-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}"]


@functools.cache
def sine_mp3(*, seconds: float = 3.0, frequency: int = 440, xing: bool = True) -> bytes:
    """Return a CBR 128 kbit/s stereo MP3 of a sine tone, made by ffmpeg."""
    # A seekable output: ffmpeg goes back to fill in the Xing header, as encoders do.
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "tone.mp3"
        _ffmpeg(
            *_sine(frequency, seconds),
            *("-ac", "2", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "128k"),
            *("-write_xing", "1" if xing else "0", "-id3v2_version", "0", "-f", "mp3"),
            str(target),
        )
        return target.read_bytes()


@functools.cache
def sine_ogg(*, seconds: float = 3.0, codec: str = "libopus") -> bytes:
    return _ffmpeg(*_sine(330, seconds), "-c:a", codec, "-f", "ogg", "pipe:1")


def mp3_decoded(mp3: bytes) -> np.ndarray:
    """Decode MP3 bytes with ffmpeg to mono float32 samples."""
    samples = _ffmpeg("-f", "mp3", "-i", "pipe:0", "-ac", "1", "-f", "f32le", "pipe:1", audio=mp3)
    return np.frombuffer(samples, dtype=np.float32)


def decode_errors(*arguments: str, audio: bytes | None = None) -> str:
    """Decode audio to nowhere and return what ffmpeg complained about (nothing when whole)."""
    command = [ffmpeg_executable(), "-v", "error", *arguments, "-f", "null", "-"]
    result = subprocess.run(command, input=audio, capture_output=True, check=True)
    return result.stderr.decode()


def with_title_tag(mp3: bytes, title: str) -> bytes:
    """Prefix an ID3v2.3 title frame, giving the same sound a different checksum."""
    text = b"\x03" + title.encode()
    frame = b"TIT2" + len(text).to_bytes(4, "big") + b"\x00\x00" + text
    size = len(frame)
    syncsafe = bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return b"ID3\x03\x00\x00" + syncsafe + frame + mp3
