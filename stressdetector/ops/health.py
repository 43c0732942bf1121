"""Readiness checks: can this process serve? Each check raises when its part is not usable;
:func:`readiness` runs them all at once, each within READY_CHECK_TIMEOUT."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


async def database_check() -> None:
    await sync_to_async(_database)()


class NotConfigured(Exception):
    """The part is not used by this deployment (no REDIS_URL): nothing to check, and not an error."""


async def redis_check() -> None:
    """Redis carries Celery's queue and results and the cache (the channel layer is checked
    on its own); without REDIS_URL there is nothing to check."""
    if not settings.REDIS_URL:
        raise NotConfigured
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT_S,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT_S,
    )
    try:
        await client.ping()
    finally:
        await client.aclose()


async def channel_layer_check() -> None:
    """A message sent to a fresh channel comes back: the live camera's alerts can be delivered."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "ready.check", "token": token})
    message = await layer.receive(channel)
    if message.get("token") != token:
        raise RuntimeError("the channel layer returned another message")


def _load_model() -> None:
    from ml.pipeline import get_analyzer

    # Loads the model on the first call (seconds), then returns the process's loaded copy.
    get_analyzer(settings.ML_WEIGHTS_DIR or None)


async def model_check() -> None:
    # In a thread of its own: a first load that outlasts the timeout goes on in the background,
    # and a later check finds the model loaded.
    await sync_to_async(_load_model, thread_sensitive=False)()


CHECKS: dict[str, Callable[[], Awaitable[None]]] = {
    "database": database_check,
    "redis": redis_check,
    "channel_layer": channel_layer_check,
    "model": model_check,
}


async def _run(check: Callable[[], Awaitable[None]]) -> str:
    try:
        await asyncio.wait_for(check(), timeout=settings.READY_CHECK_TIMEOUT_S)
    except NotConfigured:
        return "not configured"
    except TimeoutError:
        return f"error: no answer within {settings.READY_CHECK_TIMEOUT_S:g} s"
    except Exception as error:  # Any failure means "not ready"; say which and why.
        return f"error: {type(error).__name__}: {error}".strip().rstrip(":")
    return "ok"


async def readiness() -> dict[str, str]:
    """Each check's name and "ok", "not configured" or "error: <why>"."""
    results = await asyncio.gather(*(_run(check) for check in CHECKS.values()))
    return dict(zip(CHECKS, results))
