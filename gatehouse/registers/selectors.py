"""Reading the registers (SPEC §11), the event log (§12) and who is on site now (VI-03).

Every read is scoped to one site and shows personal data masked only. Each register has a query
(``visitor_register`` …) and the columns of its printed form (``VISIT_COLUMNS`` + ``visit_row``),
used by the page and the xlsx export alike.

"On site now" never scans the event log: visitors come from ``Visit.status='inside'`` (index
``visit_inside_idx``) and employees out from open ``StaffExit`` rows (``staff_exit_open_idx``).
The event log pages by keyset on ``(at, id)`` over the ``(site, -at)`` index, never counting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gatehouse.access.models import AccessEvent, Notice, StaffExit
from gatehouse.core.access import Entrant, Overstay, overstay
from gatehouse.core.masking import mask_name
from gatehouse.gate.timeout import within
from gatehouse.registers.cells import (
    SECONDS,
    SHANGHAI,
    display,
    hm,
    local,
    register_rows,
    stamp,
    user_name,
    window,
)
from gatehouse.registers.engine import Row
from gatehouse.sites.models import Gate, Lane, Site
from gatehouse.visitors.models import MailItem, Visit, VisitStatus

EVENTS_PER_PAGE = 50
WORKER_KINDS = frozenset({Entrant.DECORATION_WORKER.value, Entrant.ONE_TIME_WORKER.value})
OVERSTAY_KIND = "visitor.overstay"
# Notices shown as alerts on the "on site now" page (last 24 h).
ALERT_KINDS = ("blacklist.hit", "epidemic.fever", "epidemic.code_abnormal", OVERSTAY_KIND)
ALERT_WINDOW = timedelta(hours=24)


def closing_at(site: Site, now: datetime) -> datetime:
    """Today's visitor closing time at ``site`` (Asia/Shanghai)."""
    today = local(now).date()  # type: ignore[union-attr]
    return datetime.combine(today, site.visitor_closing_time, tzinfo=SHANGHAI)


def overdue_reason(visit: Visit, site: Site, now: datetime) -> str:
    """Why a visitor still inside is overdue (VI-03, decided by the core), or "" if not."""
    today = local(now).date()  # type: ignore[union-attr]
    why = overstay(
        time_in=visit.time_in,
        time_limit_at=visit.time_limit_at,
        day_starts=datetime.combine(today, time(0), tzinfo=SHANGHAI),
        closing_at=closing_at(site, now),
        now=now,
    )
    if why is Overstay.TIME_LIMIT:
        assert visit.time_limit_at is not None
        return gettext("已超过限时离开时间 %(time)s") % {"time": hm(visit.time_limit_at, today)}
    if why is Overstay.OVERNIGHT:
        return gettext("在园过夜，至今未登记离开")
    if why is Overstay.AFTER_CLOSING:
        return gettext("已过访客离场时间 %(time)s") % {"time": f"{site.visitor_closing_time:%H:%M}"}
    return ""


# -- 来客进出登记表 (VI-01) --

VISIT_COLUMNS: tuple[str | Promise, ...] = (
    _("日期"),
    _("姓名"),
    _("身份证号"),
    _("电话"),
    _("来访类别"),
    _("来访事由"),
    _("被访人/房号"),
    _("随行人数"),
    _("进入时间"),
    _("离开时间"),
    _("状态"),
    _("登记人"),
)


def visitor_register(
    site: Site,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    status: str = "",
    kind: str = "",
) -> QuerySet[Visit]:
    """Rows of 来客进出登记表 registered between the dates, newest first: one row per visit."""
    return register_rows(
        Visit.objects.filter(site=site),
        "registered_at",
        date_from,
        date_to,
        q=q,
        search=(
            "name__icontains",
            "house__number__icontains",
            "host_text__icontains",
            "purpose__icontains",
            "company__icontains",
            "phone_last4",
            "id_number_masked__endswith",
        ),
        where={"status": status, "kind": kind},
        related=("house", "host", "registered_by"),
    )


def _host_label(visit: Visit) -> str:
    parts = []
    if visit.house is not None:
        parts.append(visit.house.number)
    if visit.host is not None:
        parts.append(mask_name(visit.host.name))
    if visit.host_text:
        parts.append(visit.host_text)
    return " / ".join(parts) or "—"


def visit_row(visit: Visit) -> Row:
    day = local(visit.registered_at).date()  # type: ignore[union-attr]
    css = {
        VisitStatus.INSIDE: "row-inside",
        VisitStatus.REFUSED: "row-refused",
        VisitStatus.WAITING: "row-waiting",
    }.get(visit.status, "")
    return Row(
        (
            f"{day:%Y-%m-%d}",
            mask_name(visit.name),
            visit.id_number_masked or "—",
            visit.phone_masked or "—",
            display(visit, "kind"),
            visit.purpose,
            _host_label(visit),
            str(visit.companions),
            hm(visit.time_in, day),
            hm(visit.time_out, day),
            display(visit, "status"),
            user_name(visit.registered_by),
        ),
        css,
        visit,
    )


# -- 上班中途进出员工登记表 (P-12) --

