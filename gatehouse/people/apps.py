from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "gatehouse.people"
    label = "people"
    verbose_name = "人员与凭证"
