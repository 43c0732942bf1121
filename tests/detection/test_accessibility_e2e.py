"""In Debian's Chromium against daphne: the main pages have no serious or critical accessibility
violation (axe-core, vendored by axe-playwright-python), and the API docs (ReDoc, Swagger UI)
render under the Content-Security-Policy with no console error or CSP violation."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.detection.live.test_live_e2e import BROWSER_ARGS, CHROMIUM, needs_chromium, screenshot
from tests.detection.live_support import live_server_url, session_cookie
from tests.detection.test_product_e2e import DESKTOP, watch_for_errors

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SERIOUS = {"serious", "critical"}
FAVICON = Path(settings.BASE_DIR) / "static" / "favicon.svg"


@pytest.fixture
def daphne_server(transactional_db, celery_eager) -> str:
    return live_server_url()


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']][:3]}"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


@contextlib.contextmanager
def browser_page(server: str, user=None) -> Iterator:
    """A desktop page in Chromium (signed in as ``user`` if given) that reports CSP violations
    to the console, and the list of console errors."""
    from playwright.sync_api import sync_playwright

    # Before Playwright starts its event loop: the session is made in the database.
    cookies = [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(user), "url": server}] if user else []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            context = browser.new_context(viewport=DESKTOP)
            context.add_cookies(cookies)
            page = context.new_page()
            page.add_init_script(
                "document.addEventListener('securitypolicyviolation', e =>"
                " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
            )
            yield page, watch_for_errors(page)
        finally:
            browser.close()


@needs_chromium
def test_the_main_pages_have_no_serious_accessibility_violation(daphne_server, make_analysis, alice):
    from playwright.sync_api import expect

    analysis = make_analysis(alice, faces=2, dominant="fear", stress=0.55, width=512, height=512)
    analysis.faces.filter(index=1).update(x=300, confidence=0.3)
    with browser_page(daphne_server, alice) as (page, errors):
        violations: list[str] = []
        for path, check in (
            ("/", "#dashboard-latest"),
            (analysis.get_absolute_url(), "#analysis-summary"),
            ("/detection/history/", "main"),
            ("/detection/reports/?days=7", "#report-headline"),
            ("/detection/analyze/", "main"),
            ("/detection/alerts/", "main"),
            ("/detection/live/", "#live-stress"),
            ("/accounts/profile/", "#api-tokens"),
            ("/how-it-works/", "#how-a-result-is-read"),
        ):
            page.goto(f"{daphne_server}{path}")
            expect(page.locator(check).first).to_be_visible()
            page.wait_for_load_state("networkidle")
            violations += serious_violations(page)
        screenshot(page, "a11y_how_it_works.png")
        assert violations == []
        assert errors == []


@needs_chromium
@pytest.mark.parametrize(("path", "rendered"), [("/api/redoc/", ".api-content"), ("/api/docs/", ".swagger-ui .info")])
def test_the_api_docs_render_under_the_csp_without_console_errors(daphne_server, path, rendered):
    from playwright.sync_api import expect

    with browser_page(daphne_server) as (page, errors):
        # ReDoc always shows Redocly's logo from its CDN (allowed on that view); the test
        # machine is offline, so the CDN is played by a local file.
        page.route("https://cdn.redoc.ly/**", lambda route: route.fulfill(path=str(FAVICON), content_type="image/svg+xml"))
        page.goto(f"{daphne_server}{path}")
        expect(page.locator(rendered).first).to_be_visible(timeout=30_000)
        page.wait_for_load_state("networkidle")
        assert "Something went wrong" not in page.content()
        screenshot(page, f"api_docs{path.replace('/', '_')}.png")
        assert errors == []


@needs_chromium
def test_the_browsable_api_meets_the_csp(daphne_server, alice):
    from playwright.sync_api import expect

    with browser_page(daphne_server, alice) as (page, errors):
        for path in ("/api/v1/", "/api/v1/analyses/"):
            page.goto(f"{daphne_server}{path}")
            expect(page.locator(".response-info").first).to_be_visible()
            page.wait_for_load_state("networkidle")
        assert errors == []
