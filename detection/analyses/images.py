"""Small image helpers for the pages (the analysis itself lives in ml/)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from django.db.models.fields.files import FieldFile
from PIL import Image, ImageDraw, ImageFont

from detection.core.presentation import HasBox, number_badge_radius

THUMBNAIL_SIZE = (320, 240)  # The history cards' 4:3 frame.


def thumbnail_jpeg(field: FieldFile, *, faces: Sequence[HasBox] = (), size: tuple[int, int] = THUMBNAIL_SIZE) -> bytes:
    """A JPEG filling ``size``, cropped around the faces (or the centre when there are none), so
    a card never cuts a face off. Stored images are already upright, metadata-free JPEGs (see
    detection.analyses.services)."""
    with field.open("rb") as stored, Image.open(stored) as image:
        full_width, full_height = image.size
        image.draft("RGB", (size[0] * 2, size[1] * 2))  # Lets the JPEG decoder skip most pixels.
        image = image.convert("RGB")
        scale = image.width / full_width
        box = _face_centred_box(image.size, size, [(f.x * scale, f.y * scale, f.w * scale, f.h * scale) for f in faces])
        image = image.resize(size, Image.Resampling.LANCZOS, box=box)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _face_centred_box(image_size: tuple[int, int], frame: tuple[int, int], faces: list[tuple[float, ...]]) -> tuple[float, ...]:
    """The largest region with the frame's aspect ratio, centred on the faces' bounding box
    and kept inside the image (so a face near an edge is not centred but still shown)."""
    width, height = image_size
    ratio = frame[0] / frame[1]
    crop_w, crop_h = (width, width / ratio) if width / height < ratio else (height * ratio, height)
    if faces:
        left = min(x for x, _, _, _ in faces)
        top = min(y for _, y, _, _ in faces)
        right = max(x + w for x, _, w, _ in faces)
        bottom = max(y + h for _, y, _, h in faces)
        centre_x, centre_y = (left + right) / 2, (top + bottom) / 2
    else:
        centre_x, centre_y = width / 2, height / 2
    x0 = min(max(0.0, centre_x - crop_w / 2), width - crop_w)
    y0 = min(max(0.0, centre_y - crop_h / 2), height - crop_h)
    return (x0, y0, x0 + crop_w, y0 + crop_h)


def numbered_jpeg(field: FieldFile, *, faces: Sequence, palette: Mapping[str, tuple[int, int, int]]) -> bytes:
    """The annotated image with each face's number on a disc at its top-left corner, as the
    result page shows it: what "Download the marked image" gives. ``faces`` carry ``number``
    (see detection.core.presentation.faces_in_reading_order) and ``dominant_emotion``."""
    with field.open("rb") as stored, Image.open(stored) as image:
        image = image.convert("RGB")
        radius = number_badge_radius(width=image.width, height=image.height)
        font = ImageFont.load_default(size=round(radius * 1.2))
        draw = ImageDraw.Draw(image)
        for face in faces:
            centre = (face.x, face.y)
            bounds = (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius)
            draw.ellipse(bounds, fill=palette.get(face.dominant_emotion, (33, 37, 41)), outline=(255, 255, 255), width=max(2, radius // 6))
            draw.text(centre, str(face.number), fill=(255, 255, 255), font=font, anchor="mm")
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()
