"""The browsable API under the Content-Security-Policy."""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from rest_framework.renderers import BrowsableAPIRenderer


class CspBrowsableAPIRenderer(BrowsableAPIRenderer):
    """DRF's browsable API, whose templates lay out with style attributes: inline styles are
    allowed on its HTML responses only (as csp_update would), so the app's pages and the JSON
    keep the strict policy and the browsable API logs no CSP violation."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return super().render(data, accepted_media_type, renderer_context)
