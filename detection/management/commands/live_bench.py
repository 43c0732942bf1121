"""Load-test the live camera: K WebSocket clients each send a face frame at F frames a second
for S seconds to a running server, like the live page does (at most one frame in flight per
client; a frame due while the previous one is unanswered is dropped, not queued).

    python manage.py live_bench --url http://127.0.0.1:8000 --username alice --password ... \\
        --clients 4 --fps 10 --seconds 20

Prints per-client figures, a summary, and a final line of JSON. The session cookie comes from
logging in over HTTP (``--username``/``--password``) or, when this process uses the server's
database, from a session created for ``--user``.
"""

from __future__ import annotations

import asyncio
import json
import statistics
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from detection.live.bench import ClientStats, face_frame_jpeg, login, percentile, run_client, session_for


class Command(BaseCommand):
    help = "Load-test the live camera WebSocket of a running server and report frame rate and round trips."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="The server's base URL.")
        parser.add_argument("--username", help="Log in over HTTP as this user (with --password).")
        parser.add_argument("--password")
        parser.add_argument("--user", help="Instead of logging in, create a session for this user in this process's database.")
        parser.add_argument("--clients", type=int, default=4)
        parser.add_argument("--fps", type=float, default=10.0, help="Frames a second each client tries to send.")
        parser.add_argument("--seconds", type=float, default=20.0)
        parser.add_argument("--image", type=Path, help="A face photo to send (default: scikit-image's astronaut).")

    def handle(self, *args, **options) -> None:
        base_url = options["url"].rstrip("/")
        parts = urlsplit(base_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        ws_url = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}/ws/live/"
        if options["user"]:
            cookie = session_for(options["user"])
        elif options["username"] and options["password"]:
            cookie = asyncio.run(login(base_url, options["username"], options["password"]))
        else:
            raise CommandError("Give --username and --password, or --user.")
        frame = face_frame_jpeg(options["image"])
        clients, fps, seconds = options["clients"], options["fps"], options["seconds"]

        async def run_all() -> list[ClientStats]:
            # Clients start spread over one frame period, as independent cameras would.
            common = {"ws_url": ws_url, "origin": origin, "cookie": cookie, "frame": frame, "fps": fps, "seconds": seconds}
            return await asyncio.gather(*(run_client(**common, delay=index / fps / clients) for index in range(clients)))

        self.stdout.write(f"{clients} clients x {fps:g} fps for {seconds:g} s against {ws_url}, {len(frame) // 1024} KB frames")
        all_stats = asyncio.run(run_all())

        round_trips = [ms for stats in all_stats for ms in stats.round_trips_ms]
        for index, stats in enumerate(all_stats):
            self.stdout.write(
                f"client {index}: sent {stats.sent}, answered {stats.answered} ({stats.answered / seconds:.1f} fps), "
                f"dropped {stats.dropped}, refused {stats.refused or 0}, p50 {percentile(stats.round_trips_ms, 0.5) or 0:.0f} ms"
            )
        refused: dict[str, int] = {}
        for stats in all_stats:
            for code, count in stats.refused.items():
                refused[code] = refused.get(code, 0) + count
        summary = {
            "clients": clients,
            "target_fps_per_client": fps,
            "seconds": seconds,
            "frames_sent": sum(stats.sent for stats in all_stats),
            "frames_answered": sum(stats.answered for stats in all_stats),
            "frames_dropped": sum(stats.dropped for stats in all_stats),
            "frames_refused": refused,
            "achieved_fps_total": round(sum(stats.answered for stats in all_stats) / seconds, 2),
            "achieved_fps_per_client": round(statistics.mean(stats.answered for stats in all_stats) / seconds, 2),
            "rtt_ms_p50": round(percentile(round_trips, 0.5) or 0, 1),
            "rtt_ms_p95": round(percentile(round_trips, 0.95) or 0, 1),
            "rtt_ms_max": round(max(round_trips, default=0), 1),
            "faces_per_frame": round(sum(stats.faces for stats in all_stats) / max(1, len(round_trips)), 2),
        }
        self.stdout.write(
            f"achieved {summary['achieved_fps_total']} fps in all ({summary['achieved_fps_per_client']} per client), "
            f"round trip p50 {summary['rtt_ms_p50']} ms, p95 {summary['rtt_ms_p95']} ms, "
            f"dropped {summary['frames_dropped']} of {summary['frames_sent'] + summary['frames_dropped']} due frames"
        )
        self.stdout.write(json.dumps(summary))
