"""The WSGI entry point, for plain HTTP servers. WebSockets need asgi.py."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stressdetector.settings.base")

application = get_wsgi_application()
