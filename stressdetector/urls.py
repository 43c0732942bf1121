from django.contrib import admin
from django.urls import include, path

from stressdetector import views
from stressdetector.ops import views as ops_views

# There is deliberately no route for MEDIA_URL: uploaded images are private and will be
# served by a view that checks their owner.
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("detection/", include("detection.urls")),
    path("api/", include("detection.api.urls")),
    path("admin/", admin.site.urls),
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", ops_views.metrics, name="metrics"),
]
