"""A phone video, uploaded through the API: its camera stores the picture sideways and says in
its rotation metadata how to turn it upright. The platform must store the upright size and find
the faces, with boxes inside the upright frame, where the person is."""

from fractions import Fraction

import av
import numpy as np
import pytest

from detection.models import Video
from detection.videos.services import video_run
from ml.bench_video import clip_frames, set_mp4_rotation
from tests.detection.videos.conftest import video_upload

pytestmark = pytest.mark.slow

UPRIGHT_WIDTH, UPRIGHT_HEIGHT = 480, 640  # A portrait video, as the phone was held.


def write_phone_clip(path, *, seconds: float = 2, fps: int = 15) -> bytes:
    """A portrait clip of one moving head, stored as a phone stores it: the pixels turned a quarter
    counter-clockwise (landscape, the head lying on its side) with display-matrix metadata (-90:
    turn clockwise) that puts them upright again."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height = UPRIGHT_HEIGHT, UPRIGHT_WIDTH
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "veryfast", "crf": "23"}
        for upright in clip_frames(seconds, fps, UPRIGHT_WIDTH, UPRIGHT_HEIGHT, faces=1):
            stored = np.ascontiguousarray(np.rot90(upright, k=1))
            container.mux(stream.encode(av.VideoFrame.from_ndarray(stored, format="rgb24")))
        container.mux(stream.encode())
    set_mp4_rotation(path, -90)  # As ml.bench_video.write_clip does: on every PyAV, 17 (CPython 3.10) too.
    return path.read_bytes()


@pytest.fixture(scope="module")
def phone_mp4(tmp_path_factory) -> bytes:
    return write_phone_clip(tmp_path_factory.mktemp("phone") / "phone.mp4")


def head_box(seconds: float, fps: int = 15) -> tuple[int, int, int, int]:
    """Where the generated head is in the upright picture at ``seconds`` (x, y, w, h): the one
    region that is not the background's plain horizontal gradient."""
    frames = clip_frames(seconds + 1 / fps, fps, UPRIGHT_WIDTH, UPRIGHT_HEIGHT, faces=1)
    frame = list(frames)[round(seconds * fps)].astype(int)
    background = np.linspace(60, 140, UPRIGHT_WIDTH, dtype=np.uint8).astype(int)[None, :, None]
    rows, columns = np.nonzero(np.abs(frame - background).max(axis=2) > 10)
    return columns.min(), rows.min(), columns.max() - columns.min() + 1, rows.max() - rows.min() + 1


def test_a_phone_video_is_stored_upright_with_its_faces_inside_the_upright_frame(alice_api, phone_mp4, settings):
    settings.VIDEO_SAMPLES_PER_SECOND = 2.0
    response = alice_api.post("/api/v1/videos/", {"file": video_upload(phone_mp4, "phone.mp4")}, format="multipart")
    assert response.status_code == 202, response.json()
    uploaded = response.json()
    # The upright size from the start (the pixels are stored 640x480).
    assert (uploaded["width"], uploaded["height"], uploaded["rotation"]) == (UPRIGHT_WIDTH, UPRIGHT_HEIGHT, 90)

    video = video_run(video_id=uploaded["id"])  # What the queued task runs.

    assert video.status == Video.Status.DONE, video.error
    assert (video.width, video.height) == (UPRIGHT_WIDTH, UPRIGHT_HEIGHT)
    assert (video.analysis_width, video.analysis_height) == (UPRIGHT_WIDTH, UPRIGHT_HEIGHT)
    faces = list(video.faces.all())
    # Sideways, the head would not be found at all: upright, it is, in (nearly) every sample.
    assert video.person_count >= 1 and len(faces) >= 3
    for face in faces:
        assert face.x >= 0 and face.x + face.w <= video.analysis_width
        assert face.y >= 0 and face.y + face.h <= video.analysis_height
        # The face's centre lies on the generated head, where it is in the upright picture.
        x, y, w, h = head_box(face.seconds)
        assert x <= face.x + face.w / 2 <= x + w and y <= face.y + face.h / 2 <= y + h, (face.seconds, face.x, face.y)
    detail = alice_api.get(f"/api/v1/videos/{video.pk}/").json()
    assert (detail["analysis_width"], detail["analysis_height"]) == (UPRIGHT_WIDTH, UPRIGHT_HEIGHT)
