from django.contrib import admin
from django.urls import include, path

from detection.core import views as core_views
from detection.reports import views as report_views
from stressdetector.ops import views as ops_views

admin.site.site_header = "Stress Detector administration"
admin.site.site_title = "Stress Detector admin"
admin.site.index_title = "Users, analyses, live sessions and alerts"

# There is deliberately no route for MEDIA_URL: uploaded images are private and will be
# served by a view that checks their owner.
urlpatterns = [
    path("", report_views.home, name="home"),
    path("palette.css", core_views.palette, name="palette"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/", include("accounts.urls")),
    path("detection/", include("detection.urls")),
    # /api/v1/ is the API's canonical prefix; /api/ serves the same views for older clients.
    path("api/v1/", include("detection.api.urls")),
    path("api/", include("detection.api.urls", namespace="api-unversioned")),
    path("admin/", admin.site.urls),
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", ops_views.metrics, name="metrics"),
]
