"""Fixtures for the detection tests: real images (the scikit-image astronaut as a real face),
bad ones, and a loopback HTTP server to fetch image URLs from."""

from __future__ import annotations

import contextlib
import io
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from detection.models import Analysis, DetectedFace, Video
from ml.emotions import EMOTIONS

# The centre of the astronaut's face in skimage.data.astronaut() (512x512).
ASTRONAUT_FACE_CENTRE = (225, 110)


# example.com's documentation address: the tests' image addresses resolve to it without a network.
EXAMPLE_COM_ADDRESS = "93.184.215.14"


@pytest.fixture(autouse=True)
def example_com_resolves(monkeypatch):
    """URL analyses are refused before they are queued unless their host resolves to public
    addresses; the sandbox has no DNS, so *.example.com resolves to a public address here."""
    from detection.analyses import fetch

    real = fetch._getaddrinfo

    def getaddrinfo(hostname: str, port: int) -> list[tuple]:
        if hostname == "example.com" or hostname.endswith(".example.com"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (EXAMPLE_COM_ADDRESS, port))]
        return real(hostname, port)

    monkeypatch.setattr(fetch, "_getaddrinfo", getaddrinfo)


def jpeg_bytes(array: np.ndarray, **save_options) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="JPEG", quality=90, **save_options)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def astronaut_jpeg() -> bytes:
    from skimage import data

    return jpeg_bytes(data.astronaut())


