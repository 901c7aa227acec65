"""Pages of guard shift handover (SPEC S-03: the 交接班记录表; the keys pass with it, S-08)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _lazy

from gatehouse.console.pages import Action, Submitted, found_or_404
from gatehouse.core.errors import DomainError
from gatehouse.guard.handover import forms, selectors, services
from gatehouse.guard.keys.selectors import active_keys, key_custody, keys_in
from gatehouse.guard.roster import selectors as roster_selectors
from gatehouse.guard.shared import guard_name
from gatehouse.guard.web import BOOTH, Confirm, Desk, desk_page, pick_user, row, user_choices


def _handover_form(at: Desk, data: Any = None) -> forms.HandoverForm:
    site, user, now = at.site, at.user, at.now
    held = set(key_custody(site, now).held_by(guard_name(user)))
    keys = active_keys(site)
    key_choices = [
        (str(k.pk), f"{k.label}（{k.door}）" + ("" if k.label in held else _t("，不在您手中")))
        for k in keys
    ]
    matters = selectors.open_matters_for(site, None, now)
    start = timezone.localtime(now).replace(second=0, microsecond=0)
    return forms.HandoverForm(
        data,
        matters=matters,
        keys=key_choices,
        initial={
            "shift_start": start,
            "arrived_at": start,
            "keys": [str(k.pk) for k in keys if k.label in held],
            "open_matters": "\n".join(matters),
        },
        choices={
            "incoming": [c for c in user_choices(site) if c[0] != str(user.pk)],
            "post": roster_selectors.post_choices(site),
        },
    )


def _handover_context(at: Desk, **bound: Any) -> dict[str, Any]:
    recent = selectors.handover_register(at.site)[:10]
    return {
        "form": bound.get("form") or _handover_form(at),
        "row_form": bound.get("row_form"),
        "to_sign": selectors.to_sign(at.site, at.user),
        "recent": [selectors.handover_row(h) for h in recent],
        "columns": selectors.HANDOVER_COLUMNS,
    }


def _record(s: Submitted) -> services.HandoverResult:
    """S-03 / S-08: the outgoing guard hands over (matters, keys, equipment) and signs; the
    incoming guard signs with their password here, or later."""
    site, d = s.record.site, s.data
    incoming = pick_user(site, d["incoming"], "incoming")
    signed = False
    if d["incoming_password"]:
        checked = authenticate(
            s.request, username=incoming.get_username(), password=d["incoming_password"]
        )
        if checked is None or checked.pk != incoming.pk:
            raise DomainError(
                "handover.password", "接班人密码不正确，未签字", {"field": "incoming_password"}
            )
        signed = True
    post = found_or_404(roster_selectors.post_of(site, d["post"])) if d.get("post") else None
    return services.handover_record(
        site=site,
        actor=s.actor,
        incoming=incoming,
        shift_start=d["shift_start"],
        arrived_at=d["arrived_at"],
        open_matters=d["open_matters"],
        resolved=d.get("resolved") or (),
        keys=keys_in(site, d["keys"]),
        equipment=d["equipment"],
        notes=d["notes"],
        incoming_signed=signed,
        post=post,
        now=s.now,
    )


def _problems(result: services.HandoverResult) -> str | None:
    """A handover recorded with something missing or late: what, as a warning."""
    if result.check.complete and result.arrival.on_time:
        return None
    return _t("已记录交接：") + "；".join(result.handover.problems)


def _bound_handover(request: HttpRequest, at: Desk) -> forms.HandoverForm:
    return _handover_form(at, request.POST)


HANDOVER = desk_page(
    "handover",
    BOOTH,
    _handover_context,
    actions={
        "record": Action(
            _bound_handover,
            "form",
            _record,
            _lazy("交接完成，双方已签字。"),
            note=_problems,
            level=messages.WARNING,
        ),
        "sign": Action(
            Confirm,
            "row_form",
            lambda s: services.handover_sign(handover=s.item, actor=s.actor, now=s.now),
            _lazy("已签字接班。"),
            item=row(BOOTH, lambda at, pk: selectors.handover_of(at.site, pk)),
        ),
    },
)
handover = HANDOVER.page("record")
handover_action = HANDOVER.view()
