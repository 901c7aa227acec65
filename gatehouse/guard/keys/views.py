"""Pages of guard keys (SPEC S-08: who holds which key, handed over with the shift)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _lazy

from gatehouse.console.pages import Action
from gatehouse.guard.keys import forms, selectors, services
from gatehouse.guard.shared import guard_name
from gatehouse.guard.web import BOOTH, Desk, desk_page, managers, row


def _keys_context(at: Desk, **bound: Any) -> dict[str, Any]:
    rows, custody = selectors.key_rows(at.site, at.now)
    return {
        "rows": rows,
        "custody": custody,
        "form": bound.get("form") or forms.KeyForm(),
        "row_form": bound.get("row_form"),
        "me": guard_name(at.user),
        "manager": at.manager,
    }


def _irregular(result: services.KeyHandResult) -> str | None:
    """A key handed over by someone who was not its registered holder: recorded, to be checked."""
    return _t("已记录，但交出人并非登记的保管人，请核实。") if result.irregular else None


KEYS = desk_page(
    "keys",
    BOOTH,
    _keys_context,
    actions={
        "add": Action(
            forms.KeyForm,
            "form",
            lambda s: s.into(services.key_add, site=s.record.site),
            _lazy("已登记钥匙。"),
            item=managers(BOOTH),
        ),
        "hand": Action(
            forms.KeyHandForm,
            "row_form",
            lambda s: services.key_hand(
                key=s.item,
                actor=s.actor,
                to_holder="" if s.data["lost"] else s.data["to_holder"],
                now=s.now,
            ),
            _lazy("已记录钥匙交接。"),
            item=row(BOOTH, lambda at, pk: selectors.key_of(at.site, pk)),
            note=_irregular,
            level=messages.WARNING,
        ),
    },
)
keys = KEYS.page("add")
keys_action = KEYS.view()
