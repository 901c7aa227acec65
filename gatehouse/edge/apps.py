from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EdgeConfig(AppConfig):
    name = "gatehouse.edge"
    label = "edge"
    verbose_name = _("边缘网关")
