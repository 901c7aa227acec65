"""The register of rectification notices (限期整改通知书登记, GV-04), as the register engine serves
it under /governance/notices/: each notice's number (leading to its page), recipient, finding,
deadline, delivery and check, its stage as the core judges it today (overdue ones marked), with
the xlsx export and the A4 paper."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gatehouse.core import rectification
from gatehouse.governance import notice_selectors
from gatehouse.governance.models import RectificationNotice
from gatehouse.governance.notice_forms import STAGE_LABELS, NoticeFilterForm
from gatehouse.governance.notice_views import NOTICE_ROLES
from gatehouse.registers.cells import display
from gatehouse.registers.engine import Column, Register, Row, declare

LABELS = (
    _("通知书编号"),
    _("受文对象"),
    _("存在问题"),
    _("下达日期"),
    _("整改期限"),
    _("送达（签收人）"),
    _("复查"),
    _("状态"),
)


def _delivered(n: RectificationNotice) -> str:
    if n.delivered_at is None:
        return "—"
    day = f"{timezone.localtime(n.delivered_at):%Y-%m-%d}"
    return f"{day} {n.delivered_to}（{display(n, 'delivery_method')}）"


def _checked(n: RectificationNotice) -> str:
    if not n.result:
        return "—"
    return f"{n.checked_on:%Y-%m-%d} {display(n, 'result')}"


def _row_at(now: datetime) -> Any:
    today = timezone.localdate(now)

    def row(n: RectificationNotice) -> Row:
        stage = notice_selectors.stage(n, today)
        flagged = rectification.overdue(notice_selectors.facts(n), today)
        return Row(
            (
                n.number,
                n.recipient,
                n.finding,
                f"{timezone.localtime(n.issued_at):%Y-%m-%d}",
                f"{n.deadline:%Y-%m-%d}",
                _delivered(n),
                _checked(n),
                str(STAGE_LABELS[str(stage)]),
            ),
            "row-refused" if flagged else "",
            n,
        )

    return row


declare(
    Register(
        "governance:notices",
        _("限期整改通知书"),
        (
            Column(LABELS[0], link=lambda n: reverse("governance:notice", args=[n.pk])),
            *(Column(label) for label in LABELS[1:]),
        ),
        NoticeFilterForm,
        notice_selectors.search_notices,
        _("没有符合条件的限期整改通知书。"),
        row=lambda n: _row_at(timezone.now())(n),  # judged as of the moment it is read
        roles=NOTICE_ROLES,
        actions=(("governance:notice_new", _("下达限期整改通知书")),),
        takes_now=True,
        per_page=30,
    ),
)
