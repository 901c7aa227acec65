from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "gatehouse.notify"
    label = "notify"
    verbose_name = _("消息通知")

    def ready(self) -> None:
        # Who leads the duty now (for alarms by SMS) is the guard app's to say; it is looked up
        # through this hook so the gate, which sends alarms, never imports the guard app.
        from gatehouse.notify import leaders, services

        if leaders.on_duty not in services.LEADER_LOOKUP:
            services.LEADER_LOOKUP.append(leaders.on_duty)
