"""Render one genre's media in a worker process: its encoded sections and track artwork.

This module and everything it imports stay free of Django, so a fresh worker process
starts quickly and needs no settings."""

from dataclasses import dataclass

import numpy as np

from twentytwo.demo.arrangement import BODY_SECTIONS, SECTIONS, sections_render
from twentytwo.demo.artwork import track_artwork
from twentytwo.demo.mp3 import id3_tag, sections_encode
from twentytwo.demo.styles import Recipe

# Artwork pictures drawn per genre and shared by its tracks: drawing one per track would
# cost more time than encoding all of the audio.
ARTWORKS_PER_GENRE = 3
# Every genre is mastered to the same loudness (RMS of the full sections, about -16 dBFS)
# so that moving between genres needs no hand on the volume.
_TARGET_RMS = 0.16


@dataclass(frozen=True, slots=True)
class GenreMedia:
    # The MP3 frames of each section, in SECTIONS order.
    sections: tuple[bytes, ...]
    artworks: tuple[bytes, ...]


def genre_media_render(recipe: Recipe) -> GenreMedia:
    """Synthesize, master and encode the recipe's sections and draw its artwork."""
    sections = sections_render(recipe)
    full = np.concatenate([sections[SECTIONS.index(name)] for name in BODY_SECTIONS], axis=1)
    gain = _TARGET_RMS / max(float(np.sqrt(np.mean(full**2))), 1e-9)
    # tanh rounds off the few peaks the gain pushes past full scale.
    mastered = [np.tanh(section * gain) for section in sections]
    artworks = tuple(track_artwork(recipe.seed + index) for index in range(ARTWORKS_PER_GENRE))
    return GenreMedia(sections=tuple(sections_encode(mastered)), artworks=artworks)


def track_audio(
    media: GenreMedia,
    *,
    sections: tuple[int, ...],
    title: str,
    artist: str,
    label: str,
    year: int,
) -> bytes:
    """Return a track's MP3: its tag, then the frames of its sections in order.

    The tag makes every track's bytes, and so its checksum, its own."""
    tag = id3_tag({"TIT2": title, "TPE1": artist, "TPUB": label, "TDRC": str(year)})
    return tag + b"".join(media.sections[index] for index in sections)
