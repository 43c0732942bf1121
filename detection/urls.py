from django.urls import path

from detection.alerts import views as alert_views
from detection.analyses import views as analysis_views
from detection.live import views as live_views
from detection.reports import views as report_views
from detection.videos import views as video_views

app_name = "detection"

urlpatterns = [
    path("live/", live_views.live, name="live"),
    path("live/sessions/<int:session_id>/", live_views.live_session_detail, name="live_session_detail"),
    path("live/sessions/<int:session_id>/people.csv", live_views.live_session_export_csv, name="live_session_export_csv"),
    path("live/sessions/<int:session_id>/people.json", live_views.live_session_export_json, name="live_session_export_json"),
    path("alerts/", alert_views.alerts, name="alerts"),
    path("analyze/", analysis_views.analyze, name="analyze"),
    path("analyses/<int:analysis_id>/", analysis_views.analysis_detail, name="analysis_detail"),
    path("analyses/<int:analysis_id>/status/", analysis_views.analysis_status, name="analysis_status"),
    path("analyses/<int:analysis_id>/retry/", analysis_views.analysis_retry_view, name="analysis_retry"),
    path("analyses/<int:analysis_id>/delete/", analysis_views.analysis_delete_view, name="analysis_delete"),
    path("analyses/<int:analysis_id>/image/<str:kind>.jpg", analysis_views.analysis_image, name="analysis_image"),
    path("videos/new/", video_views.video_upload, name="video_upload"),
    path("videos/<int:video_id>/", video_views.video_detail, name="video_detail"),
    path("videos/<int:video_id>/status/", video_views.video_status, name="video_status"),
    path("videos/<int:video_id>/timeline/", video_views.video_timeline, name="video_timeline"),
    path("videos/<int:video_id>/cancel/", video_views.video_cancel_view, name="video_cancel"),
    path("videos/<int:video_id>/delete/", video_views.video_delete_view, name="video_delete"),
    path("videos/<int:video_id>/<str:kind>/", video_views.video_file, name="video_file"),
    path("history/", report_views.history, name="history"),
    path("reports/", report_views.reports, name="reports"),
    path("reports/analyses.csv", report_views.reports_export_csv, name="reports_export_csv"),
    path("my-data.zip", report_views.data_export, name="data_export"),
]
