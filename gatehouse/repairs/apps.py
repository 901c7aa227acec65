from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "gatehouse.repairs"
    label = "repairs"
    verbose_name = _("报修工单")
