from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpidemicConfig(AppConfig):
    name = "gatehouse.epidemic"
    label = "epidemic"
    verbose_name = _("疫情防控")