@pytest.fixture(scope="session")
def blank_png() -> bytes:
    """A plain grey picture: a valid image with no face in it."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (128, 128, 128)).save(buffer, format="PNG")
    return buffer.getvalue()


def pixel_bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny PNG whose header claims width x height pixels (a decompression bomb)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def face_contains(face: DetectedFace, point: tuple[int, int]) -> bool:
    x, y = point
    return face.x <= x <= face.x + face.w and face.y <= y <= face.y + face.h


def stored_files(media_root) -> list[str]:
    if not media_root.exists():
        return []
    return sorted(str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file())


@pytest.fixture
def make_analysis(astronaut_jpeg) -> Callable[..., Analysis]:
    """Create a finished analysis directly in the database, without running the model."""
    from django.core.files.base import ContentFile

    def make(owner, *, status=Analysis.Status.DONE, source=Analysis.Source.UPLOAD, faces=1, dominant="happy",
             stress=0.2, with_images=True, created_at=None, **fields) -> Analysis:
        analysis = Analysis(owner=owner, source=source, status=status, **fields)
        if with_images:
            analysis.original.save("original.jpg", ContentFile(astronaut_jpeg), save=False)
            if status == Analysis.Status.DONE and faces:
                analysis.annotated.save("annotated.jpg", ContentFile(astronaut_jpeg), save=False)
        if status == Analysis.Status.DONE:
            analysis.face_count = faces
            analysis.dominant_emotion = dominant if faces else ""
            analysis.stress = stress if faces else None
            analysis.model_version = "test-model"
        analysis.save()
        if created_at is not None:
            Analysis.objects.filter(pk=analysis.pk).update(created_at=created_at)
            analysis.refresh_from_db()
        probabilities = {label: (0.7 if label == dominant else 0.05) for label in EMOTIONS}
        for index in range(faces if status == Analysis.Status.DONE else 0):
            DetectedFace.objects.create(
                analysis=analysis, index=index, x=10, y=10, w=50, h=50, probabilities=probabilities,
                dominant_emotion=dominant, confidence=0.7, stress=stress,
            )  # fmt: skip
        return analysis

    return make


def probabilities_for(dominant: str, confidence: float) -> dict[str, float]:
    """Seven probabilities summing to 1 whose most likely emotion is ``dominant`` at ``confidence``."""
    rest = round((1 - confidence) / (len(EMOTIONS) - 1), 4)
    return {label: confidence if label == dominant else rest for label in EMOTIONS}


@pytest.fixture
def make_video():
    """A video stored directly in the database, with its faces and the headline the job would
    give them (``video_summary_fields``), without a file or the model. ``samples`` are
    ``(seconds, person, dominant, confidence, detection_score)``."""
    from django.utils import timezone

    from detection.models import VideoFace
    from detection.videos.services import video_summary_fields
    from ml.emotions import stress_score

    def make(owner, samples=(), *, status=Video.Status.DONE, created_at=None, samples_per_second=4.0, **fields) -> Video:
        video = Video.objects.create(owner=owner, file=f"videos/{owner.pk}/test.mp4", original_name="test.mp4", status=status,
                                     samples_per_second=samples_per_second, duration_s=10.0, width=640, height=480,
                                     analysis_width=640, analysis_height=480, **fields)
        for seconds, person, dominant, confidence, detection_score in samples:
            probabilities = probabilities_for(dominant, confidence)
            VideoFace.objects.create(video=video, seconds=seconds, person=person, x=10 + 300 * (person - 1), y=20, w=100, h=100,
                                     probabilities=probabilities, dominant_emotion=dominant, stress=round(stress_score(probabilities), 4),
                                     detection_score=detection_score)
        if status == Video.Status.DONE:
            Video.objects.filter(pk=video.pk).update(**video_summary_fields(video), finished_at=timezone.now())
        if created_at is not None:
            Video.objects.filter(pk=video.pk).update(created_at=created_at)
        video.refresh_from_db()
        return video

    return make


# --- A loopback HTTP server ------------------------------------------------------------------


@dataclass
class ImageServer:
    """Routes: path -> (status, headers, body) or a callable(handler) that answers itself."""

    host: str
    port: int
    routes: dict[str, object] = field(default_factory=dict)
    requests: list[dict] = field(default_factory=list)

    def url(self, path: str, host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"


def _handler_for(server: ImageServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 -- the name http.server calls.
            server.requests.append({"path": self.path, "host": self.headers.get("Host")})
            route = server.routes.get(self.path)
            if route is None:
                self._answer(404, {"Content-Type": "text/html"}, b"<h1>Not found</h1>")
            elif callable(route):
                route(self)
            else:
                self._answer(*route)

        def _answer(self, status: int, headers: dict, body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    return Handler


@pytest.fixture
def image_server(settings, astronaut_jpeg, blank_png) -> Iterator[ImageServer]:
    """An HTTP server on 127.0.0.1 (allow-listed for this test) serving a few images and traps."""
    image_server = ImageServer(host="127.0.0.1", port=0)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(image_server))
    httpd.daemon_threads = True
    image_server.port = httpd.server_address[1]

    def slow(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(2)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # The client gave up waiting, as it should.
            handler._answer(200, {"Content-Type": "image/png"}, blank_png)

    def endless(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "image/jpeg")
        handler.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for _ in range(2000):
                handler.wfile.write(b"\xff" * 65536)

    image_server.routes.update(
        {
            "/astronaut.jpg": (200, {"Content-Type": "image/jpeg"}, astronaut_jpeg),
            "/blank-as-html": (200, {"Content-Type": "text/html"}, blank_png),
            "/page.html": (200, {"Content-Type": "text/html"}, b"<!doctype html><title>Hi</title><p>Not an image"),
            "/empty": (200, {"Content-Type": "image/jpeg"}, b""),
            "/broken": (503, {"Content-Type": "text/plain"}, b"down"),
            "/redirect": (302, {"Location": "/astronaut.jpg"}, b""),
            "/loop-a": (302, {"Location": "/loop-b"}, b""),
            "/loop-b": (302, {"Location": "/loop-a"}, b""),
            "/to-localhost": (302, {"Location": f"http://localhost:{image_server.port}/astronaut.jpg"}, b""),
            "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
            "/slow": slow,
            "/endless": endless,
        }
    )
    settings.ANALYSIS_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield image_server
    httpd.shutdown()
    httpd.server_close()
