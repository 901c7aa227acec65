"""The messages page (通知消息, issue 16 §4) for the security manager: every message of the
site with its delivery state, filtered by state, channel and kind; a failed one can be sent
again. Recipients are shown masked."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from gatehouse.accounts.models import Role
from gatehouse.console.context import state_with
from gatehouse.console.http import render_vary
from gatehouse.console.pages import Action, RecordPage, item_of
from gatehouse.core.errors import DomainError
from gatehouse.core.masking import mask_name
from gatehouse.notify import selectors, services
from gatehouse.notify.consent import request_of
from gatehouse.notify.models import ChannelKind, MessageKind, MessageState
from gatehouse.sites.models import Site
from gatehouse.visitors.models import AnsweredVia, RequestStatus
from gatehouse.visitors.services import request_answer, requests_expire

PAGE_ROLES = frozenset({Role.SECURITY_MANAGER})


class RetryForm(forms.Form):
    """Sending a failed message again asks nothing more."""


def _site(request: HttpRequest) -> Site:
    return state_with(request, PAGE_ROLES).site


def _filters(request: HttpRequest | None) -> dict[str, str]:
    get = request.GET if request is not None else {}
    return {k: str(get.get(k, "")) for k in ("state", "channel_kind", "kind")}


def _context(site: Site, request: HttpRequest | None = None, **bound: Any) -> dict[str, Any]:
    """The page of messages the filters find (newest first, :data:`selectors.PAGE_SIZE` to a
    page; the pager's links keep the filters)."""
    chosen = _filters(request)
    found = selectors.messages_at(site, **chosen)
    number = request.GET.get("page") if request is not None else None
    page = Paginator(found, selectors.PAGE_SIZE).get_page(number)
    return {
        "site": site,
        "rows": list(page.object_list),
        "page": page,
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
            lambda s: services.retry(message=s.item, actor=s.actor, now=s.now),
            _("消息已重新排队发送"),
            item=item_of(_site, selectors.message_at),
        ),
    },
)
messages_action = MESSAGES.view()


@login_required
@require_GET
def messages(request: HttpRequest) -> HttpResponse:
    """The page, narrowed by the filters of the query string and paged (the retry form posts to
    :data:`messages_action`, the console's record-page action)."""
    return render_vary(request, MESSAGES.template, _context(_site(request), request))


# -- the host's consent from the signed link -----------------------------------------------------


class ConsentForm(forms.Form):
    answer = forms.ChoiceField(choices=[("grant", _("同意")), ("refuse", _("拒绝"))])


def _consent_page(request: HttpRequest, req: Any, status: int = 200, **extra: Any) -> HttpResponse:
    visit = req.visit
    context = {
        "req": req,
        "visitor": mask_name(visit.name) if visit is not None else "",
        "purpose": visit.purpose if visit is not None else "",
        "pending": req.status == RequestStatus.PENDING and timezone.now() < req.deadline,
        **extra,
    }
    return render(request, "notify/consent.html", context, status=status)


@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, token: str) -> HttpResponse:
    """VI-01: the host answers a visitor's request from the link they were sent (no login: the
    signed link is the proof; one answer per request)."""
    req = request_of(token)
    if req is None:
        raise Http404
    if request.method != "POST":
        return _consent_page(request, req)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _consent_page(request, req, 400, error=_("请选择同意或拒绝"), code="answer.invalid")
    now = timezone.now()
    try:
        request_answer(
            request=req,
            actor=req.host.user if req.host is not None else None,
            granted=form.cleaned_data["answer"] == "grant",
            via=AnsweredVia.HOST,
            now=now,
        )
    except DomainError as exc:
        if exc.code == "request.expired":
            requests_expire(site=req.site, now=now)  # record the refusal the error undid
        req.refresh_from_db()
        return _consent_page(request, req, 409, error=exc.message, code=exc.code)
    req.refresh_from_db()
    return _consent_page(request, req, done=True)
