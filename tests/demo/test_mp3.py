import subprocess

import numpy as np
import pytest

from twentytwo.core.ffmpeg import ffmpeg_executable
from twentytwo.demo.arrangement import FRAME_SAMPLES
from twentytwo.demo.mp3 import NOT_LAYER_III, mp3_frames, sections_encode


def _decoded(mp3: bytes) -> np.ndarray:
    command = [
        ffmpeg_executable(),
        "-v",
        "error",
        "-f",
        "mp3",
        "-i",
        "pipe:0",
        "-ac",
        "1",
        "-f",
        "f32le",
    ]
    result = subprocess.run([*command, "pipe:1"], input=mp3, capture_output=True, check=True)
    return np.frombuffer(result.stdout, dtype=np.float32)


def test_each_section_starts_on_a_frame_of_its_own():
    quiet = np.zeros((2, 4 * FRAME_SAMPLES))
    click = np.zeros((2, 4 * FRAME_SAMPLES))
    click[:, 2000] = 0.9

    first, second = sections_encode([quiet, click])

    assert len(mp3_frames(first)) == len(mp3_frames(second)) == 4
    # Decoded on its own, the second section has its click where it was put.
    assert abs(int(np.argmax(np.abs(_decoded(second)))) - 2000) <= 8
    assert np.max(np.abs(_decoded(first))) < 0.01


def test_frames_are_not_split_out_of_anything_but_mpeg_audio():
    with pytest.raises(ValueError, match=NOT_LAYER_III.format(offset=0)):
        mp3_frames(b"OggS" + bytes(100))