STAFF_EXIT_COLUMNS: tuple[str | Promise, ...] = (
    _("日期"),
    _("姓名"),
    _("部门"),
    _("外出时间"),
    _("返回时间"),
    _("事由"),
    _("审批人"),
    _("登记人"),
)


def staff_exit_register(
    site: Site,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    status: str = "",
) -> QuerySet[StaffExit]:
    return register_rows(
        StaffExit.objects.filter(site=site),
        "out_at",
        date_from,
        date_to,
        q=q,
        search=(
            "person__name__icontains",
            "enterprise_name__icontains",
            "reason__icontains",
            "approver__icontains",
        ),
        where={"back_at__isnull": {"out": True, "back": False}.get(status)},
        related=("person", "registered_by"),
    )


def staff_exit_row(row: StaffExit) -> Row:
    day = local(row.out_at).date()  # type: ignore[union-attr]
    return Row(
        (
            f"{day:%Y-%m-%d}",
            mask_name(row.person.name),
            row.enterprise_name or "—",
            hm(row.out_at, day),
            hm(row.back_at, day) if row.back_at else str(_("未返回")),
            row.reason,
            row.approver or "—",
            user_name(row.registered_by),
        ),
        "row-out" if row.back_at is None else "",
        row,
    )


# -- 外来信件报刊登记表 (VI-04) --

MAIL_COLUMNS: tuple[str | Promise, ...] = (
    _("收到时间"),
    _("类别"),
    _("寄件单位/人"),
    _("收件人"),
    _("收件部门/房号"),
    _("件数"),
    _("通知时间"),
    _("领取时间"),
    _("领取人"),
    _("登记人"),
)


def mail_register(
    site: Site,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    status: str = "",
) -> QuerySet[MailItem]:
    return register_rows(
        MailItem.objects.filter(site=site),
        "received_at",
        date_from,
        date_to,
        q=q,
        search=("recipient_name__icontains", "recipient_unit__icontains", "sender__icontains"),
        where={"handed_at__isnull": {"waiting": True, "handed": False}.get(status)},
        related=("received_by",),
    )


def mail_row(item: MailItem) -> Row:
    day = local(item.received_at).date()  # type: ignore[union-attr]
    return Row(
        (
            stamp(item.received_at),
            display(item, "kind"),
            item.sender or "—",
            mask_name(item.recipient_name),
            item.recipient_unit or "—",
            str(item.count),
            hm(item.notified_at, day),
            hm(item.handed_at, day),
            mask_name(item.handed_to) if item.handed_to else "—",
            user_name(item.received_by),
        ),
        "row-waiting" if item.handed_at is None else "",
        item,
    )


# -- the event log (§12) --

EVENT_COLUMNS: tuple[str | Promise, ...] = (
    _("时间"),
    _("出入口/通道"),
    _("方向"),
    _("通行类别"),
    _("通行人"),
    _("凭证"),
    _("结果"),
    _("原因"),
    _("规则"),
    _("值班人员"),
)


@dataclass(frozen=True)
class EventPage:
    rows: list[Row]
    next_cursor: str = ""  # "" when this is the last page


def gate_choices(site: Site) -> list[tuple[str, str]]:
    return list(Gate.objects.filter(site=site).order_by("code").values_list("code", "name"))


def event_query(
    site: Site,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    outcome: str = "",
    q: str = "",
    gate: str = "",
) -> QuerySet[AccessEvent]:
    """Gate decisions of ``site`` the filters ask for, newest first (the log, its export and
    its print)."""
    qs = window(AccessEvent.objects.filter(site=site), "at", date_from, date_to)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if gate:
        # The gate's lanes as numbers, not a join: the planner then knows what share of the log
        # they hold, and walks the (site, at) index newest first for a busy gate or a lane's
        # (lane, at) index for a quiet one (issue 18 §4: the join sorted a whole day's events
        # of the gate for each page).
        lanes = Lane.objects.filter(gate__site=site, gate__code=gate).values_list("pk", flat=True)
        qs = qs.filter(lane_id__in=list(lanes))
    if q:
        qs = qs.filter(event_search(q))
    return qs.select_related("lane__gate", "guard").order_by("-at", "-pk")


# How long the newest-first walk of a text search may take before the page is found the other
# way round (see _searched_page).
SEARCH_WALK_MS = 80


def _searched_page(qs: QuerySet[AccessEvent], n: int) -> list[AccessEvent]:
    """A text search's page, on PostgreSQL robust to how rare the text is.

    The planner's cheapest-looking plan for "the 50 newest events containing X" walks the
    site's (site, at) index newest first and stops at the 50th match: instant when X is common,
    a walk through the whole log when X is rare or absent (6.7 s at 5 million events). The other
    plan — the trigram indexes find every match, then the newest 50 are sorted out — is instant
    when X is rare and slow when it is common. Which one is right depends on X, which the
    planner cannot know. So the walk is tried first under a short statement timeout; if it has
    not finished by then X is rare, and the page is found through the trigram indexes (the
    order by ``at + 0`` keeps the planner off the index walk). Both give the same rows in the same
    order. Elsewhere (SQLite) the walk is the only plan."""
    found = within(qs, n, SEARCH_WALK_MS)  # the replica's, when the register reads from one
    if found is not None:
        return found
    shifted = ExpressionWrapper(F("at") + Value(timedelta(0)), output_field=DateTimeField())
    return list(qs.order_by(shifted.desc(), "-pk")[:n])


