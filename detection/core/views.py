"""Pages shared by every part of the site: the emotion palette stylesheet and the favicon."""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.views.decorators.http import require_GET

from detection.core.presentation import emotion_palette, palette_css


@cache
def _palette_stylesheet() -> str:
    return palette_css(emotion_palette())


@login_not_required
@require_GET
def palette(request: HttpRequest) -> HttpResponse:
    """The emotion palette as CSS, generated from the colours ml/ draws faces with: the one
    definition every template and chart uses."""
    response = HttpResponse(_palette_stylesheet(), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={int(dt.timedelta(hours=1).total_seconds())}"
    return response


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin, the API's): the
    site's own icon."""
    return HttpResponsePermanentRedirect(staticfiles_storage.url("favicon.svg"))
