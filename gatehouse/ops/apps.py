from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "gatehouse.ops"
    label = "ops"
    verbose_name = _("运行监控")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from gatehouse.ops.signals import on_login_failed

        user_login_failed.connect(on_login_failed, dispatch_uid="gatehouse.ops.login_failed")
