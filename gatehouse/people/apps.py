from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "gatehouse.people"
    label = "people"
    verbose_name = _("人员与凭证")