def event_search(q: str) -> Q:
    """The event log's text search; on PostgreSQL each column has a trigram index on exactly
    this expression (access/0008), so the search is an index lookup, not a scan."""
    return (
        Q(subject__icontains=q)
        | Q(credential_masked__icontains=q)
        | Q(reason__icontains=q)
        | Q(message__icontains=q)
    )


def events(
    site: Site,
    *,
    before: tuple[datetime, int] | None = None,
    limit: int = EVENTS_PER_PAGE,
    **filters: Any,
) -> EventPage:
    """Gate decisions of ``site``, newest first, ``limit`` a page after the cursor ``before``."""
    qs = event_query(site, **filters)
    if before is not None:
        at, pk = before
        qs = qs.filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))
    found = _searched_page(qs, limit + 1) if filters.get("q") else list(qs[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    cursor = f"{found[-1].at.isoformat()}|{found[-1].pk}" if more and found else ""
    return EventPage([event_row(e) for e in found], cursor)


def event_row(event: AccessEvent) -> Row:
    """One decision: the reason as the guard read it (Chinese, no code in the sentence); the
    rule and the reason's code stand apart in the 规则 column, for whoever checks the rule."""
    reason = event.message or event.reason
    if event.note:
        reason += f" · {event.note}"
    rule = " · ".join(part for part in (event.rule, event.reason) if part) or "—"
    return Row(
        (
            stamp(event.at, SECONDS),
            f"{event.lane.gate.name}·{event.lane.name}",
            display(event, "direction"),
            display(event, "entrant"),
            event.subject or "—",
            event.credential_masked or "—",
            display(event, "outcome"),
            reason,
            rule,
            user_name(event.guard) if event.guard_id else "—",
        ),
        f"row-{event.outcome}",
        event,
    )


# -- who is on site now (VI-03) --


@dataclass(frozen=True)
class OnSiteVisit:
    visit: Visit
    name: str
    kind: str
    host: str
    time_in: str
    limit: str
    overdue: str  # the reason it is overdue, "" if not


@dataclass
class OnSite:
    now: datetime
    closing_at: datetime
    visitors: list[OnSiteVisit] = field(default_factory=list)
    workers: list[OnSiteVisit] = field(default_factory=list)
    staff_out: list[Row] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return sum(1 for v in (*self.visitors, *self.workers) if v.overdue)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "visitors": len(self.visitors),
            "workers": len(self.workers),
            "staff_out": len(self.staff_out),
            "overdue": self.overdue_count,
        }


def inside_visits(site: Site) -> QuerySet[Visit]:
    """Visits still inside (``visit_inside_idx``)."""
    return (
        Visit.objects.filter(site=site, status=VisitStatus.INSIDE)
        .select_related("house", "host")
        .order_by("time_in", "pk")
    )


# What the board, the overstay flags (their message) and the booth's alert strip read of a visit
# inside: a fifth of the columns of a visit and its host (issue 18 §4: building hundreds of
# whole rows cost more than the query).
ON_SITE_FIELDS = (
    "site_id",
    "kind",
    "name",
    "host_text",
    "status",
    "time_in",
    "time_limit_at",
    "house__number",
    "host__name",
)


def on_site_now(site: Site, now: datetime) -> OnSite:
    result = OnSite(now=now, closing_at=closing_at(site, now))
    today = local(now).date()  # type: ignore[union-attr]
    for visit in inside_visits(site).only(*ON_SITE_FIELDS):
        visit.site = site
        item = OnSiteVisit(
            visit=visit,
            name=mask_name(visit.name),
            kind=display(visit, "kind"),
            host=_host_label(visit),
            time_in=hm(visit.time_in, today),
            limit=hm(visit.time_limit_at, today) if visit.time_limit_at else "",
            overdue=overdue_reason(visit, site, now),
        )
        (result.workers if visit.kind in WORKER_KINDS else result.visitors).append(item)
    open_exits = (
        StaffExit.objects.filter(site=site, back_at__isnull=True)
        .select_related("person", "registered_by")
        .order_by("out_at", "pk")
    )
    result.staff_out = [staff_exit_row(row) for row in open_exits]
    return result


def alerts(site: Site, now: datetime) -> list[Notice]:
    """Blacklist hits, fever/abnormal health codes and overstays of the last 24 hours."""
    return list(
        Notice.objects.filter(site=site, kind__in=ALERT_KINDS, created_at__gte=now - ALERT_WINDOW)
        .select_related("acknowledged_by")
        .order_by(F("acknowledged_at").asc(nulls_first=True), "-created_at")[:100]
    )


def notice_at(site: Site, pk: int) -> Notice | None:
    return Notice.objects.filter(site=site, pk=pk).first()


def rows_of(items: Sequence[Any] | QuerySet, row: Any) -> list[Row]:
    return [row(item) for item in items]
