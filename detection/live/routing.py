# WebSocket routes, served by stressdetector/asgi.py (which adds authentication and the
# origin check around them).
from django.urls import path

from detection.live import consumers

websocket_urlpatterns = [
    path("ws/live/", consumers.LiveConsumer.as_asgi()),
]
