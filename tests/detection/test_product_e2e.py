"""End to end, as a new user: sign up, analyze the astronaut photo, see it on the dashboard,
open the reports and download the period's CSV; in Debian's Chromium at a desktop and a phone
size, against daphne serving the real ASGI application, with no JavaScript error on the way."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings

from accounts.models import User
from detection.models import Analysis
from tests.detection.live.test_live_e2e import BROWSER_ARGS, CHROMIUM, needs_chromium, screenshot
from tests.detection.live_support import live_server_url, session_cookie

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "a-long-and-unusual-passphrase"


@pytest.fixture
def daphne_server(transactional_db, celery_eager) -> str:
    return live_server_url()


def watch_for_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.on("console", lambda message: errors.append(f"{page.url}: {message.text}") if message.type == "error" else None)
    return errors


@needs_chromium
def test_a_new_user_signs_up_analyzes_a_photo_and_downloads_the_report(daphne_server, astronaut_jpeg, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    photo = tmp_path / "astronaut.jpg"
    photo.write_bytes(astronaut_jpeg)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_context(viewport=DESKTOP, accept_downloads=True).new_page()
            errors = watch_for_errors(page)

            page.goto(f"{daphne_server}/accounts/signup/")
            page.get_by_label("Username").fill("carol")
            page.get_by_label("Email address").fill("carol@example.com")
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_label("Password confirmation").fill(PASSWORD)
            page.get_by_role("button", name="Sign up").click()
            expect(page.locator("#dashboard-welcome")).to_be_visible()
            screenshot(page, "product_dashboard_new.png")

            page.get_by_role("link", name="Analyze an image").first.click()
            not_an_image = tmp_path / "notes.txt"
            not_an_image.write_text("not a photo")
            file_input = page.locator('input[type="file"]')
            file_input.set_input_files(str(not_an_image))
            expect(page.locator("#preview")).to_be_hidden()
            assert "not an image" in file_input.evaluate("input => input.validationMessage")
            file_input.set_input_files(str(photo))
            expect(page.locator("#preview")).to_be_visible()
            page.locator("#analyze-submit").click()
            expect(page.locator("#analysis-summary")).to_be_visible(timeout=90_000)
            expect(page.locator(".face-card").first).to_contain_text("1")
            expect(page.locator("#download-annotated")).to_be_visible()
            screenshot(page, "product_result.png")

            page.get_by_role("link", name="Dashboard").click()
            expect(page.locator("#dashboard-latest")).to_contain_text("stress")
            expect(page.locator("#dashboard-trend")).to_be_visible()
            expect(page.locator("#dashboard-welcome")).to_have_count(0)
            screenshot(page, "product_dashboard.png")

            page.get_by_role("link", name="Reports").click()
            page.get_by_role("link", name="Last 7 days").click()
            expect(page.locator("#report-headline")).to_contain_text("Images with a face")
            expect(page.locator("#stress-chart")).to_be_visible()
            screenshot(page, "product_reports.png")
            with page.expect_download() as download_info:
                page.locator("#export-csv").click()
            rows = list(csv.DictReader(io.StringIO(download_info.value.path().read_text())))
            assert errors == []
        finally:
            browser.close()

    carol = User.objects.get(username="carol")
    analysis = Analysis.objects.get(owner=carol)
    assert analysis.status == Analysis.Status.DONE
    assert {row["analysis_id"] for row in rows} == {str(analysis.pk)}


@needs_chromium
def test_the_main_pages_work_on_a_phone(daphne_server, astronaut_jpeg, make_analysis, alice):
    from playwright.sync_api import expect, sync_playwright

    analysis = make_analysis(alice, faces=2, dominant="sad", stress=0.7, width=512, height=512)
    analysis.faces.filter(index=1).update(x=300, confidence=0.3)
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(alice), "url": daphne_server}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            context.add_cookies([cookie])
            page = context.new_page()
            errors = watch_for_errors(page)
            for path, name, check in (
                ("/", "phone_dashboard.png", "#dashboard-latest"),
                (analysis.get_absolute_url(), "phone_result.png", "#analysis-summary"),
                ("/detection/reports/", "phone_reports.png", "#report-headline"),
                ("/detection/live/", "phone_live.png", "#live-stress-overlay"),
            ):
                page.goto(f"{daphne_server}{path}")
                expect(page.locator(check)).to_be_visible()
                # Nothing wider than the screen (no sideways scrolling).
                assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
                screenshot(page, name)
            assert errors == []
        finally:
            browser.close()
