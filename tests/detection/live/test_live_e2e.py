"""End to end: the live page in headless Chromium, whose fake camera plays the astronaut photo,
against daphne serving the real ASGI application on the test database."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

from detection.models import LiveSession
from tests.detection.live_support import face_frame, live_server_url, session_cookie

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# A screenshot of the page lands here when set (for a person to look at).
SCREENSHOT_DIR_ENV = "E2E_SCREENSHOT_DIR"


def write_y4m(path: Path, frame_rgb: np.ndarray, frames: int = 10, fps: int = 10) -> Path:
    """A YUV4MPEG2 (4:2:0, full-range BT.601) video of one still frame: Chromium's fake camera
    plays it in a loop."""
    height, width, _ = frame_rgb.shape
    rgb = frame_rgb.astype(np.float32)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    u = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
    v = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b

    def subsample(plane: np.ndarray) -> np.ndarray:
        return plane.reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))

    planes = b"".join(np.clip(plane, 0, 255).round().astype(np.uint8).tobytes() for plane in (y, subsample(u), subsample(v)))
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + planes)
    return path


BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--use-fake-device-for-media-stream"]
# Answers the camera permission prompt with "allow"; without it, headless Chromium refuses.
ALLOW_CAMERA = "--use-fake-ui-for-media-stream"

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium: apt-get install -y chromium (.ci/run installs it)")


@pytest.fixture
def daphne_server(transactional_db) -> str:
    return live_server_url()


def screenshot(page, name: str) -> None:
    if screenshot_dir := os.environ.get(SCREENSHOT_DIR_ENV):
        page.screenshot(path=str(Path(screenshot_dir) / name), full_page=True)


@needs_chromium
def test_the_live_page_labels_the_astronaut_happy_and_stores_the_session(alice, daphne_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    video = write_y4m(tmp_path / "astronaut.y4m", np.asarray(face_frame(640, 480)))
    args = [*BROWSER_ARGS, ALLOW_CAMERA, f"--use-file-for-fake-video-capture={video}"]
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(alice), "url": daphne_server}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1000})
            context.add_cookies([cookie])
            page = context.new_page()
            page.goto(f"{daphne_server}/detection/live/")
            page.get_by_role("button", name="Start").click()

            face = page.locator("#live-faces .live-face").first
            expect(face).to_be_visible(timeout=60_000)
            page.wait_for_timeout(2_000)  # A few results, for the chart.
            screenshot(page, "live.png")
            expect(face).to_have_attribute("data-emotion", "happy", timeout=20_000)

            page.get_by_role("button", name="Stop").click()
            page.get_by_role("link", name="See this session").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("Live session of")
            screenshot(page, "live_session.png")
        finally:
            browser.close()

    session = LiveSession.objects.get(owner=alice)
    assert session.ended_at is not None
    assert session.frames_analyzed >= 1
    assert session.emotion_counts["happy"] >= 1


@needs_chromium
def test_a_refused_camera_permission_is_explained(alice, daphne_server):
    from playwright.sync_api import expect, sync_playwright

    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(alice), "url": daphne_server}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            context = browser.new_context()
            context.add_cookies([cookie])
            page = context.new_page()
            page.goto(f"{daphne_server}/detection/live/")
            page.get_by_role("button", name="Start").click()

            expect(page.locator("#live-message")).to_contain_text("Camera permission was refused", timeout=20_000)
            expect(page.get_by_role("button", name="Start")).to_be_enabled()
        finally:
            browser.close()

    assert not LiveSession.objects.exists()
