"""The shipped model, through the one entry point, on a real photo."""

import threading

import cv2
import numpy as np
import pytest

import ml
from ml.emotions import EMOTIONS


@pytest.fixture(scope="module")
def astronaut_result(astronaut_jpeg):
    return ml.analyze(astronaut_jpeg)


def test_the_astronaut_photo_has_one_happy_face(astronaut_result):
    assert len(astronaut_result.faces) == 1
    face = astronaut_result.faces[0]
    assert face.dominant == "happy"
    assert set(face.probabilities) == set(EMOTIONS)
    assert sum(face.probabilities.values()) == pytest.approx(1.0, abs=1e-4)
    # The face is in the upper middle of the 512x512 photo.
    assert 120 < face.box.x + face.box.w / 2 < 320 and face.box.y < 200


def test_a_happy_face_scores_low_stress(astronaut_result):
    assert 0.0 <= astronaut_result.stress < 0.3
    assert astronaut_result.stress_level == "low"


def test_the_result_serialises_with_every_figure(astronaut_result):
    data = astronaut_result.to_dict()

    assert data["width"] == 512 and data["height"] == 512
    assert data["dominant"] == "happy"
    assert set(data["faces"][0]) == {"box", "detection_score", "probabilities", "dominant", "confidence", "stress"}
    assert 0.5 <= data["faces"][0]["detection_score"] <= 1.0
    assert data["model_version"]
    assert data["detector"] == astronaut_result.detector in {"yunet", "blazeface"}


def test_the_annotated_image_draws_on_a_copy(astronaut_result):
    annotated = astronaut_result.annotated()

    assert annotated.shape == astronaut_result.image.shape
    assert (annotated != astronaut_result.image).any()
    assert astronaut_result.annotated_jpeg()[:2] == b"\xff\xd8"


def test_an_image_without_a_face_has_no_faces():
    result = ml.analyze(np.full((240, 320, 3), 200, np.uint8))

    assert result.faces == []
    assert result.dominant is None
    assert result.stress is None  # No face counts: no stress reading (ml.headline).


def test_several_faces_are_classified_in_one_batch(astronaut_jpeg):
    from skimage import data

    photo = data.astronaut()
    pair = np.concatenate([photo, photo], axis=1)  # Two copies of the face side by side.

    result = ml.analyze(pair)

    assert len(result.faces) == 2
    assert [face.dominant for face in result.faces] == ["happy", "happy"]


def test_the_analyzer_is_safe_to_share_between_threads(astronaut_jpeg, astronaut_result):
    outcomes = []

    def work():
        outcomes.append(ml.analyze(astronaut_jpeg).faces[0].probabilities["happy"])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == pytest.approx([astronaut_result.faces[0].probabilities["happy"]] * 4, abs=1e-5)


def test_bad_input_raises_the_documented_error():
    with pytest.raises(ml.InvalidImageError):
        ml.analyze(b"not an image")


def test_the_analyzer_with_blazeface_gives_the_same_shape_of_result(astronaut_jpeg, astronaut_result):
    from ml.faces import BlazeFaceDetector
    from ml.pipeline import Analyzer, get_analyzer

    result = Analyzer(get_analyzer().classifier, BlazeFaceDetector()).analyze(astronaut_jpeg)

    assert result.detector == "blazeface"
    assert len(result.faces) == 1 and result.faces[0].dominant == "happy"
    assert set(result.to_dict()) == set(astronaut_result.to_dict())
    assert set(result.to_dict()["faces"][0]) == set(astronaut_result.to_dict()["faces"][0])


def test_live_frames_search_a_smaller_copy_and_still_find_a_camera_face():
    from skimage import data

    from ml.face_search import LIVE_MIN_FACE, MIN_FACE, search_plan

    (live,) = search_plan(480, 640, LIVE_MIN_FACE, live=True)
    assert live.gated_for is None and live.scale < search_plan(480, 640, MIN_FACE)[0].scale  # The upload's finest copy.
    canvas = np.full((480, 640, 3), 170, np.uint8)
    canvas[200:360, 300:460] = cv2.resize(data.astronaut(), (160, 160), interpolation=cv2.INTER_AREA)  # ~30 px face.

    (face,) = ml.analyze(canvas, live=True).faces
    assert 300 <= face.box.x < face.box.x + face.box.w <= 460


def test_a_small_face_in_a_large_photo_is_found():
    from skimage import data

    canvas = np.full((1536, 2048, 3), 180, np.uint8)
    canvas[700:1212, 1200:1712] = data.astronaut()  # A ~100 px face in a 2048 px wide photo.

    result = ml.analyze(canvas)

    assert len(result.faces) == 1
    assert 1300 < result.faces[0].box.x + result.faces[0].box.w / 2 < 1500


def test_options_newer_keras_writes_are_dropped_only_at_their_defaults():
    from ml.model_io import _without_newer_keras_options

    config = {"layers": [{"config": {"renorm": False, "renorm_momentum": 0.5, "quantization_config": None, "units": 8,
                                     "kernel_initializer": {"config": {"seed": None, "input_axes": None}}}}]}

    assert _without_newer_keras_options(config) == {
        "layers": [{"config": {"renorm_momentum": 0.5, "units": 8, "kernel_initializer": {"config": {"seed": None}}}}]
    }
