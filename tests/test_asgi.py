"""The ASGI application serves HTTP through Django and WebSockets through Channels."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import HttpCommunicator, WebsocketCommunicator
from django.conf import settings

from stressdetector.asgi import application


@pytest.mark.django_db
def test_it_serves_http():
    async def get_home():
        communicator = HttpCommunicator(application, "GET", "/", headers=[(b"host", b"localhost")])
        return await communicator.get_response()

    response = async_to_sync(get_home)()

    assert response["status"] == 200
    assert b"Stress Detector" in response["body"]


@pytest.mark.django_db
def test_it_refuses_websockets_from_another_origin():
    async def connect():
        communicator = WebsocketCommunicator(application, "/ws/live/", headers=[(b"origin", b"https://evil.example")])
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert async_to_sync(connect)() is False


async def send_and_receive(layer) -> dict:
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "stress.test", "text": "hello"})
    return await layer.receive(channel)


def test_the_in_memory_channel_layer_passes_messages(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

    message = async_to_sync(send_and_receive)(get_channel_layer())

    assert message == {"type": "stress.test", "text": "hello"}


@pytest.mark.redis
def test_the_redis_channel_layer_passes_messages():
    from channels_redis.core import RedisChannelLayer

    layer = RedisChannelLayer(hosts=[settings.REDIS_URL])

    async def round_trip():
        try:
            return await send_and_receive(layer)
        finally:
            await layer.close_pools()

    assert async_to_sync(round_trip)() == {"type": "stress.test", "text": "hello"}
