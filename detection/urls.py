from django.urls import path

from detection import live_views, views

app_name = "detection"

urlpatterns = [
    path("live/", live_views.live, name="live"),
    path("live/sessions/<int:session_id>/", live_views.live_session_detail, name="live_session_detail"),
    path("alerts/", live_views.alerts, name="alerts"),
    path("analyze/", views.analyze, name="analyze"),
    path("history/", views.history, name="history"),
    path("reports/", views.reports, name="reports"),
]
