import numpy as np
import pytest

from tests.support.audio import mp3_decoded
from twentytwo.demo.arrangement import FRAME_SAMPLES
from twentytwo.demo.mp3 import NOT_LAYER_III, mp3_frames, sections_encode


def test_each_section_starts_on_a_frame_of_its_own():
    quiet = np.zeros((2, 4 * FRAME_SAMPLES))
    click = np.zeros((2, 4 * FRAME_SAMPLES))
    click[:, 2000] = 0.9

    first, second = sections_encode([quiet, click])

    assert len(mp3_frames(first)) == len(mp3_frames(second)) == 4
    # Decoded on its own, the second section has its click where it was put.
    assert abs(int(np.argmax(np.abs(mp3_decoded(second)))) - 2000) <= 8
    assert np.max(np.abs(mp3_decoded(first))) < 0.01


def test_frames_are_not_split_out_of_anything_but_mpeg_audio():
    with pytest.raises(ValueError, match=NOT_LAYER_III.format(offset=0)):
        mp3_frames(b"OggS" + bytes(100))
