from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParkingConfig(AppConfig):
    name = "gatehouse.parking"
    label = "parking"
    verbose_name = _("停车收费")
