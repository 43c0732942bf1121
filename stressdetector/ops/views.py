"""/healthz, /readyz and /metrics: for orchestrators, load balancers and Prometheus. No login,
no sessions, no templates; nothing that could be slow or leak a user's data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from stressdetector.ops.health import readiness
from stressdetector.ops.metrics import metrics_allowed, metrics_exposition

PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering. Touches nothing else: restart it only if this fails."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
async def readyz(request: HttpRequest) -> JsonResponse:
    """200 when the database, Redis (if configured), the channel layer and the model all work,
    else 503; the body names each check's result."""
    checks = await readiness()
    ready = all(result in ("ok", "not configured") for result in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


@login_not_required
@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        message = "Metrics need the METRICS_TOKEN bearer token or an address in METRICS_ALLOWED_NETWORKS.\n"
        return HttpResponse(message, status=403, content_type="text/plain")
    return HttpResponse(metrics_exposition(), content_type=PROMETHEUS_CONTENT_TYPE)
