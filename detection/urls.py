from django.urls import path

from detection import live_views, views

app_name = "detection"

urlpatterns = [
    path("live/", live_views.live, name="live"),
    path("live/sessions/<int:session_id>/", live_views.live_session_detail, name="live_session_detail"),
    path("alerts/", live_views.alerts, name="alerts"),
    path("analyze/", views.analyze, name="analyze"),
    path("analyses/<int:analysis_id>/", views.analysis_detail, name="analysis_detail"),
    path("analyses/<int:analysis_id>/status/", views.analysis_status, name="analysis_status"),
    path("analyses/<int:analysis_id>/retry/", views.analysis_retry_view, name="analysis_retry"),
    path("analyses/<int:analysis_id>/delete/", views.analysis_delete_view, name="analysis_delete"),
    path("analyses/<int:analysis_id>/image/<str:kind>.jpg", views.analysis_image, name="analysis_image"),
    path("history/", views.history, name="history"),
    path("reports/", views.reports, name="reports"),
    path("reports/analyses.csv", views.reports_export_csv, name="reports_export_csv"),
]
