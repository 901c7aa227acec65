"""Reading messages for the console's page (issue 16 §4)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from gatehouse.notify.models import ChannelKind, Message, MessageKind, MessageState
from gatehouse.sites.models import Site

#: Messages on one page of the messages page.
PAGE_SIZE = 50


def messages_at(
    site: Site, *, state: str = "", channel_kind: str = "", kind: str = ""
) -> QuerySet[Message]:
    """The site's messages, newest first, narrowed by the filters that are valid (an unknown
    value is ignored, not an error: the page shows the filter's choices only)."""
    rows = Message.objects.filter(site=site).select_related("channel")
    if state in MessageState.values:
        rows = rows.filter(state=state)
    if channel_kind in ChannelKind.values:
        rows = rows.filter(channel_kind=channel_kind)
    if kind in MessageKind.values:
        rows = rows.filter(kind=kind)
    return rows.order_by("-created_at", "-pk")


def message_at(site: Site, pk: int) -> Message | None:
    return Message.objects.filter(site=site, pk=pk).first()


def counts_at(site: Site) -> dict[str, int]:
    """How many of the site's messages are in each state."""
    counts = dict.fromkeys(MessageState.values, 0)
    for row in Message.objects.filter(site=site).values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    return counts
