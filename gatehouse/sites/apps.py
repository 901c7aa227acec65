from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "gatehouse.sites"
    label = "sites"
    verbose_name = "场所"
