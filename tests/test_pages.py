"""The landing page and the navigation of the base template."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from ml.emotions import EMOTIONS


@pytest.mark.django_db
def test_the_landing_page_explains_the_product_to_a_visitor(client):
    html = client.get(reverse("home")).content.decode()

    assert "Notice stress before it builds up" in html
    for emotion in EMOTIONS:
        assert emotion.capitalize() in html
    assert reverse("signup") in html
    assert reverse("login") in html


def test_the_navigation_links_every_feature(alice_client):
    html = alice_client.get(reverse("home")).content.decode()

    for name in ("detection:live", "detection:analyze", "detection:history", "detection:reports", "detection:alerts", "profile"):
        assert f'href="{reverse(name)}"' in html
    assert "Hello, Alice Liddell" in html
    assert f'action="{reverse("logout")}"' in html
    assert reverse("admin:index") not in html


def test_staff_see_the_admin_link(admin_client):
    assert reverse("admin:index") in admin_client.get(reverse("home")).content.decode()


def test_the_current_page_is_marked_for_screen_readers(alice_client):
    html = alice_client.get(reverse("detection:history")).content.decode()

    assert f'href="{reverse("detection:history")}" aria-current="page"' in html


@pytest.mark.django_db
def test_pages_load_bootstrap_from_this_server_not_a_cdn(client):
    html = client.get(reverse("home")).content.decode()

    assert '/static/vendor/bootstrap/css/bootstrap.min.css"' in html
    assert '/static/vendor/bootstrap/js/bootstrap.bundle.min.js"' in html
    assert "https://" not in html


@pytest.mark.parametrize(
    "path",
    [
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "vendor/chartjs/chart.umd.min.js",
    ],
)
def test_the_vendored_libraries_are_served_as_static_files(path):
    assert finders.find(path)


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_site_icon_for_anyone(client):
    response = client.get("/favicon.ico", follow=True)

    assert response.redirect_chain[0][0].endswith("favicon.svg")
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)
