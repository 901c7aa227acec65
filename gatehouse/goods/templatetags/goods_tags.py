"""Template filters of the goods pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def qty(value: Any) -> str:
    """A quantity without trailing zeros and never in exponent form: ``3``, ``2.5``, ``10``."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return f"{number.normalize():f}"
