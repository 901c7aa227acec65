from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrafficConfig(AppConfig):
    name = "gatehouse.traffic"
    label = "traffic"
    verbose_name = _("园区行车停车秩序")
