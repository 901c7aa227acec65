from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdmissionConfig(AppConfig):
    name = "gatehouse.admission"
    label = "admission"
    verbose_name = _("入园与用地监管")
