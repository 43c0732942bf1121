"""Video benchmark: figures, not tests.

    python -m ml.bench_video [--decoder av|opencv|both] [--seconds 60] [--size 640x480] [--fps 30]
                             [--per-second 5] [--threads 2] [--clip FILE]

Generates a clip with two moving faces (scikit-image's astronaut, and her mirror image in grey)
unless ``--clip`` names one, then for each decoder: decode ms per frame (every frame decoded, the
sampled ones converted to RGB), analysis ms per sampled frame (``ml.analyze`` as a video job
calls it), the whole job's wall time (decode + analysis + tracking), the peak memory, and one
JSON line with every figure. The job's CPU time is printed beside its wall time: on a machine
shared with other work, wall time says more about the neighbours than about the job.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import struct
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np


def face_sprites(height: int) -> list[np.ndarray]:
    """Two head-and-shoulders sprites ``height`` px tall: the astronaut, and her mirror in grey."""
    import cv2
    from skimage import data

    head = data.astronaut()[0:300, 110:370]  # Her head with some hair, collar and background.
    width = round(head.shape[1] * height / head.shape[0])
    first = cv2.resize(head, (width, height), interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(cv2.cvtColor(first[:, ::-1], cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    return [first, np.ascontiguousarray(grey)]


def clip_frames(seconds: float, fps: float, width: int, height: int, faces: int = 2) -> Iterator[np.ndarray]:
    """RGB frames of a clip where ``faces`` (1 or 2) heads drift left and right in their own half."""
    sprites = face_sprites(int(height * 0.45))[:faces]
    background = np.zeros((height, width, 3), np.uint8)
    background[:] = np.linspace(60, 140, width, dtype=np.uint8)[None, :, None]
    lane = width // len(sprites)
    for index in range(int(round(seconds * fps))):
        t = index / fps
        frame = background.copy()
        for number, sprite in enumerate(sprites):
            h, w = sprite.shape[:2]
            room = max(lane - w, 0)
            x = number * lane + int(room * (0.5 + 0.5 * math.sin(t * 0.9 + number * 2)))
            y = int((height - h) * (0.3 + 0.2 * math.sin(t * 0.5 + number)))
            frame[y:y + h, x:x + w] = sprite
        yield frame


def write_clip(path: str | Path, *, seconds: float = 60, fps: float = 30, size: tuple[int, int] = (640, 480),
               faces: int = 2, codec: str = "libx264", rotation: int | None = None) -> Path:
    """Encode a generated clip (H.264 in MP4 by default; ``codec="libvpx-vp9"`` with a .webm path).

    ``rotation`` stores display-matrix metadata as a phone does (counter-clockwise degrees, FFmpeg's
    convention), without turning the pixels: MP4 only (see :func:`set_mp4_rotation`)."""
    from fractions import Fraction

    import av

    path = Path(path)
    if rotation is not None and path.suffix.lower() not in (".mp4", ".mov"):
        raise ValueError("rotation metadata is written into MP4/MOV files only")
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=Fraction(fps).limit_denominator(1001))
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        if codec == "libx264":
            stream.options = {"preset": "veryfast", "crf": "23"}
        for rgb in clip_frames(seconds, fps, *size, faces=faces):
            container.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        container.mux(stream.encode())
    if rotation is not None:
        set_mp4_rotation(path, rotation)
    return path


def set_mp4_rotation(path: str | Path, degrees: float) -> None:
    """Store a display matrix turning the picture ``degrees`` counter-clockwise (FFmpeg's convention;
    a phone held upright writes -90) in an MP4/MOV file's video track header, in place.

    The matrix is the one FFmpeg's MP4 muxer writes for PyAV 18's
    ``VideoStream.set_display_rotation``; PyAV 17, the last release for CPython 3.10, cannot
    give the muxer one (and FFmpeg 8 ignores the old ``rotate`` tag), so clips are written first
    and patched here, the same way on every PyAV. Raises ``ValueError`` when no video track is found.
    """
    radians = math.radians(degrees)
    cos, sin = round(math.cos(radians) * 65536), round(math.sin(radians) * 65536)
    # a b u / c d v / x y w: a-d and x, y are 16.16 fixed point, u, v, w 2.30 (ISO/IEC 14496-12).
    matrix = struct.pack(">9i", cos, -sin, 0, sin, cos, 0, 0, 0, 1 << 30)
    patched = 0
    with open(path, "r+b") as file:
        end = file.seek(0, 2)
        for moov, moov_end in _mp4_boxes(file, 0, end, b"moov"):
            for trak, trak_end in _mp4_boxes(file, moov, moov_end, b"trak"):
                for tkhd, _ in _mp4_boxes(file, trak, trak_end, b"tkhd"):
                    file.seek(tkhd)
                    version = file.read(1)[0]
                    # Version, flags, times, track id and duration (32- or 64-bit times), then
                    # 8 reserved bytes, layer, group, volume and 2 reserved bytes; the matrix;
                    # then width and height, 0 x 0 on a sound track.
                    at = tkhd + (40 if version == 0 else 52)
                    file.seek(at + 36)
                    width, height = struct.unpack(">II", file.read(8))
                    if width and height:
                        file.seek(at)
                        file.write(matrix)
                        patched += 1
    if not patched:
        raise ValueError(f"{path} has no MP4 video track header to store a rotation in")


def _mp4_boxes(file, start: int, end: int, kind: bytes) -> list[tuple[int, int]]:
    """``(body start, box end)`` of the boxes named ``kind`` between ``start`` and ``end``."""
    found = []
    while start + 8 <= end:
        file.seek(start)
        size, name = struct.unpack(">I4s", file.read(8))
        header = 8
        if size == 1:  # A 64-bit size follows the name.
            size, header = struct.unpack(">Q", file.read(8))[0], 16
        elif size == 0:  # The last box, to the end of its parent.
            size = end - start
        if size < header or start + size > end:
            raise ValueError("not an MP4 file, or a damaged one")
        if name == kind:
            found.append((start + header, start + size))
        start += size
    return found


def write_audio_only(path: str | Path, seconds: float = 0.5) -> Path:
    """An MP4 with an AAC track of silence and no picture (a voice memo)."""
    import av

    path = Path(path)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=44100)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        frame.sample_rate = 44100
        for index in range(int(seconds * 44100 / 1024) + 1):
            frame.pts = index * 1024
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def opencv_samples(path: Path, per_second: float, max_side: int) -> Iterator[tuple[float, np.ndarray]]:
    """The same sampling as ``ml.video.sample_frames``, through OpenCV's FFmpeg backend."""
    import cv2

    from ml.video import analysis_size

    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    if not capture.isOpened():
        raise ValueError("OpenCV could not open the file")
    interval, next_time, size = 1 / per_second, 0.0, None
    try:
        while capture.grab():
            seconds = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000
            if seconds + 1e-6 < next_time:
                continue
            ok, bgr = capture.retrieve()
            if not ok:
                break
            if size is None:
                size = analysis_size(bgr.shape[1], bgr.shape[0], max_side)
            if size != (bgr.shape[1], bgr.shape[0]):
                bgr = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
            yield seconds, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            next_time = (math.floor(seconds / interval + 1e-6) + 1) * interval
    finally:
        capture.release()


