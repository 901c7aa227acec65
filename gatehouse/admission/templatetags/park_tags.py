"""Filters for the park committee's and the industry association's pages: money in yuan, the
labels of the core's codes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from gatehouse.core.land import yuan as _yuan

register = template.Library()

SEVERITY_LABELS = {
    "block": _("材料不全"),
    "refuse": _("不符合"),
    "relaxable": _("可放宽，待管委会决定"),
    "flag": _("须管委会研究"),
    "info": _("说明"),
}
STATE_LABELS = {
    "blocked": _("材料不全"),
    "refused": _("不予入园"),
    "awaiting_decision": _("待管委会决定"),
    "admissible": _("符合入园条件"),
}
DEADLINE_LABELS = {
    "overdue": _("已生效"),
    "due": _("今日生效"),
    "future": _("即将到期"),
}
REPORT_LABELS = {
    "filed": _("按时报送"),
    "filed_late": _("逾期报送"),
    "overdue": _("逾期未报"),
    "due": _("今日到期"),
    "pending": _("待报送"),
}


@register.filter
def yuan(fen: Any) -> str:
    """Integer fen as yuan with two decimals: ``123456`` → ``1,234.56元``; blank stays blank."""
    if fen is None or fen == "":
        return "—"
    return _yuan(int(fen))


@register.filter
def number(value: Any) -> str:
    """A Decimal without trailing zeros: ``12.5000`` → ``12.5``."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value).normalize():f}"


@register.filter
def severity_label(code: Any) -> Any:
    return SEVERITY_LABELS.get(str(code), code)


@register.filter
def state_label(code: Any) -> Any:
    return STATE_LABELS.get(str(code), code)


@register.filter
def deadline_label(code: Any) -> Any:
    return DEADLINE_LABELS.get(str(code), code)


@register.filter
def report_label(code: Any) -> Any:
    return REPORT_LABELS.get(str(code), code)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None
