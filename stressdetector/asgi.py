"""The ASGI entry point: HTTP through Django, WebSockets through Channels.

`make run` and docker/start-web serve it with uvicorn. `manage.py runserver` (daphne) works too,
but daphne takes a whole request body into memory before the application sees it, so the
request-body cap (stressdetector/body_limit.py) protects it less.
"""

import os

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stressdetector.settings.base")

# Set up Django (apps, models) before importing anything that imports models.
django_asgi_app = get_asgi_application()

from detection.analyses.maintenance import start_in_process_maintenance  # noqa: E402
from detection.live.routing import websocket_urlpatterns  # noqa: E402
from stressdetector.body_limit import RequestBodyLimit  # noqa: E402
from stressdetector.websocket import SameOriginValidator  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": RequestBodyLimit(django_asgi_app),
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# Without a broker, this process runs the analyses, so it also recovers the ones a previous run
# of it left unfinished, and keeps doing its housekeeping (detection/analyses/maintenance.py).
start_in_process_maintenance()
