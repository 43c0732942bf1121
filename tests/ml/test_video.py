"""ml.video on clips generated here (PyAV's encoder, scikit-image's astronaut)."""

import av
import numpy as np
import pytest

from ml.bench_video import set_mp4_rotation, write_audio_only, write_clip
from ml.video import InvalidVideoError, analysis_size, probe, sample_frames


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    return {
        "mp4": write_clip(folder / "clip.mp4", seconds=2, fps=30),
        "webm": write_clip(folder / "clip.webm", seconds=1, fps=25, codec="libvpx-vp9"),
        "phone": write_clip(folder / "phone.mp4", seconds=1, fps=30, rotation=-90),
        "folder": folder,
    }


def red_side(rgb: np.ndarray) -> str:
    """Which edge of the picture is reddest (the generated background is grey)."""
    redness = rgb[..., 0].astype(int) - rgb[..., 2].astype(int)
    h, w = redness.shape
    edges = {"left": redness[:, : w // 8], "right": redness[:, -w // 8 :], "top": redness[: h // 8], "bottom": redness[-h // 8 :]}
    return max(edges, key=lambda name: edges[name].mean())


def write_frames(path, frames, *, fps=30, pts_ms=None, codec="libx264", rotation=None):
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        if pts_ms is not None:
            from fractions import Fraction

            stream.codec_context.time_base = Fraction(1, 1000)
        for index, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            if pts_ms is not None:
                frame.pts = pts_ms[index]
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    if rotation is not None:
        set_mp4_rotation(path, rotation)
    return path


def test_it_probes_duration_rate_size_and_codec(clips):
    info = probe(clips["mp4"])

    assert info.duration_s == pytest.approx(2.0, abs=0.05)
    assert info.fps == pytest.approx(30)
    assert (info.width, info.height, info.rotation) == (640, 480, 0)
    assert info.codec == "h264" and not info.has_audio


def test_it_samples_five_frames_a_second_on_the_videos_clock(clips):
    times = [seconds for seconds, _ in sample_frames(clips["mp4"], per_second=5)]

    assert times == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8], abs=0.02)


def test_it_reads_webm(clips):
    frames = list(sample_frames(clips["webm"], per_second=2))

    assert len(frames) == 2 and frames[0][1].shape == (480, 640, 3)


def test_a_phone_video_is_turned_upright_by_its_rotation_metadata(tmp_path):
    landscape = np.full((120, 160, 3), 128, np.uint8)
    landscape[:, :40] = (255, 0, 0)  # Red on the left of the stored picture.
    path = write_frames(tmp_path / "phone.mp4", [landscape] * 3, rotation=-90)

    info = probe(path)
    _, first = next(sample_frames(path))

    assert (info.width, info.height, info.rotation) == (120, 160, 90)
    assert first.shape == (160, 120, 3)
    assert red_side(first) == "top"  # Turned clockwise a quarter, as OpenCV and players show it.


@pytest.mark.parametrize("stored, rotation", [(-90, 90), (90, 270), (180, 180)])
def test_rotation_metadata_is_applied_as_opencv_applies_it(tmp_path, stored, rotation):
    import cv2

    landscape = np.full((120, 160, 3), 128, np.uint8)
    landscape[:, :40] = (255, 0, 0)
    path = write_frames(tmp_path / "phone.mp4", [landscape] * 3, rotation=stored)

    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    try:
        opencv_rotation = capture.get(cv2.CAP_PROP_ORIENTATION_META)
        ok, bgr = capture.read()
    finally:
        capture.release()
    _, first = next(sample_frames(path))

    assert probe(path).rotation == opencv_rotation == rotation
    assert ok and first.shape == bgr.shape
    assert red_side(first) == red_side(bgr[..., ::-1])


