from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "gatehouse.governance"
    label = "governance"
    verbose_name = _("物业服务监管")
