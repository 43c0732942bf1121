"""Push N images through the real queue to one Celery worker and report throughput and latency.

    REDIS_URL=redis://127.0.0.1:6379/0 python manage.py bench_analyses --images 50

Starts its own worker (one process, one task at a time) on a private queue, so other workers on
the same Redis do not take part; or use --no-worker to measure workers you started yourself
(they must consume the default queue). Each image goes through detection.analyses.services.analysis_create,
exactly as an upload does. Latency is submit -> done (finished_at) per image, with all images
submitted at once, so it includes the time spent waiting in the queue. Prints a summary and a
final JSON line. A benchmark, not a test: it is never run by the suite.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from detection.analyses.bench import bench_analyses_wait, bench_analysis_submit, bench_image_bytes, percentile
from detection.analyses.services import analysis_delete
from detection.models import Analysis
from stressdetector.celery import app as celery_app

BENCH_USERNAME = "bench-analyses"


class Command(BaseCommand):
    help = "Benchmark image analyses through Redis and one Celery worker: images/s and p50/p95 submit-to-done time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--images", type=int, default=20, help="How many images to analyse (default 20).")
        parser.add_argument("--image", type=Path, help="The image to send (default: scikit-image's astronaut photo).")
        parser.add_argument("--no-worker", action="store_true", help="Do not start a worker; use the ones already running.")
        parser.add_argument("--timeout", type=float, default=600, help="Give up after this many seconds (default 600).")
        parser.add_argument("--keep", action="store_true", help="Keep the benchmark's analyses instead of deleting them.")

    def handle(self, *args, images: int, image: Path | None, no_worker: bool, timeout: float, keep: bool, **options) -> None:
        if not settings.REDIS_URL or celery_app.conf.task_always_eager:
            raise CommandError("bench_analyses needs the real queue: set REDIS_URL (and leave CELERY_TASK_ALWAYS_EAGER off).")
        if images < 1:
            raise CommandError("--images must be at least 1.")
        content = bench_image_bytes(image)
        owner, _ = User.objects.get_or_create(username=BENCH_USERNAME, defaults={"email": ""})

        worker = None
        if not no_worker:
            queue = f"bench-{uuid.uuid4().hex[:8]}"
            celery_app.conf.task_default_queue = queue
            worker = self._start_worker(queue)
        try:
            self.stdout.write("Warming up (the worker loads the model)...")
            bench_analyses_wait([bench_analysis_submit(owner=owner, content=content)], timeout=timeout)

            self.stdout.write(f"Submitting {images} images...")
            started = time.time()
            batch = [bench_analysis_submit(owner=owner, content=content) for _ in range(images)]
            submitted = time.time()
            finished = bench_analyses_wait(batch, timeout=timeout)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)
            if not keep:
                for analysis in Analysis.objects.filter(owner=owner):
                    analysis_delete(analysis=analysis)

        latencies_ms = [(analysis.finished_at.timestamp() - analysis.bench_submitted) * 1000 for analysis in finished]
        elapsed = max(analysis.finished_at.timestamp() for analysis in finished) - started
        failed = [analysis for analysis in finished if analysis.status == Analysis.Status.FAILED]
        worker_ms = [analysis.timings.get("total", 0) for analysis in finished if analysis.timings]
        result = {
            "images": images,
            "workers": "existing" if no_worker else 1,
            "failed": len(failed),
            "faces_per_image": round(statistics.mean(analysis.face_count for analysis in finished), 2),
            "seconds": round(elapsed, 3),
            "submit_seconds": round(submitted - started, 3),
            "images_per_s": round(images / elapsed, 2),
            "p50_ms": round(percentile(latencies_ms, 0.50), 1),
            "p95_ms": round(percentile(latencies_ms, 0.95), 1),
            "max_ms": round(max(latencies_ms), 1),
            "model_ms_mean": round(statistics.mean(worker_ms), 1) if worker_ms else None,
            "model_version": finished[0].model_version,
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        }
        self.stdout.write(
            f"{images} images in {result['seconds']} s: {result['images_per_s']} images/s; submit to done "
            f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms (model {result['model_ms_mean']} ms per image); "
            f"{len(failed)} failed"
        )
        if failed:
            self.stdout.write(f"First failure: {failed[0].error}")
        self.stdout.write(json.dumps(result))

    def _start_worker(self, queue: str) -> subprocess.Popen:
        log = tempfile.NamedTemporaryFile(prefix="bench-worker-", suffix=".log", delete=False)  # noqa: SIM115
        self.stdout.write(f"Starting one Celery worker on queue {queue} (log: {log.name})")
        command = [
            sys.executable, "-m", "celery", "-A", "stressdetector", "worker", "--pool=solo", "--concurrency=1",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue, "-n", f"{queue}@%h", "-l", "warning",
        ]  # fmt: skip
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "stressdetector.settings.base")}
        worker = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=settings.BASE_DIR)
        time.sleep(1)
        if worker.poll() is not None:
            raise CommandError(f"The worker exited at once; see {log.name}")
        return worker
