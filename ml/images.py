"""Turning whatever a caller has (bytes, a file, a path, a PIL image, an array) into an upright
RGB array, and refusing anything that is not a sane image with one clear exception type.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import BinaryIO, Union

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

# Images above this many pixels are refused before their pixels are decoded (a decompression
# bomb: a tiny file that claims 20000x20000 pixels). JPEGs are decoded straight at a reduced
# scale (1/2 to 1/8, whatever still covers MAX_SIDE), so a 200-megapixel phone photo costs what a
# 12-megapixel one does; other formats are decoded whole, which 50 megapixels bounds.
MAX_PIXELS = 50_000_000
MAX_JPEG_PIXELS = 200_000_000
# Analysis never needs more than this on the long side; larger images are scaled down once,
# right after decoding, which bounds memory and time for every later step.
MAX_SIDE = 2048
MIN_SIDE = 16
# The file formats we read; Pillow opens more (TIFF, ICO, ...), which we do not promise to handle.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "BMP", "GIF")

ImageInput = Union[bytes, bytearray, memoryview, BinaryIO, str, Path, Image.Image, np.ndarray]


class InvalidImageError(ValueError):
    """The input is not an image we can analyse; the message says why, in plain words."""


class UnsupportedImageError(InvalidImageError):
    """The input is not in a file format we read (as opposed to a damaged or unfit image)."""


def _open(source) -> Image.Image:
    if isinstance(source, (bytes, bytearray, memoryview)):
        if len(source) == 0:
            raise InvalidImageError("The file is empty.")
        source = io.BytesIO(bytes(source))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source, formats=ACCEPTED_FORMATS)
            width, height = image.size
            limit = MAX_JPEG_PIXELS if image.format == "JPEG" else MAX_PIXELS
            if width * height > limit:
                raise InvalidImageError(
                    f"The image is too large ({width}x{height} pixels; the limit is {limit // 1_000_000} megapixels)."
                )
            target = _analysis_size(width, height)
            if image.format == "JPEG" and target != (width, height):
                image.draft(image.mode, target)
            image.load()
    except InvalidImageError:
        raise
    except FileNotFoundError:
        raise InvalidImageError("The image file does not exist.") from None
    except UnidentifiedImageError:
        raise UnsupportedImageError("The file is not an image we can read (JPEG, PNG, WebP, BMP or GIF).") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses sizes far past its own limit before we can read them.
        raise InvalidImageError(f"The image is too large (the limit is {MAX_PIXELS // 1_000_000} megapixels).") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise InvalidImageError(f"The image is damaged or truncated ({error}).") from None
    return image


def to_rgb_array(image: ImageInput) -> np.ndarray:
    """An upright ``(H, W, 3)`` uint8 RGB array, at most ``MAX_SIDE`` on its long side.

    Arrays are taken as RGB (3 channels), RGBA (4) or grayscale (2-D or 1 channel). Files have
    their EXIF orientation applied, transparency flattened onto white, and only their first frame
    read (GIF).
    """
    if isinstance(image, np.ndarray):
        array = _array_to_rgb(image)
    else:
        pil = image if isinstance(image, Image.Image) else _open(image)
        pil = ImageOps.exif_transpose(pil) or pil
        if pil.mode in ("RGBA", "LA", "PA") or (pil.mode == "P" and "transparency" in pil.info):
            rgba = pil.convert("RGBA")
            background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            pil = Image.alpha_composite(background, rgba)
        array = np.asarray(_to_8_bit(pil).convert("RGB"))
    height, width = array.shape[:2]
    size = _analysis_size(width, height)
    if size != (width, height):
        array = np.asarray(Image.fromarray(array).resize(size, Image.Resampling.BILINEAR))
    return np.ascontiguousarray(array)


def _analysis_size(width: int, height: int) -> tuple[int, int]:
    """(width, height) scaled to at most MAX_SIDE on the long side; refuses a size with less
    than MIN_SIDE on its short side, before or after that scaling (a 16x2,000,000 strip)."""
    scale = min(1.0, MAX_SIDE / max(width, height))
    size = (round(width * scale), round(height * scale))
    if min(size) < MIN_SIDE:
        what = "too small" if scale == 1.0 else "too narrow"
        raise InvalidImageError(f"The image is {what} ({width}x{height} pixels; faces need at least {MIN_SIDE}x{MIN_SIDE}).")
    return size


def _to_8_bit(image: Image.Image) -> Image.Image:
    """16-bit and 32-bit grayscale ("I;16", "I", "F") scaled to 8 bits: Pillow's own conversion
    clips every value over 255, turning a 16-bit photo white."""
    if image.mode not in ("I;16", "I;16B", "I;16L", "I", "F"):
        return image
    pixels = np.asarray(image, dtype=np.float64)
    top = 65535.0 if image.mode.startswith("I;16") or pixels.max(initial=0) > 255 else 255.0
    return Image.fromarray(np.clip(pixels * (255.0 / top), 0, 255).round().astype(np.uint8), "L")


def _array_to_rgb(array: np.ndarray) -> np.ndarray:
    if array.dtype != np.uint8:
        raise InvalidImageError(f"Image arrays must be uint8, not {array.dtype}.")
    if array.ndim == 2:
        return np.repeat(array[..., None], 3, axis=2)
    if array.ndim == 3 and array.shape[2] == 1:
        return np.repeat(array, 3, axis=2)
    if array.ndim == 3 and array.shape[2] == 3:
        return array
    if array.ndim == 3 and array.shape[2] == 4:
        alpha = array[..., 3:4].astype(np.float32) / 255
        return (array[..., :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    raise InvalidImageError(f"Image arrays must be (H, W), (H, W, 1), (H, W, 3) or (H, W, 4), not {array.shape}.")


def encode_jpeg(array: np.ndarray, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
