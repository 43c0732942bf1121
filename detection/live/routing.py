# WebSocket routes, served by stressdetector/asgi.py: the browser's behind the session and the
# origin check, the programs' (API token in the handshake) behind neither.
from django.urls import path

from detection.live import consumers

websocket_urlpatterns = [
    path("ws/live/", consumers.LiveConsumer.as_asgi()),
]

# Every route under this prefix is a program's (stressdetector/asgi.py dispatches on it).
TOKEN_WEBSOCKET_PREFIX = "/ws/v1/"
token_websocket_urlpatterns = [
    path("ws/v1/stream/", consumers.StreamConsumer.as_asgi()),
]
