from django.urls import path

from detection import views

app_name = "detection"

urlpatterns = [
    path("live/", views.live, name="live"),
    path("analyze/", views.analyze, name="analyze"),
    path("history/", views.history, name="history"),
    path("reports/", views.reports, name="reports"),
]
