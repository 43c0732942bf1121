"""Per-user limits on the live camera, so that one account cannot starve everyone's analysis:
at most LIVE_MAX_SOCKETS_PER_USER open sockets, and at most LIVE_MAX_FPS_PER_USER frames a
second over all of them (each socket also keeps its own LIVE_MAX_FPS).

The counts live in the web process (one event loop, so no locking): with several web processes
behind a balancer a user may have the limits once per process, and each process's inference
threads are shared by that process's sockets only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings


class RateLimiter:
    """A token bucket: ``rate`` events a second on average, bursts of up to ``rate``."""

    def __init__(self, rate: float, *, clock=time.monotonic):
        self.rate = rate
        self.tokens = rate
        self.clock = clock
        self.updated = clock()

    def allow(self) -> bool:
        now = self.clock()
        self.tokens = min(self.rate, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


@dataclass
class _UserUsage:
    sockets: int = 0
    frames: RateLimiter = field(default_factory=lambda: RateLimiter(settings.LIVE_MAX_FPS_PER_USER))


_usage: dict[int, _UserUsage] = {}


def socket_open(user_id: int) -> bool:
    """Count a new socket of this user; False (and nothing counted) when they have the most allowed."""
    usage = _usage.setdefault(user_id, _UserUsage())
    if usage.sockets >= settings.LIVE_MAX_SOCKETS_PER_USER:
        if not usage.sockets:
            del _usage[user_id]
        return False
    usage.sockets += 1
    return True


def socket_closed(user_id: int) -> None:
    """Undo one :func:`socket_open` that returned True."""
    usage = _usage.get(user_id)
    if usage is None:
        return
    usage.sockets -= 1
    if usage.sockets <= 0:
        del _usage[user_id]


def frame_allowed(user_id: int) -> bool:
    """Whether the user may have another frame analysed now (over all their sockets)."""
    usage = _usage.get(user_id)
    return usage is None or usage.frames.allow()


def open_sockets(user_id: int) -> int:
    usage = _usage.get(user_id)
    return usage.sockets if usage else 0
