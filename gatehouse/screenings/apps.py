from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningsConfig(AppConfig):
    name = "gatehouse.screenings"
    label = "screenings"
    verbose_name = _("排查与专项行动")
