"""The on-site board's table rows, written in Python: a busy site has hundreds of visitors
inside, and the template language spent about 0.1 ms a row on them (issue 18 §4, the page's
time around its query). Every value is escaped here, as the template escaped it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def on_site_rows(items: Iterable[Any]) -> SafeString:
    """``<tr>`` rows of :class:`gatehouse.registers.selectors.OnSiteVisit` items, each cell
    with its column's label for the narrow (card) layout."""
    name, kind, host, came, limit, note = (
        escape(gettext(label))
        for label in ("姓名", "来访类别", "被访人/房号", "进入时间", "限时离开", "提醒")
    )
    rows = []
    for v in items:
        overdue = f'<strong class="overdue">{escape(v.overdue)}</strong>' if v.overdue else "—"
        rows.append(
            ('<tr class="row-overdue">' if v.overdue else "<tr>")
            + f'<td data-label="{name}">{escape(v.name)}</td>'
            f'<td data-label="{kind}">{escape(v.kind)}</td>'
            f'<td data-label="{host}">{escape(v.host)}</td>'
            f'<td data-label="{came}" class="mono">{escape(v.time_in)}</td>'
            f'<td data-label="{limit}" class="mono">{escape(v.limit or "—")}</td>'
            f'<td data-label="{note}">{overdue}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value escaped above)
