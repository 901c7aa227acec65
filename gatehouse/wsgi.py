"""WSGI entry point (served by granian in `make demo`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatehouse.settings")
application = get_wsgi_application()
