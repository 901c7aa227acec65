"""Filters for showing identifiers on console pages: masked unless a guard needs them whole."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from gatehouse.core.errors import DomainError
from gatehouse.core.ids import parse_plate
from gatehouse.core.masking import mask_card

register = template.Library()

PLATE_KIND_LABELS = {
    "ordinary": _("普通号牌"),
    "new_energy_small": _("小型新能源号牌"),
    "new_energy_large": _("大型新能源号牌"),
    "coach": _("教练车号牌"),
    "police": _("警用号牌"),
    "trailer": _("挂车号牌"),
    "consulate": _("领馆号牌"),
    "embassy": _("使馆号牌"),
    "emergency": _("应急救援号牌"),
    "hong_kong": _("港车号牌"),
    "macau": _("澳车号牌"),
}


@register.filter
def plate_display(number: str) -> str:
    """``京A12345`` → ``京A·12345``; a value that is not a valid plate is shown as stored."""
    try:
        return parse_plate(number).display
    except DomainError:
        return number


@register.filter
def plate_kind_label(kind: str) -> Any:
    return PLATE_KIND_LABELS.get(kind, kind)


@register.filter
def credential_number(credential: Any) -> str:
    """A plate whole (a guard reads it off the car); any card, badge or QR masked."""
    if credential.kind == "plate":
        return plate_display(credential.number)
    return mask_card(credential.number)


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with ``changes`` applied (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()
