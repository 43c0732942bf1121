"""The API under /api/: one router for the whole project (analyses here; live sessions and
alerts register on the same router)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import APIRootView, DefaultRouter

from detection.api.live import AlertViewSet, LiveSessionViewSet
from detection.api.views import AnalysisViewSet

app_name = "api"

class StressDetectorApiRoot(APIRootView):
    """The Stress Detector API: your image analyses (upload or address, results, export), your
    live camera sessions and your stress alerts. Sign in here to browse it, or get a token by
    posting username and password to /api/auth/token/ and send it as "Authorization: Token ..."."""


class Router(DefaultRouter):
    APIRootView = StressDetectorApiRoot

    def get_api_root_view(self, api_urls=None):
        # Token clients are authenticated by DRF, after LoginRequiredMiddleware (see api/views.py).
        return login_not_required(super().get_api_root_view(api_urls))


router = Router()
router.register("analyses", AnalysisViewSet, basename="analysis")
router.register("live-sessions", LiveSessionViewSet, basename="live-session")
router.register("alerts", AlertViewSet, basename="alert")

urlpatterns = [
    # POST username and password, get {"token": ...} for "Authorization: Token <token>".
    path("auth/token/", login_not_required(obtain_auth_token), name="auth_token"),
    *router.urls,
]
