"""Prometheus metrics, and who may read them.

With several server or worker processes (uvicorn workers, Celery's prefork pool), set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory of their own before they start (the start
scripts in docker/ do): each process then writes its figures there and /metrics adds them up.
"""

from __future__ import annotations

import ipaddress
import os
import secrets

from django.conf import settings
from django.http import HttpRequest
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

HTTP_REQUESTS = Counter(
    "stressdetector_http_requests_total",
    "HTTP requests answered, by method, view (URL name) and status code.",
    ["method", "view", "status"],
)
HTTP_REQUEST_SECONDS = Histogram(
    "stressdetector_http_request_duration_seconds",
    "Time to answer an HTTP request, by view (URL name).",
    ["view"],
)
TASK_SECONDS = Histogram(
    "stressdetector_task_duration_seconds",
    "Time a Celery task ran, by task and final state.",
    ["task", "state"],
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
LIVE_CONNECTIONS = Gauge(
    "stressdetector_live_connections",
    "Open live camera WebSocket connections.",
    multiprocess_mode="livesum",
)
LIVE_FRAMES = Counter("stressdetector_live_frames_analysed_total", "Live camera frames analysed.")
INFERENCE_SECONDS = Histogram(
    "stressdetector_inference_seconds",
    "Time to analyse one image or frame (decode, detect faces, classify them).",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class AnalysisStatusCollector:
    """Analyses by status, counted in the database when scraped (so every process agrees)."""

    def collect(self):
        from django.apps import apps
        from django.db.models import Count

        # From the app registry: the project's configuration imports no feature module.
        Analysis = apps.get_model("detection", "Analysis")
        counts = dict(Analysis.objects.order_by().values_list("status").annotate(total=Count("pk")))
        family = GaugeMetricFamily("stressdetector_analyses", "Analyses by status.", labels=["status"])
        for status in Analysis.Status.values:
            family.add_metric([status], counts.get(status, 0))
        yield family


def metrics_exposition() -> bytes:
    """Every metric, in Prometheus' text format: this process's (or, in multiprocess mode,
    all processes') and the analyses counted in the database."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    database = CollectorRegistry(auto_describe=False)
    database.register(AnalysisStatusCollector())
    return generate_latest(processes) + generate_latest(database)


def metrics_allowed(request: HttpRequest) -> bool:
    """True for the METRICS_TOKEN bearer token, or a client in METRICS_ALLOWED_NETWORKS."""
    token = settings.METRICS_TOKEN
    authorization = request.headers.get("Authorization", "")
    if token and secrets.compare_digest(authorization.encode(), f"Bearer {token}".encode()):
        return True
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_ALLOWED_NETWORKS)
