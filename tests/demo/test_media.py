import io
import itertools

import mutagen
import numpy as np
import pytest

from tests.support.audio import decode_errors, mp3_decoded
from twentytwo.catalog.audio import audio_probe
from twentytwo.demo.arrangement import SECTIONS
from twentytwo.demo.media import genre_media_render, track_audio
from twentytwo.demo.recipes import CITIES, city_genres


def _genre(city: int, slug: str):
    return next(spec for spec in city_genres(CITIES[city]) if spec.slug == slug)


def _third_octave_levels(samples: np.ndarray) -> np.ndarray:
    """Return the tonal balance: dB per third-octave band from 40 Hz, loudest band at 0."""
    size = 4096
    frames = samples[: len(samples) // size * size].reshape(-1, size) * np.hanning(size)
    power = (np.abs(np.fft.rfft(frames, axis=1)) ** 2).mean(axis=0)
    frequencies = np.fft.rfftfreq(size, 1 / 44_100)
    edges = 40 * 2 ** (np.arange(25) / 3)
    levels = np.array(
        [
            power[(frequencies >= low) & (frequencies < high)].sum()
            for low, high in itertools.pairwise(edges)
        ]
    )
    decibels = 10 * np.log10(levels + 1e-12)
    return decibels - decibels.max()


@pytest.fixture(scope="module")
def techno():
    return genre_media_render(_genre(0, "techno").recipe)


def test_rendering_a_genre_twice_gives_the_same_bytes(techno):
    again = genre_media_render(_genre(0, "techno").recipe)
    assert again == techno


def test_two_genres_sound_different(techno):
    jazz = genre_media_render(_genre(0, "jazz").recipe)
    chorus = SECTIONS.index("chorus")

    techno_levels = _third_octave_levels(mp3_decoded(techno.sections[chorus]))
    jazz_levels = _third_octave_levels(mp3_decoded(jazz.sections[chorus]))

    assert np.mean(np.abs(techno_levels - jazz_levels)) > 2.0  # dB, averaged over the bands


def test_sections_joined_in_any_order_decode_without_an_error(techno):
    order = (0, 6, 2, 2, 5, 1, 4, 3, 7)
    mp3 = track_audio(techno, sections=order, title="Seam Test", artist="Lab", label="L", year=2000)

    assert decode_errors("-f", "mp3", "-i", "pipe:0", audio=mp3) == ""
    probe = audio_probe(mp3, max_bytes=30 * 1024 * 1024)
    section_seconds = len(techno.sections[0]) * 8 / 128_000
    assert probe.duration == pytest.approx(len(order) * section_seconds, abs=0.1)


def test_track_tag_names_the_title_and_artist(techno):
    mp3 = track_audio(
        techno,
        sections=(0, 1, 7),
        title="Velvet Harbour",
        artist="Noor Bos",
        label="Tram Records",
        year=2011,
    )

    tags = mutagen.File(io.BytesIO(mp3))
    assert str(tags["TIT2"]) == "Velvet Harbour"
    assert str(tags["TPE1"]) == "Noor Bos"
