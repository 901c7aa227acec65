"""The messages page (通知消息, issue 16 §4) for the security manager: every message of the
site with its delivery state, filtered by state, channel and kind; a failed one can be sent
again. Recipients are shown masked."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gatehouse.accounts.models import Role
from gatehouse.console.context import state_with
from gatehouse.console.http import render_vary
from gatehouse.console.pages import Action, RecordPage, item_of
from gatehouse.notify import selectors, services
from gatehouse.notify.models import ChannelKind, MessageKind, MessageState
from gatehouse.sites.models import Site

PAGE_ROLES = frozenset({Role.SECURITY_MANAGER})


class RetryForm(forms.Form):
    """Sending a failed message again asks nothing more."""


def _site(request: HttpRequest) -> Site:
    return state_with(request, PAGE_ROLES).site


def _filters(request: HttpRequest | None) -> dict[str, str]:
    get = request.GET if request is not None else {}
    return {k: str(get.get(k, "")) for k in ("state", "channel_kind", "kind")}


def _context(site: Site, request: HttpRequest | None = None, **bound: Any) -> dict[str, Any]:
    chosen = _filters(request)
    rows = selectors.messages_at(site, **chosen)[: selectors.PAGE_SIZE]
    return {
        "site": site,
        "rows": list(rows),
        "counts": selectors.counts_at(site),
        "chosen": chosen,
        "states": MessageState.choices,
        "channel_kinds": ChannelKind.choices,
        "kinds": MessageKind.choices,
        "failed": MessageState.FAILED,
    }


MESSAGES = RecordPage(
    template="notify/messages.html",
    url_name="notify:messages",
    context=lambda site, **bound: _context(site, **bound),
    load=_site,
    url_kwargs=lambda site: {},
    actions={
        "retry": Action(
            RetryForm,
            "retry_form",
            lambda s: services.retry(message=s.item, now=s.now),
            _("消息已重新排队发送"),
            item=item_of(_site, selectors.message_at),
        ),
    },
)
messages_action = MESSAGES.view()


@login_required
@require_GET
def messages(request: HttpRequest) -> HttpResponse:
    """The page, narrowed by the filters of the query string (the retry form posts to
    :data:`messages_action`, the console's record-page action)."""
    return render_vary(request, MESSAGES.template, _context(_site(request), request))
