from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "gatehouse.registers"
    label = "registers"
    verbose_name = _("登记表")

    def ready(self) -> None:
        # Every app's ``registers`` module declares its registers to the engine.
        autodiscover_modules("registers")
