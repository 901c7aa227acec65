"""Chinese first: the language is the one the user chose with the switch, else Chinese.

Django's ``LocaleMiddleware`` also honours the browser's ``Accept-Language``, so a booth PC with
an English Windows would greet a guard in English. Gatehouse is a Chinese product with English
available on request: only the language cookie written by ``set_language`` overrides
``LANGUAGE_CODE``. Use this class in place of ``django.middleware.locale.LocaleMiddleware``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import get_supported_language_variant


def chosen_language(request: HttpRequest) -> str:
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie:
        try:
            return get_supported_language_variant(cookie)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
