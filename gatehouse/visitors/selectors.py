"""The visitors' reads for the front desk and the resident's phone pages (SPEC §3)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from gatehouse.access.models import Notice, NoticeAudience
from gatehouse.people.models import Person
from gatehouse.sites.models import Site
from gatehouse.visitors import tokens
from gatehouse.visitors.models import GateRequest, Invitation, Pass, RequestStatus, Visit


def desk_queue(site: Site) -> list[GateRequest]:
    """The requests waiting for the desk, the oldest first."""
    found = GateRequest.objects.filter(site=site, status=RequestStatus.PENDING)
    related = found.select_related("host", "lane__gate", "visit__house", "person")
    return list(related.order_by("created_at", "pk"))


def desk_answered(site: Site, limit: int) -> list[GateRequest]:
    """The last requests answered (or expired), the newest first."""
    found = GateRequest.objects.filter(site=site).exclude(status=RequestStatus.PENDING)
    return list(found.select_related("answered_by", "host").order_by("-answered_at", "-pk")[:limit])


def waiting_for(me: Person) -> QuerySet[GateRequest]:
    """The requests a resident has to answer."""
    found = GateRequest.objects.filter(host=me, site_id=me.site_id, status=RequestStatus.PENDING)
    return found.select_related("visit", "lane__gate").order_by("created_at", "pk")


def waiting_count(me: Person, now: datetime) -> int:
    return waiting_for(me).filter(deadline__gt=now).count()


def visits_of(me: Person, limit: int) -> list[Visit]:
    """A resident's visitors, the newest first."""
    found = Visit.objects.filter(host=me, site_id=me.site_id)
    return list(found.order_by("-registered_at", "-pk")[:limit])


def notices_of(me: Person) -> QuerySet[Notice]:
    """The notices addressed to one person, the newest first."""
    found = Notice.objects.filter(person=me, site_id=me.site_id, audience=NoticeAudience.PERSON)
    return found.order_by("-created_at", "-pk")


def free_terminal_code(site_id: int) -> str:
    """A fresh terminal code no invitation or pass of the site carries (a read of it must name
    one record). Collisions in 9×10¹⁵ codes are vanishingly rare; a few tries settle them."""
    for _ in range(8):
        code = tokens.new_terminal_code()
        taken = (
            Invitation.objects.filter(site_id=site_id, terminal_code=code).exists()
            or Pass.objects.filter(site_id=site_id, terminal_code=code).exists()
        )
        if not taken:
            return code
    raise RuntimeError("no free terminal code")  # pragma: no cover


def by_terminal_code(site_id: int, code: str) -> Invitation | Pass | None:
    """The invitation or pass of the site whose terminal code is ``code``, if any."""
    invitation = (
        Invitation.objects.filter(site_id=site_id, terminal_code=code)
        .select_related("host", "house")
        .first()
    )
    if invitation is not None:
        return invitation
    return Pass.objects.filter(site_id=site_id, terminal_code=code).select_related("house").first()
