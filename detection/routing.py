# WebSocket routes, served by stressdetector/asgi.py. The live camera consumer arrives with
# the live detection feature.
websocket_urlpatterns: list = []
