"""Check uploaded pictures by their content: PNG, JPEG or WebP, within a size limit."""

import io

from PIL import Image, UnidentifiedImageError

PICTURE_EMPTY = "The picture is empty."
PICTURE_TOO_LARGE = "The picture is larger than the limit of {limit} MB."
PICTURE_NOT_IMAGE = "The file is not a PNG, JPEG or WebP picture."
PICTURE_DAMAGED = "The picture is damaged."
PICTURE_TOO_MANY_PIXELS = "The picture has more than 40 megapixels."

_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
_MAX_PIXELS = 40_000_000


class PictureRejected(ValueError):
    """The bytes are not an acceptable picture; `str(error)` is the message to show."""


def picture_probe(data: bytes, *, max_bytes: int) -> str:
    """Return the file extension for `data`, or raise PictureRejected."""
    if not data:
        raise PictureRejected(PICTURE_EMPTY)
    if len(data) > max_bytes:
        raise PictureRejected(PICTURE_TOO_LARGE.format(limit=max_bytes // (1024 * 1024)))
    try:
        with Image.open(io.BytesIO(data), formats=list(_FORMATS)) as image:
            if image.width * image.height > _MAX_PIXELS:
                raise PictureRejected(PICTURE_TOO_MANY_PIXELS)
            extension = _FORMATS[image.format]
            image.load()  # decodes every byte: a cut-off file fails here
    except UnidentifiedImageError:
        raise PictureRejected(PICTURE_NOT_IMAGE) from None
    except (OSError, SyntaxError, Image.DecompressionBombError):
        raise PictureRejected(PICTURE_DAMAGED) from None
    return extension
