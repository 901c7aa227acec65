from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "gatehouse.console"
    label = "console"
    verbose_name = "控制台"
