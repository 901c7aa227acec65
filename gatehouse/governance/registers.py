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

from gatehouse.core import rectification, referral
from gatehouse.governance import notice_selectors, plan_selectors, referrals
from gatehouse.governance.models import RectificationNotice, Referral
from gatehouse.governance.notice_forms import STAGE_LABELS, NoticeFilterForm
from gatehouse.governance.notice_views import NOTICE_ROLES
from gatehouse.governance.plan_forms import REFERRAL_STAGE_LABELS, ReferralFilterForm
from gatehouse.governance.plan_views import REFERRAL_ROLES
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


# -- 违法行为移交登记 (T6: 移交市容、公安) --------------------------------------------------------

REFERRAL_LABELS = (
    _("移交日期"),
    _("违法行为"),
    _("地点"),
    _("情况"),
    _("移交部门"),
    _("受理"),
    _("处理结果"),
    _("状态"),
)


def _referral_row_at(now: datetime) -> Any:
    today = timezone.localdate(now)

    def row(r: Referral) -> Row:
        facts = referrals.facts(r)
        flag = referral.overdue(facts, today)
        stage = str(REFERRAL_STAGE_LABELS[str(referral.stage(facts))])
        received = f"{r.received_on:%Y-%m-%d} {r.receiver}" if r.received_on else "—"
        handled = f"{r.handled_on:%Y-%m-%d} {r.result}" if r.handled_on else "—"
        return Row(
            (
                f"{r.referred_on:%Y-%m-%d}",
                display(r, "kind"),
                r.place,
                r.description,
                display(r, "agency"),
                received,
                handled,
                f"{stage}（{referral.OVERDUE_LABELS[flag]}）" if flag else stage,
            ),
            "row-refused" if flag else "",
            r,
        )

    return row


declare(
    Register(
        "governance:referrals",
        _("违法行为移交登记"),
        (
            Column(REFERRAL_LABELS[0], link=lambda r: reverse("governance:referral", args=[r.pk])),
            *(Column(label) for label in REFERRAL_LABELS[1:]),
        ),
        ReferralFilterForm,
        plan_selectors.search_referrals,
        _("没有符合条件的移交记录。"),
        row=lambda r: _referral_row_at(timezone.now())(r),
        roles=REFERRAL_ROLES,
        actions=(("governance:referral_new", _("移交违法行为")),),
        takes_now=True,
        per_page=30,
    ),
)