def samples(decoder: str, path: Path, per_second: float) -> Iterator[tuple[float, np.ndarray]]:
    from ml.video import ANALYSIS_MAX_SIDE, sample_frames

    if decoder == "opencv":
        return opencv_samples(path, per_second, ANALYSIS_MAX_SIDE)
    return sample_frames(path, per_second=per_second)


def bench_decoder(decoder: str, path: Path, per_second: float, total_frames: int) -> dict:
    started = time.perf_counter()
    count = sum(1 for _ in samples(decoder, path, per_second))
    seconds = time.perf_counter() - started
    return {"decode_ms_per_frame": round(seconds * 1000 / total_frames, 3),
            "decode_ms_per_sample": round(seconds * 1000 / max(count, 1), 2), "samples": count,
            "decode_seconds": round(seconds, 2)}


def bench_job(decoder: str, path: Path, per_second: float) -> dict:
    """The whole job as the platform runs it: sample, analyse, track."""
    from ml.pipeline import get_analyzer
    from ml.video import VIDEO_MIN_FACE
    from ml.video_analysis import analyze_samples

    analyzer = get_analyzer()
    analysis_seconds = 0.0

    def analyse(rgb):
        nonlocal analysis_seconds
        started = time.perf_counter()
        result = analyzer.analyze(rgb, live=True, min_face=VIDEO_MIN_FACE)
        analysis_seconds += time.perf_counter() - started
        return result

    started, cpu_started = time.perf_counter(), time.process_time()
    frames = list(analyze_samples(samples(decoder, path, per_second), analyse))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    persons = {face.person for frame in frames for face in frame.faces}
    return {"analysis_ms_per_sample": round(analysis_seconds * 1000 / max(len(frames), 1), 2),
            "job_seconds": round(wall, 2), "job_cpu_seconds": round(cpu, 2), "samples": len(frames), "persons": len(persons),
            "faces": sum(len(frame.faces) for frame in frames)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml.bench_video", description=__doc__.split("\n")[0])
    parser.add_argument("--decoder", choices=("av", "opencv", "both"), default="both")
    parser.add_argument("--clip", type=Path, help="a video to use instead of the generated clip")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--size", default="640x480")
    parser.add_argument("--fps", type=float, default=30)
    parser.add_argument("--per-second", type=float, default=5.0, help="samples analysed per second of video")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for TensorFlow and OpenCV")
    parser.add_argument("--decode-only", action="store_true", help="skip the analysis (memory of long files)")
    args = parser.parse_args(argv)

    from ml.bench import limit_threads

    limit_threads(args.threads)
    from ml.video import probe

    with tempfile.TemporaryDirectory() as folder:
        path = args.clip
        if path is None:
            width, height = (int(side) for side in args.size.split("x"))
            started = time.perf_counter()
            path = write_clip(Path(folder) / "clip.mp4", seconds=args.seconds, fps=args.fps, size=(width, height))
            print(f"generated {args.seconds:g} s {width}x{height} {args.fps:g} fps clip in "
                  f"{time.perf_counter() - started:.1f} s ({path.stat().st_size / 1e6:.1f} MB)")
        info = probe(path)
        total_frames = max(1, round(info.duration_s * info.fps))
        figures: dict = {"video": info.to_dict(), "per_second": args.per_second, "threads": args.threads}
        if not args.decode_only:
            from ml.pipeline import get_analyzer

            get_analyzer().analyze(np.zeros((480, 640, 3), np.uint8), live=True)  # Load and trace once.
        for decoder in ("av", "opencv") if args.decoder == "both" else (args.decoder,):
            row = bench_decoder(decoder, path, args.per_second, total_frames)
            if not args.decode_only:
                row.update(bench_job(decoder, path, args.per_second))
            figures[decoder] = row
            print(f"{decoder}: decode {row['decode_ms_per_frame']} ms/frame ({row['samples']} samples), "
                  + ("" if args.decode_only else
                     f"analysis {row['analysis_ms_per_sample']} ms/sample, job {row['job_seconds']} s "
                     f"(CPU {row['job_cpu_seconds']} s) "
                     f"for {info.duration_s:.0f} s of video ({info.duration_s / max(row['job_seconds'], 1e-9):.1f}x "
                     f"real time), {row['persons']} person(s)"))
    figures["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(f"peak memory {figures['peak_memory_mb']} MB")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
