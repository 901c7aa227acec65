from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "gatehouse.access"
    label = "access"
    verbose_name = _("出入通行")
