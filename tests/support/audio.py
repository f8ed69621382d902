"""Real audio for tests, made with ffmpeg and cached for the test session."""

import functools
import subprocess
import tempfile
from pathlib import Path

from twentytwo.core.ffmpeg import ffmpeg_executable


@functools.cache
def sine_mp3(*, seconds: float = 3.0, frequency: int = 440, xing: bool = True) -> bytes:
    """Return a CBR 128 kbit/s stereo MP3 of a sine tone, made by ffmpeg."""
    command = [
        ffmpeg_executable(),
        "-v",
        "error",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency={frequency}:duration={seconds}",
        "-ac",
        "2",
        "-ar",
        "44100",
        "-c:a",
        "libmp3lame",
        "-b:a",
        "128k",
        "-write_xing",
        "1" if xing else "0",
        "-id3v2_version",
        "0",
        "-f",
        "mp3",
    ]
    # A seekable output: ffmpeg goes back to fill in the Xing header, as encoders do.
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "tone.mp3"
        subprocess.run([*command, str(target)], check=True, capture_output=True)
        return target.read_bytes()


@functools.cache
def sine_ogg(*, seconds: float = 3.0, codec: str = "libopus") -> bytes:
    command = [
        ffmpeg_executable(),
        "-v",
        "error",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=330:duration={seconds}",
        "-c:a",
        codec,
        "-f",
        "ogg",
        "pipe:1",
    ]
    return subprocess.run(command, check=True, capture_output=True).stdout


def with_title_tag(mp3: bytes, title: str) -> bytes:
    """Prefix an ID3v2.3 title frame, giving the same sound a different checksum."""
    text = b"\x03" + title.encode()
    frame = b"TIT2" + len(text).to_bytes(4, "big") + b"\x00\x00" + text
    size = len(frame)
    syncsafe = bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return b"ID3\x03\x00\x00" + syncsafe + frame + mp3
