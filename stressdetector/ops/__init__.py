"""Operations: health checks, request ids in logs, and Prometheus metrics.

Project-wide plumbing rather than a feature, so it lives in the project package:
``request_id`` (the id every log line carries, from a request into the Celery tasks it queues),
``logs`` (the JSON log format), ``middleware`` (tags and counts every request), ``metrics`` (the
Prometheus metrics and who may read them), ``health`` (the readiness checks), ``celery_hooks``
(request ids and durations of tasks) and ``views`` (/healthz, /readyz, /metrics).
"""
