"""Small image helpers for the pages (the analysis itself lives in ml/)."""

from __future__ import annotations

import io

from django.db.models.fields.files import FieldFile
from PIL import Image

THUMBNAIL_SIZE = 320


def thumbnail_jpeg(field: FieldFile, *, size: int = THUMBNAIL_SIZE) -> bytes:
    """A JPEG at most ``size`` pixels on its long side. Stored images are already upright,
    metadata-free JPEGs (see detection.services), so this only scales."""
    with field.open("rb") as stored, Image.open(stored) as image:
        image.draft("RGB", (size, size))  # Lets the JPEG decoder skip most of the pixels.
        image = image.convert("RGB")
        image.thumbnail((size, size))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()
