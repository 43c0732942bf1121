"""The API: one router for the whole project (analyses here; live sessions and alerts register on
the same router), the caller's profile and trends, the OpenAPI schema and its docs.

stressdetector/urls.py mounts it at /api/v1/ (canonical; reverse("api:...") gives these) and
again at /api/ so that clients written before the version prefix keep working.
"""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import APIRootView, DefaultRouter

from accounts.api.tokens import TokenCreateView, TokenRevokeView
from accounts.api.views import MeView
from detection.api.live import AlertViewSet, LiveSessionViewSet
from detection.api.privacy import MeExportView
from detection.api.trends import TrendsView
from detection.api.videos import VideoViewSet
from detection.api.views import AnalysisViewSet, api_not_found

app_name = "api"
REDOC_LOGO_ORIGIN = "https://cdn.redoc.ly"

# ReDoc and Swagger UI style their elements from script (styled-components' <style> tags, React
# style attributes); ReDoc searches in a blob: worker and always shows Redocly's logo from its
# CDN. Allowed on these views only, so the app's own pages keep the strict policy
# (stressdetector/settings/base.py).
swagger_csp = csp_update({"style-src": [UNSAFE_INLINE]})
redoc_csp = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"], "img-src": [REDOC_LOGO_ORIGIN]})

class StressDetectorApiRoot(APIRootView):
    """The Stress Detector API: your image analyses (upload or address, results, export), your
    live camera sessions, your stress alerts, your alert settings (me/) and trends
    (stats/trends/). Sign in here to browse it, or get a token by posting username and password
    to /api/v1/auth/token/ and send it as "Authorization: Token ...". The full contract is at
    /api/docs/ (OpenAPI schema: /api/schema/)."""


class Router(DefaultRouter):
    APIRootView = StressDetectorApiRoot

    def get_api_root_view(self, api_urls=None):
        # Token clients are authenticated by DRF, after LoginRequiredMiddleware (see api/views.py).
        return login_not_required(super().get_api_root_view(api_urls))


# Path converters (not regexes), so that ids are integers in the URLs and in the schema.
router = Router(use_regex_path=False)
router.register("analyses", AnalysisViewSet, basename="analysis")
router.register("live-sessions", LiveSessionViewSet, basename="live-session")
router.register("alerts", AlertViewSet, basename="alert")
router.register("videos", VideoViewSet, basename="video")

urlpatterns = [
    # POST username and password, get {"token": ...} for "Authorization: Token <token>".
    path("auth/token/", TokenCreateView.as_view(), name="auth_token"),
    path("auth/logout/", TokenRevokeView.as_view(), name="auth_logout"),
    path("me/", MeView.as_view(), name="me"),
    path("me/export/", MeExportView.as_view(), name="me_export"),
    path("stats/trends/", TrendsView.as_view(), name="trends"),
    # The contract is public: reading it needs no account.
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", login_not_required(swagger_csp(SpectacularSwaggerSplitView.as_view(url_name="api:schema"))), name="docs"),
    path("redoc/", login_not_required(redoc_csp(SpectacularRedocView.as_view(url_name="api:schema"))), name="redoc"),
    *router.urls,
    # Anything else under the API is a 404 in the API's error format, not the site's HTML page.
    re_path(r"^.*/$", api_not_found),
]
