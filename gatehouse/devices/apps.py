from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "gatehouse.devices"
    label = "devices"
    verbose_name = "设备"
