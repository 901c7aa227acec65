from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitorsConfig(AppConfig):
    name = "gatehouse.visitors"
    label = "visitors"
    verbose_name = _("来客与出入证")
