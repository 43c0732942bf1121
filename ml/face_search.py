"""Where to look for faces: the copies of an image a detector searches, and which parts of them.

A live camera frame is searched in one pass over a copy sized for speed. A photo is searched as
a pyramid whose finer levels are searched only where the photo has a face's contrast, so faces
from MIN_FACE px up are found in photos up to 2048 px without searching a plain wall or sky,
and the finest level has a pixel budget. ``python -m ml.bench_large`` measures it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

# The smallest face searched for, in pixels of the image: uploaded photos are searched for faces
# from MIN_FACE px up, everywhere; live camera frames (where a face is close to the camera and every
# millisecond counts) from LIVE_MIN_FACE px up, in one pass over the whole frame.
MIN_FACE = 24
LIVE_MIN_FACE = 25

# Live frames. On composed FER scenes YuNet finds faces from about YUNET_SMALLEST px in the copy
# it searches, so a frame is searched once, on a copy scaled by YUNET_SMALLEST / min_face (0.72:
# a 640x480 frame is searched at 461x346). The copy's resolution matters beyond the smallest face:
# on composed scenes, whose faces are all 160-200 px, YuNet finds 87 % of them at 0.5, 90 % at
# 0.6, 93-94 % at 0.7-0.75 and 96 % at 1.0, for 6, 11, 16-19 and 31 ms a frame
# (ml.bench_detection --live --min-face); the live copy keeps recall above 92 % and finds no face in
# scikit-image's face-free photos (at 0.69 a coffee cup scores 0.6). Its anchors stop near
# 256 px, so a large image also gets one coarse pass at DETECTION_SIDE px for faces that fill it.
YUNET_SMALLEST = 18
DETECTION_SIDE = 320

# Photos. Real faces (not FER's enlarged ones) are found reliably only from about RELIABLE_FACE px
# in the searched copy: of real faces under 40 px, YuNet finds 62 % in a 0.75x copy, 84 % at 1.0x,
# 91 % at 1.25x, 97 % at 1.5x and all at 2.0x (python -m ml.bench_large). So a photo is searched
# as a pyramid: the finest level scaled by RELIABLE_FACE / min_face (1.5 for 24 px faces, at most
# MAX_UPSCALE), each next one at half the scale, down to the first level whose copy has at most
# WHOLE_SEARCH_PIXELS: that level, which finds every larger face, is searched whole. The finer
# levels are searched only where the photo has the contrast of a face (GATE_CONTRAST), in tiles
# of SEARCH_TILE px of the copy: a plain wall or sky costs nothing, a textured area is searched.
RELIABLE_FACE = 36
MAX_UPSCALE = 2.0
WHOLE_SEARCH_PIXELS = 800 * 600
SEARCH_TILE = 256
# The finest level searches at most this many pixels of its copy: where a photo's textured area
# needs more (a 2048x1536 photo busy everywhere would need 7 MP at 1.5x), that level is searched
# at the scale that fits (1.0x there). A photo's search so stays under about 5.5 MP of copies
# (a full search of a busy 2048 px photo: 9.4 MP) and photos up to about 1400 px, or larger ones
# with plain areas, are searched in full; the price is recall of the smallest faces in large,
# busy photos (see RELIABLE_FACE).
FINEST_SEARCH_PIXELS = 3_000_000
# Small uploads. A photo whose full-size copy has at most WHOLE_SEARCH_PIXELS (640x480, 800x600)
# but whose 1.5x copy has more is searched whole at full size (and, for a face filling it, at
# DETECTION_SIDE px) instead of a gated 1.5x level over a whole 0.75x copy: 0.38 MP of copies
# instead of up to 0.86 MP for 640x480, so an upload's analyze stays near 60 ms on one thread,
# and the scenes' 160-200 px faces are found better at 1.0x than at 0.75x. The price: faces of
# 24-40 px in such a photo are found about 84 % of the time instead of 97 % (ml.bench_large's
# recall by scale). Photos from about 800x600 up keep the pyramid, so small faces in large photos
# are found as before.
SMALL_UPLOAD_SCALE = 1.0
# A face-sized window is worth searching when its pixels' standard deviation reaches this: the
# sharpest face-sized window of each real face measured 25.9 or more (1st percentile 27, median 50,
# python -m ml.bench_large), while a plain wall's sensor noise and an evenly lit sky measure a few.
GATE_CONTRAST = 14.0


@dataclass(frozen=True)
class SearchPass:
    """One copy of the image to search: its scale and, for a gated pass, the smallest face it is
    for (it is then searched only where a window of that size has a face's contrast); a pass
    with ``gated_for=None`` searches the whole copy."""

    scale: float
    gated_for: int | None = None


def search_plan(height: int, width: int, min_face: int, *, live: bool = False) -> list[SearchPass]:
    """The copies to search for faces from ``min_face`` px up, finest first.

    A live frame: one whole copy (at most full size), fine enough for ``min_face``. A photo: the
    pyramid described at RELIABLE_FACE, gated levels first; a small upload one whole full-size
    copy (SMALL_UPLOAD_SCALE). Both add a coarse copy when the image
    is so large that a face filling it would be beyond the other copies' reach.
    """
    if live:
        passes = [SearchPass(min(1.0, YUNET_SMALLEST / max(1, min_face)))]
    else:
        passes = []
        scale = min(MAX_UPSCALE, RELIABLE_FACE / max(1, min_face))
        if height * width * scale * scale > WHOLE_SEARCH_PIXELS >= height * width * SMALL_UPLOAD_SCALE**2:
            scale = min(scale, SMALL_UPLOAD_SCALE)
        while height * width * scale * scale > WHOLE_SEARCH_PIXELS:
            passes.append(SearchPass(scale, gated_for=round(RELIABLE_FACE / scale)))
            scale /= 2
        passes.append(SearchPass(scale))
    coarse = min(1.0, DETECTION_SIDE / max(height, width))
    if coarse < passes[-1].scale / 1.5:
        passes.append(SearchPass(coarse))
    return passes


def face_contrast(gray: np.ndarray, smallest: float) -> tuple[np.ndarray, float]:
    """``(contrast, cell)``: the standard deviation of every window the size of a ``smallest`` px
    face, on a grid of cells of ``cell`` px (a quarter of that face). The measure the gate
    compares with GATE_CONTRAST."""
    cell = smallest / 4
    height, width = gray.shape[:2]
    cols, rows = max(1, math.ceil(width / cell)), max(1, math.ceil(height / cell))
    small = cv2.resize(gray, (cols, rows), interpolation=cv2.INTER_AREA).astype(np.float32)
    mean = cv2.boxFilter(small, -1, (4, 4))
    square = cv2.boxFilter(small * small, -1, (4, 4))
    return np.sqrt(np.maximum(square - mean * mean, 0)), cell


def windows_area(windows: list[tuple[int, int, int, int]]) -> int:
    """The pixels of the image that ``(x0, y0, x1, y1)`` parts cover, added up."""
    return sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in windows)


class _TextureGrid:
    """Where a photo has a face's contrast for faces from ``smallest`` px, outside ``covered``
    boxes, counted so that any rectangle is asked in constant time."""

    def __init__(self, gray: np.ndarray, smallest: int, covered: list[tuple[int, int, int, int]]):
        self.height, self.width = gray.shape[:2]
        self.smallest = smallest
        contrast, self.cell = face_contrast(gray, smallest)
        self.rows, self.cols = contrast.shape
        textured = (contrast >= GATE_CONTRAST).astype(np.uint8)
        cell = self.cell
        for x, y, w, h in covered:  # No face of this size hides inside a face already found.
            textured[math.ceil(y / cell):int((y + h) / cell), math.ceil(x / cell):int((x + w) / cell)] = 0
        self.counts = cv2.integral(textured)  # counts[r, c]: textured cells above and left of (r, c).

    def has_contrast(self, x0: float, y0: float, x1: float, y1: float) -> bool:
        c0, r0 = int(x0 / self.cell), int(y0 / self.cell)
        c1, r1 = min(self.cols, math.ceil(x1 / self.cell)), min(self.rows, math.ceil(y1 / self.cell))
        counts = self.counts
        return counts[r1, c1] - counts[r0, c1] - counts[r1, c0] + counts[r0, c0] > 0

    def windows(self, scale: float) -> list[tuple[int, int, int, int]]:
        """See :func:`textured_windows`."""
        height, width = self.height, self.width
        tile = SEARCH_TILE / scale
        reach = 2.5 * self.smallest
        windows: list[list[int]] = []
        open_windows: dict[tuple[int, int], list[int]] = {}  # Runs of the row above, by their columns.
        for y0 in np.arange(0, height, tile):
            y1 = min(height, math.ceil(y0 + tile + reach))
            runs, run_start = [], None
            for x0 in [*np.arange(0, width, tile), None]:
                if x0 is not None and self.has_contrast(x0, y0, x0 + tile + reach, y1):
                    run_start = x0 if run_start is None else run_start
                    run_end = min(width, math.ceil(x0 + tile + reach))
                elif run_start is not None:
                    runs.append((int(run_start), run_end))
                    run_start = None
            # A run under one of the same columns extends that part down, so a photo textured
            # everywhere is searched as one part, not as overlapping strips.
            continuing = {}
            for run in runs:
                if run in open_windows:
                    open_windows[run][3] = y1
                    continuing[run] = open_windows[run]
                else:
                    continuing[run] = [run[0], int(y0), run[1], y1]
                    windows.append(continuing[run])
            open_windows = continuing
        return [tuple(window) for window in windows]


def textured_windows(gray: np.ndarray, scale: float, smallest: int, *,
                     covered: list[tuple[int, int, int, int]] = ()) -> list[tuple[int, int, int, int]]:
    """The parts ``(x0, y0, x1, y1)`` of ``gray`` worth searching at ``scale`` for faces from
    ``smallest`` to twice that size.

    The image is cut into tiles of SEARCH_TILE px of the copy; a tile counts when a window the
    size of the smallest face (:func:`face_contrast`), anywhere from the tile to one largest face
    beyond it, has a standard deviation of GATE_CONTRAST or more. Runs of counted tiles become
    parts, reaching one largest face (with hair: 2.5 smallest faces) past their last tile, so a
    face that starts in a counted tile ends inside the part.
    """
    return _TextureGrid(gray, smallest, covered).windows(scale)


def gated_windows(gray: np.ndarray, search: SearchPass, *, covered: list[tuple[int, int, int, int]] = (),
                  budget: int | None = None) -> tuple[float, list[tuple[int, int, int, int]]]:
    """The scale and the parts of ``gray`` a gated pass searches: its :func:`textured_windows`,
    searched at a smaller scale if at its own they would add up to more than ``budget`` pixels
    of the copy (the photo's finest pass gets FINEST_SEARCH_PIXELS). The contrast is measured
    once for both."""
    grid = _TextureGrid(gray, search.gated_for, covered)
    scale = search.scale
    windows = grid.windows(scale)
    area = windows_area(windows) * scale**2
    if budget and area > budget:
        scale *= math.sqrt(budget / area)
        windows = grid.windows(scale)
    return scale, windows


def smallest_face(min_face: int | None, live: bool) -> int:
    """``min_face``, or the default smallest face for a live frame or a photo."""
    return min_face or (LIVE_MIN_FACE if live else MIN_FACE)
