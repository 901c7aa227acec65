"""The booth's reads (SPEC §2, §3, VI-04): what the guard's screen lists, for one site.

Each function takes the site (and the gate or the moment where the list depends on them) and
returns rows of that site only; the booth's views call these and hold no query of their own."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet

from gatehouse.access.models import Notice, NoticeAudience, StaffExit
from gatehouse.people.models import Person
from gatehouse.sites.models import Gate, LaneKind, Site
from gatehouse.visitors.models import GateRequest, MailItem, Pass, RequestStatus, Visit, VisitStatus


def walking_gates(site: Site) -> list[Gate]:
    """The site's gates with a lane for people (a booth can only stand at one of these)."""
    found = Gate.objects.filter(site=site, lanes__kind=LaneKind.NON_MOTOR).distinct()
    return list(found.order_by("code"))


def person_at(site: Site, pk: int) -> Person | None:
    return Person.objects.filter(site=site, pk=pk).first()


def pass_numbered(site: Site, number: str) -> Pass | None:
    return Pass.objects.filter(site=site, number=number).first()


def requests_at(site: Site, gate: Gate | None) -> QuerySet[GateRequest]:
    """The site's gate requests, of one gate when the booth stands at one."""
    here = GateRequest.objects.filter(site=site).select_related("person", "visit", "lane")
    return here.filter(lane__gate=gate) if gate is not None else here


def open_requests(site: Site, gate: Gate | None) -> list[GateRequest]:
    return list(requests_at(site, gate).filter(closed_at__isnull=True).order_by("deadline"))


def recently_expired(site: Site, gate: Gate | None, since: datetime) -> list[GateRequest]:
    found = requests_at(site, gate).filter(status=RequestStatus.EXPIRED, closed_at__gte=since)
    return list(found.order_by("-closed_at"))


def recently_closed(site: Site, gate: Gate | None, since: datetime) -> list[GateRequest]:
    """Requests answered and closed since ``since`` (the ones whose door may have opened)."""
    found = requests_at(site, gate).filter(closed_at__gte=since, status=RequestStatus.GRANTED)
    return list(found.order_by("-closed_at", "-pk")[:10])


def request_at(site: Site, pk: int) -> GateRequest | None:
    return GateRequest.objects.filter(site=site, pk=pk).first()


def visitors_inside(site: Site) -> QuerySet[Visit]:
    found = Visit.objects.filter(site=site, status=VisitStatus.INSIDE)
    return found.select_related("host", "house").order_by("time_in", "pk")


def visit_at(site: Site, pk: int) -> Visit | None:
    return Visit.objects.filter(site=site, pk=pk).first()


def staff_out_now(site: Site) -> QuerySet[StaffExit]:
    """Staff who went out during working hours and are not back (the mid-shift register)."""
    found = StaffExit.objects.filter(site=site, back_at__isnull=True).select_related("person")
    return found.order_by("out_at")


def staff_exit_at(site: Site, pk: int) -> StaffExit | None:
    return StaffExit.objects.filter(site=site, pk=pk).first()


def mail_of_the_day(site: Site, today: date, limit: int = 100) -> list[MailItem]:
    """Today's mail and every item not yet handed out, the waiting ones first."""
    items = MailItem.objects.filter(site=site).filter(
        Q(received_at__date=today) | Q(handed_at__isnull=True)
    )
    return list(items.order_by("handed_at", "-received_at")[:limit])


def mail_item_at(site: Site, pk: int) -> MailItem | None:
    return MailItem.objects.filter(site=site, pk=pk).first()


def guard_notice(site: Site, pk: int) -> Notice | None:
    """A notice of ``site`` meant for the gate (the booth may acknowledge only those)."""
    return Notice.objects.filter(site=site, pk=pk, audience=NoticeAudience.GUARD).first()


def open_alerts(site: Site, now: datetime, hours: int, limit: int = 8) -> list[Notice]:
    """The guard's and the monitoring centre's notices of the last ``hours`` not acknowledged."""
    found = Notice.objects.filter(
        site=site,
        audience__in=(NoticeAudience.MONITORING, NoticeAudience.GUARD),
        acknowledged_at__isnull=True,
        created_at__gte=now - timedelta(hours=hours),
    )
    return list(found.order_by("-created_at")[:limit])
