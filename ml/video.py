"""Reading recorded videos: probe a file, then stream upright RGB frames at N samples a second.

Decoding is PyAV's (the ``av`` wheel, which bundles its own FFmpeg). It was compared with
OpenCV's FFmpeg backend (``cv2.VideoCapture``, in the opencv wheel already shipped) by
``python -m ml.bench_video --decoder both``; PyAV won on what a long, user-supplied file needs
(figures in ``ml/README.md``):

- every frame carries its own timestamp, so variable-frame-rate phone videos are sampled by time,
  not by frame count times an average rate;
- a seek lands on the keyframe before a time, so an interrupted job resumes where it stopped;
- a damaged file raises an error that says so (OpenCV returns ``False`` for "end of file" and
  "broken" alike), and an audio-only file is told from a file that is no video at all;
- frames are scaled (swscale) and converted to RGB in one step, only for the sampled frames.

Both honour the rotation metadata of phone videos (OpenCV since 4.5 by default; here from the
frame's display matrix). Nothing holds more than one decoded frame: memory does not grow with the
file's length.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Frames are analysed on a copy at most this large on the long side: a 4K video costs what a
# 720p one does, and faces of an interview (a tenth of the picture's height or more) stay larger
# than the detector's smallest face.
ANALYSIS_MAX_SIDE = 1280
# The smallest face a video job looks for (in the analysed copy's pixels). Interview and talk
# footage frames faces larger than this; searching for the live camera's 25 px faces costs twice
# the time per frame (a 640x480 frame searched at 461x346 instead of 320x240).
VIDEO_MIN_FACE = 36
DEFAULT_SAMPLES_PER_SECOND = 5.0
MAX_SAMPLES_PER_SECOND = 30.0
# A stream shorter than this has no picture worth analysing (a still image stored as a video).
MIN_SIDE = 16


class InvalidVideoError(ValueError):
    """The file is not a video we can analyse; the message says why, in plain words."""


@dataclass(frozen=True)
class VideoInfo:
    duration_s: float  # 0.0 when the container does not say (some WebM files); known after decoding.
    fps: float  # The average frame rate (a variable-rate file's frames are sampled by time anyway).
    width: int  # Upright, after the rotation metadata is applied.
    height: int
    rotation: int  # Degrees clockwise the stored frames are turned to show them upright.
    codec: str
    container: str
    has_audio: bool

    def to_dict(self) -> dict:
        return {
            "duration_s": round(self.duration_s, 3), "fps": round(self.fps, 3), "width": self.width,
            "height": self.height, "rotation": self.rotation, "codec": self.codec,
            "container": self.container, "has_audio": self.has_audio,
        }


def _open(path: str | Path):
    import av

    path = Path(path)
    if not path.exists():
        raise InvalidVideoError("The file is missing.")
    if path.stat().st_size == 0:
        raise InvalidVideoError("The file is empty.")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.error.InvalidDataError:
        raise InvalidVideoError("This is not a video file we can read (or it is damaged or incomplete).") from None
    except av.error.FFmpegError as error:
        raise InvalidVideoError(f"The video could not be opened ({error.strerror or 'unreadable'}).") from None
    if not container.streams.video:
        has_audio = bool(container.streams.audio)
        container.close()
        raise InvalidVideoError("The file has sound but no picture (audio only)." if has_audio
                                else "The file has no video track.")
    return container


def probe(path: str | Path) -> VideoInfo:
    """What the file says about itself; raises :class:`InvalidVideoError` for an unusable file.

    The rotation is read from the first decoded frame (FFmpeg attaches the display matrix there),
    which also proves the video track decodes at all.
    """
    container = _open(path)
    try:
        stream = container.streams.video[0]
        first = _first_frame(container, stream)
        rotation = _frame_rotation(first)
        width, height = first.width, first.height
        if rotation in (90, 270):
            width, height = height, width
        if min(width, height) < MIN_SIDE:
            raise InvalidVideoError(f"The picture is too small ({width}x{height} pixels).")
        duration = 0.0
        if stream.duration is not None and stream.time_base:
            duration = float(stream.duration * stream.time_base)
        elif container.duration:
            duration = container.duration / 1_000_000
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        return VideoInfo(
            duration_s=max(duration, 0.0), fps=float(rate) if rate else 0.0, width=width, height=height,
            rotation=rotation, codec=stream.codec_context.name, container=container.format.name,
            has_audio=bool(container.streams.audio),
        )
    finally:
        container.close()


def _first_frame(container, stream):
    import av

    try:
        for frame in container.decode(stream):
            return frame
    except av.error.FFmpegError:
        raise InvalidVideoError("The video is damaged: its first frame cannot be decoded.") from None
    raise InvalidVideoError("The video has no frames.")


def _frame_rotation(frame) -> int:
    # PyAV gives the display matrix's angle counter-clockwise (FFmpeg's convention, -90 for a
    # phone held upright); turning the picture clockwise by its negation shows it upright.
    return int(round(-float(getattr(frame, "rotation", 0) or 0))) % 360


def analysis_size(width: int, height: int, max_side: int = ANALYSIS_MAX_SIDE) -> tuple[int, int]:
    """``(width, height)`` scaled so the long side is at most ``max_side`` (even numbers)."""
    scale = min(1.0, max_side / max(width, height))
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def _upright(rgb: np.ndarray, rotation: int) -> np.ndarray:
    if rotation == 0:
        return rgb
    # np.rot90 turns counter-clockwise for positive k.
    return np.ascontiguousarray(np.rot90(rgb, k=-(rotation // 90)))


def sample_frames(path: str | Path, *, per_second: float = DEFAULT_SAMPLES_PER_SECOND, start_s: float = 0.0,
                  max_side: int = ANALYSIS_MAX_SIDE, max_duration_s: float | None = None,
                  ) -> Iterator[tuple[float, np.ndarray]]:
    """``(seconds, upright RGB frame)`` at ``per_second`` samples a second of the video's own clock.

    Samples fall on the grid ``0, 1/per_second, 2/per_second, ...``: each is the first frame at or
    after its time, so a variable frame rate is sampled evenly, and a job resumed from
    ``start_s`` (a checkpoint from :func:`next_sample_time`) yields the frames it would have
    yielded had it never stopped. Frames are scaled so
    the long side is at most ``max_side``; only sampled frames are converted to RGB. Raises
    :class:`InvalidVideoError` on a file that cannot be read, damage in the middle, or a video
    longer than ``max_duration_s``.
    """

    if not 0 < per_second <= MAX_SAMPLES_PER_SECOND:
        raise ValueError(f"per_second must be in (0, {MAX_SAMPLES_PER_SECOND}]")
    container = _open(path)
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"  # Frame and slice threads: decoding is the only CPU work here.
    origin = float(stream.start_time * stream.time_base) if stream.start_time is not None else 0.0
    try:
        if start_s > 0:
            container.seek(int((start_s + origin) / stream.time_base), stream=stream, backward=True)
        next_time = math.ceil(start_s * per_second - 1e-6) / per_second
        size = None
        yielded = 0
        for frame in _decode(container, stream):
            if frame.pts is None:
                continue
            seconds = float(frame.pts * stream.time_base) - origin
            if max_duration_s is not None and seconds > max_duration_s:
                raise InvalidVideoError(f"The video is longer than the limit ({max_duration_s / 60:g} minutes).")
            if seconds + 1e-6 < next_time:
                continue
            rotation = _frame_rotation(frame)
            if size is None:
                size = analysis_size(frame.width, frame.height, max_side)
            rgb = frame.to_ndarray(format="rgb24", width=size[0], height=size[1])
            yield round(seconds, 4), _upright(rgb, rotation)
            yielded += 1
            # A gap of several intervals skips their points.
            next_time = next_sample_time(seconds, per_second)
        if yielded == 0 and start_s == 0:
            raise InvalidVideoError("The video has no frames.")
    finally:
        container.close()


def next_sample_time(seconds: float, per_second: float) -> float:
    """The first point of the sampling grid after a frame at ``seconds``."""
    return (math.floor(seconds * per_second + 1e-6) + 1) / per_second


def _decode(container, stream):
    import av

    iterator = container.decode(stream)
    while True:
        try:
            frame = next(iterator)
        except StopIteration:
            return
        except av.error.FFmpegError as error:
            raise InvalidVideoError(f"The video is damaged and cannot be read to the end ({error.strerror}).") from None
        yield frame
