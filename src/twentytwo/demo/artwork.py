"""Draw the demo catalog's pictures: genre covers, curator portraits and track artwork.

Each picture is a gradient with geometric shapes chosen by a seed, so the same seed
draws the same PNG. A 64-colour palette keeps the files small."""

import colorsys
import io
import random

import numpy as np
from PIL import Image, ImageDraw

SIZE = 400


def _colour(rng: random.Random, *, hue: float, lightness: float) -> tuple[int, int, int]:
    red, green, blue = colorsys.hls_to_rgb(hue % 1.0, lightness, rng.uniform(0.45, 0.85))
    return int(red * 255), int(green * 255), int(blue * 255)


def _gradient(top: tuple[int, int, int], bottom: tuple[int, int, int], angle: float) -> Image.Image:
    axis = np.linspace(0.0, 1.0, SIZE)
    x, y = np.meshgrid(axis, axis)
    blend = np.clip(x * np.cos(angle) + y * np.sin(angle), 0.0, 1.0)[..., None]
    pixels = np.asarray(top) * (1 - blend) + np.asarray(bottom) * blend
    return Image.fromarray(pixels.astype(np.uint8), "RGB")


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        buffer, format="PNG"
    )
    return buffer.getvalue()


def genre_picture(seed: int) -> bytes:
    """Return a cover for a genre: circles and stripes over a two-colour gradient."""
    rng = random.Random(seed)  # noqa: S311 (art, not secrets)
    hue = rng.random()
    image = _gradient(
        _colour(rng, hue=hue, lightness=0.55),
        _colour(rng, hue=hue + 0.15, lightness=0.25),
        rng.uniform(0, np.pi / 2),
    )
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(3, 6)):
        radius = rng.randint(30, 140)
        x, y = rng.randint(0, SIZE), rng.randint(0, SIZE)
        colour = _colour(rng, hue=hue + rng.uniform(-0.3, 0.3), lightness=rng.uniform(0.3, 0.8))
        draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius),
            outline=colour,
            width=rng.randint(4, 18),
        )
    for _ in range(rng.randint(2, 5)):
        y = rng.randint(0, SIZE)
        draw.rectangle(
            (0, y, SIZE, y + rng.randint(3, 14)), fill=_colour(rng, hue=hue + 0.5, lightness=0.7)
        )
    return _png(image)


def curator_photo(seed: int) -> bytes:
    """Return a portrait stand-in: a head-and-shoulders silhouette on a soft gradient."""
    rng = random.Random(seed)  # noqa: S311 (art, not secrets)
    hue = rng.random()
    image = _gradient(
        _colour(rng, hue=hue, lightness=0.75), _colour(rng, hue=hue + 0.1, lightness=0.5), np.pi / 2
    )
    draw = ImageDraw.Draw(image)
    figure = _colour(rng, hue=hue + 0.5, lightness=rng.uniform(0.2, 0.4))
    centre = SIZE // 2 + rng.randint(-30, 30)
    head = rng.randint(60, 80)
    draw.ellipse((centre - head, 90, centre + head, 90 + 2 * head), fill=figure)
    draw.ellipse(
        (centre - 2 * head, 110 + 2 * head, centre + 2 * head, 110 + 6 * head), fill=figure
    )
    return _png(image)


def track_artwork(seed: int) -> bytes:
    """Return a record sleeve: a grid of squares and triangles over a gradient."""
    rng = random.Random(seed)  # noqa: S311 (art, not secrets)
    hue = rng.random()
    image = _gradient(
        _colour(rng, hue=hue, lightness=0.3),
        _colour(rng, hue=hue + 0.3, lightness=0.6),
        rng.uniform(0, np.pi),
    )
    draw = ImageDraw.Draw(image)
    cells = rng.choice((2, 3, 4, 5))
    cell = SIZE // cells
    for row in range(cells):
        for column in range(cells):
            if rng.random() < 0.45:
                continue
            x, y = column * cell, row * cell
            colour = _colour(
                rng, hue=hue + rng.choice((0.0, 0.33, 0.5)), lightness=rng.uniform(0.35, 0.85)
            )
            inset = rng.randint(6, cell // 4)
            if rng.random() < 0.5:
                draw.rectangle(
                    (x + inset, y + inset, x + cell - inset, y + cell - inset), fill=colour
                )
            else:
                draw.polygon(
                    (
                        (x + inset, y + cell - inset),
                        (x + cell // 2, y + inset),
                        (x + cell - inset, y + cell - inset),
                    ),
                    fill=colour,
                )
    return _png(image)
