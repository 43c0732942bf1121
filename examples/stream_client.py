"""Stream a video file or a webcam to Stress Detector's streaming API and print each person's
emotion, frame by frame.

    python examples/stream_client.py --token KEY video.mp4                  # a file
    python examples/stream_client.py --token KEY 0                          # webcam 0
    python examples/stream_client.py --url wss://example.org/ws/v1/stream/ --token KEY --fps 5 video.mp4

Create the token on your profile page (API tokens) or with ``POST /api/v1/auth/token/``. Needs
``websockets`` and ``opencv-python-headless`` (both in the project's requirements). The protocol is
in the README ("Streaming API"). At the end it prints the round trip per frame (send to reply)
and the session's page.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Iterator

import cv2
import numpy as np
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed


def frames(source: str, max_frames: int | None) -> Iterator[np.ndarray]:
    """BGR frames of a video file, or of webcam N when ``source`` is a number."""
    capture = cv2.VideoCapture(int(source) if source.isdigit() else source)
    if not capture.isOpened():
        raise SystemExit(f"Cannot open {source!r} as a video or a camera.")
    count = 0
    try:
        while max_frames is None or count < max_frames:
            ok, frame = capture.read()
            if not ok:
                return
            count += 1
            yield frame
    finally:
        capture.release()


def describe(result: dict) -> str:
    people = [
        f"person {face['person']}: {face['dominant']} {face['confidence']:.0%} (smoothed {face['smoothed']['dominant']}, "
        f"stress {face['smoothed']['stress']:.0%})"
        for face in result["faces"]
    ]
    return "; ".join(people) or "no face"


async def reply_to_frame(socket) -> dict:
    """The next result or error (alerts may arrive in between: shown, not returned)."""
    while True:
        message = json.loads(await socket.recv())
        if message["type"] in ("result", "error"):
            return message
        if message["type"] == "alert":
            print(f"ALERT: {message['message']}")


async def stream(args: argparse.Namespace) -> int:
    headers = {"Authorization": f"Token {args.token}"}
    round_trips: list[float] = []
    server_ms: list[float] = []  # The server's own analysis time per frame.
    try:
        async with connect(args.url, additional_headers=headers, max_size=2**20) as socket:
            session = json.loads(await socket.recv())
            await socket.send(json.dumps({"type": "config", "smoothing": args.smoothing, "probabilities": False}))
            config = json.loads(await socket.recv())
            if config["type"] != "config":
                print(f"Configuration refused: {config['message']}", file=sys.stderr)
                return 1
            interval = 1 / args.fps
            for frame in frames(args.source, args.frames):
                started = time.perf_counter()
                ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 80])
                await socket.send(jpeg.tobytes())
                reply = await reply_to_frame(socket)
                round_trips.append((time.perf_counter() - started) * 1000)
                if reply["type"] == "error":
                    print(f"frame {reply.get('frame')}: refused ({reply['code']}: {reply['message']})")
                else:
                    server_ms.append(reply["ms"])
                    print(f"frame {reply['frame']} t={reply['t']:.1f}s: {describe(reply)}")
                await asyncio.sleep(max(0.0, interval - (time.perf_counter() - started)))
            await socket.send(json.dumps({"type": "stop"}))
            while (message := json.loads(await socket.recv()))["type"] != "stopped":
                pass
    except ConnectionClosed as closed:
        if closed.rcvd is not None and closed.rcvd.code == 4401:
            print(f"Refused: {closed.rcvd.reason}", file=sys.stderr)
            return 2
        raise
    if round_trips:
        ordered = sorted(round_trips)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        print(f"{len(round_trips)} frames, round trip median {statistics.median(round_trips):.1f} ms, p95 {p95:.1f} ms"
              f" (analysis on the server: median {statistics.median(server_ms or [0]):.1f} ms)")
    print(f"session {session['id']}: {message['url'] or 'not kept (no frame analysed)'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", help="a video file, or a webcam number (0)")
    parser.add_argument("--url", default="ws://127.0.0.1:8000/ws/v1/stream/", help="the stream's address")
    parser.add_argument("--token", required=True, help="an API token")
    parser.add_argument("--fps", type=float, default=10.0, help="frames a second to send at most (default 10)")
    parser.add_argument("--frames", type=int, help="stop after this many frames")
    parser.add_argument("--smoothing", type=float, default=1.0, help="per-person smoothing, seconds (default 1)")
    return asyncio.run(stream(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