def test_the_stored_rotation_is_the_matrix_pyav_18_has_ffmpeg_write(tmp_path):
    if not hasattr(av.video.stream.VideoStream, "set_display_rotation"):
        pytest.skip(f"PyAV {av.__version__} cannot have FFmpeg write a display matrix (PyAV 18 can)")
    frames = [np.zeros((64, 96, 3), np.uint8)] * 2
    native = tmp_path / "native.mp4"
    with av.open(str(native), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        stream.set_display_rotation(-90)
        for rgb in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        container.mux(stream.encode())

    def track_header(path):
        """The tkhd box's version and, for version 0, its matrix (40 bytes into the box's body)."""
        data = path.read_bytes()
        body = data.index(b"tkhd") + 4
        return data[body], data[body + 40 : body + 76]

    ours = track_header(write_frames(tmp_path / "ours.mp4", frames, rotation=-90))

    assert ours == track_header(native)
    assert ours != track_header(write_frames(tmp_path / "plain.mp4", frames))


def test_write_clip_stores_a_phones_rotation(clips):
    info = probe(clips["phone"])

    assert (info.width, info.height, info.rotation) == (480, 640, 90)


def test_rotation_is_stored_in_mp4_files_only(tmp_path):
    with pytest.raises(ValueError, match="MP4"):
        write_clip(tmp_path / "clip.webm", seconds=0.1, codec="libvpx-vp9", rotation=-90)
    webm = write_clip(tmp_path / "plain.webm", seconds=0.1, size=(64, 48), faces=1, codec="libvpx-vp9")
    with pytest.raises(ValueError, match="MP4"):
        set_mp4_rotation(webm, -90)


def test_a_variable_frame_rate_is_sampled_by_time(tmp_path):
    frames = [np.full((64, 64, 3), value, np.uint8) for value in range(0, 200, 10)]
    # 10 frames at 30 fps, a 2-second gap, then 10 frames at 10 fps.
    pts = [round(i * 1000 / 30) for i in range(10)] + [2300 + i * 100 for i in range(10)]
    path = write_frames(tmp_path / "vfr.mp4", frames, pts_ms=pts)

    times = [seconds for seconds, _ in sample_frames(path, per_second=5)]

    assert times == pytest.approx([0.0, 0.2, 2.3, 2.4, 2.6, 2.8, 3.0, 3.2], abs=0.02)


def test_resuming_from_a_time_yields_the_same_later_samples(clips):
    every = [seconds for seconds, _ in sample_frames(clips["mp4"], per_second=5)]
    resumed = [seconds for seconds, _ in sample_frames(clips["mp4"], per_second=5, start_s=1.2)]

    assert resumed == every[6:]


def test_a_4k_video_is_analysed_on_a_scaled_copy(tmp_path):
    path = write_frames(tmp_path / "4k.mp4", [np.zeros((2160, 3840, 3), np.uint8)] * 2)

    _, frame = next(sample_frames(path))

    assert probe(path).width == 3840
    assert frame.shape == (720, 1280, 3)
    assert analysis_size(3840, 2160) == (1280, 720)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"this is a text file renamed to .mp4\n" * 50, "not a video"),
    ],
)
def test_a_file_that_is_no_video_is_refused_clearly(tmp_path, content, message):
    path = tmp_path / "bad.mp4"
    path.write_bytes(content)

    with pytest.raises(InvalidVideoError, match=message):
        probe(path)


def test_a_truncated_video_is_refused_clearly(clips, tmp_path):
    data = clips["mp4"].read_bytes()
    path = tmp_path / "truncated.mp4"
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(InvalidVideoError, match="damaged or incomplete"):
        probe(path)


def test_an_audio_only_file_is_refused_clearly(tmp_path):
    path = write_audio_only(tmp_path / "voice.mp4")

    with pytest.raises(InvalidVideoError, match="audio only"):
        probe(path)


def test_a_video_over_the_duration_limit_stops_with_a_clear_message(clips):
    with pytest.raises(InvalidVideoError, match="longer than the limit"):
        list(sample_frames(clips["mp4"], max_duration_s=1.0))


def test_a_sampling_rate_out_of_range_is_a_programming_error(clips):
    with pytest.raises(ValueError, match="per_second"):
        next(sample_frames(clips["mp4"], per_second=0))
