"""Live frames before they are decoded: their size in pixels, read from the JPEG header.

A frame's bytes say little about its cost: a 465 KB JPEG of 6200x6400 pixels takes about a
second of CPU to decode and analyse. A camera frame is at most a few megapixels, so the consumer
refuses anything larger from the header alone (LIVE_MAX_FRAME_PIXELS), before any decoding.
"""

from __future__ import annotations

JPEG_MAGIC = b"\xff\xd8\xff"
# Start-of-frame markers carry the image's size: SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers with no length field: TEM, RST0-7, SOI.
_STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8), 0xD8})


def jpeg_dimensions(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a JPEG's start-of-frame header, without decoding anything; None
    when the bytes are not a JPEG or end before the header."""
    if not data.startswith(JPEG_MAGIC):
        return None
    position, end = 2, len(data)
    while position + 4 <= end:
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # A fill byte before the marker.
            position += 1
            continue
        if marker in _STANDALONE_MARKERS:
            position += 2
            continue
        if marker in (0xD9, 0xDA):  # End of image, or the scan began without a frame header.
            return None
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if length < 2:
            return None
        if marker in _SOF_MARKERS:
            if position + 9 > end:
                return None
            height = int.from_bytes(data[position + 5 : position + 7], "big")
            width = int.from_bytes(data[position + 7 : position + 9], "big")
            return width, height
        position += 2 + length
    return None
