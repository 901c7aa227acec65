"""WSGI entry point (served by granian in `make demo`): Django, with the device routes of
:mod:`gatehouse.fastpath` answered beside its request cycle."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatehouse.settings")

from django.urls import get_resolver

from gatehouse.fastpath import DeviceFastPath

application = DeviceFastPath(get_wsgi_application())
get_resolver().url_patterns  # import every view now, not on the first request  # noqa: B018
gc.freeze()
