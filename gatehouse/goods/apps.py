from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoodsConfig(AppConfig):
    name = "gatehouse.goods"
    label = "goods"
    verbose_name = _("物品出入")
