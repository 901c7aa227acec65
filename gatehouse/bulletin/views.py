"""The notice board's pages (issue 17 §4).

The property's staff (客服前台, 安保主管) keep the board under /bulletin/: list with filters,
publish, edit, withdraw (audited), and print one notice as an A4 poster. Residents read it on
their phone under /my/bulletin/: the notices addressed to their buildings now, pinned first.
A notice of another site is a 404; a resident cannot write (403 from ``state_with``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.accounts.models import Role
from gatehouse.bulletin import selectors, services
from gatehouse.bulletin.forms import STATUS_CHOICES, STATUS_LABELS, NoticeForm
from gatehouse.bulletin.models import Notice, NoticeCategory
from gatehouse.console.context import SiteState, state_with
from gatehouse.console.http import form_error
from gatehouse.console.selectors import resident_record
from gatehouse.core.bulletin import Status, paragraphs, status_of
from gatehouse.core.errors import DomainError
from gatehouse.sites.models import Building, Site

STAFF_ROLES = frozenset({Role.FRONT_DESK, Role.SECURITY_MANAGER})
RESIDENT_ROLES = frozenset({Role.RESIDENT})
PER_PAGE = 30


def signature(site: Site) -> str:
    """The poster's signature line: the site's property service centre."""
    return _("%(site)s物业服务中心") % {"site": site.name}


def _buildings(site: Site) -> list[tuple[int, str]]:
    return list(Building.objects.filter(site=site).order_by("code").values_list("pk", "name"))


def _decorate(notice: Notice, now: Any) -> Notice:
    status = status_of(notice.facts(frozenset(b.pk for b in notice.buildings.all())), now)
    notice.status = status.value  # type: ignore[attr-defined]
    notice.status_label = STATUS_LABELS[status.value]  # type: ignore[attr-defined]
    notice.paragraphs = paragraphs(notice.body)  # type: ignore[attr-defined]
    notice.targets = "、".join(b.name for b in notice.buildings.all())  # type: ignore[attr-defined]
    return notice


def _notice_here(request: HttpRequest, pk: int) -> tuple[SiteState, Notice]:
    state = state_with(request, STAFF_ROLES)
    notice = selectors.notice_at(state.site, pk)
    if notice is None:
        raise Http404
    return state, notice


# -- the staff's board ---------------------------------------------------------------------------


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    state = state_with(request, STAFF_ROLES)
    now = timezone.now()
    category = request.GET.get("category", "")
    if category not in NoticeCategory.values:
        category = ""
    status = request.GET.get("status", "")
    if status not in Status.__members__.values():
        status = ""
    found = selectors.search(state.site, now=now, category=category, status=status)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    for notice in page.object_list:
        _decorate(notice, now)
    context = {
        "page": page,
        "category": category,
        "status": status,
        "categories": NoticeCategory.choices,
        "statuses": STATUS_CHOICES,
    }
    return render(request, "bulletin/list.html", context)


def _save(
    request: HttpRequest, state: SiteState, form: NoticeForm, notice: Notice | None
) -> HttpResponse:
    """Validate and write; the form again with the core's code (422) when it says no."""
    code = ""
    if form.is_valid():
        try:
            if notice is None:
                notice = services.notice_create(
                    site=state.site, actor=request.user, now=timezone.now(), **form.service_kwargs()
                )
                messages.success(request, _("公告已发布"))
            else:
                services.notice_update(
                    notice=notice, actor=request.user, now=timezone.now(), **form.service_kwargs()
                )
                messages.success(request, _("公告已修改"))
        except DomainError as exc:
            form_error(form, exc)
            code = exc.code
        else:
            return redirect("bulletin:notice", pk=notice.pk)
    context = {"form": form, "notice": notice, "error_code": code or "form.invalid"}
    return render(request, "bulletin/form.html", context, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest) -> HttpResponse:
    state = state_with(request, STAFF_ROLES)
    buildings = _buildings(state.site)
    if request.method == "POST":
        return _save(request, state, NoticeForm(request.POST, buildings=buildings), None)
    initial = {"publish_from": timezone.localtime(timezone.now()).replace(second=0, microsecond=0)}
    form = NoticeForm(initial=initial, buildings=buildings)
    return render(request, "bulletin/form.html", {"form": form, "notice": None})


@login_required
@require_http_methods(["GET", "POST"])
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    state, notice = _notice_here(request, pk)
    if notice.withdrawn_at is not None:
        messages.error(request, _("公告已撤回，不能修改"))
        return redirect("bulletin:notice", pk=notice.pk)
    buildings = _buildings(state.site)
    if request.method == "POST":
        return _save(request, state, NoticeForm(request.POST, buildings=buildings), notice)
    initial = {
        "category": notice.category,
        "title": notice.title,
        "body": notice.body,
        "buildings": [str(b.pk) for b in notice.buildings.all()],
        "publish_from": timezone.localtime(notice.publish_from),
        "until": timezone.localtime(notice.until) if notice.until else None,
        "pinned": notice.pinned,
    }
    form = NoticeForm(initial=initial, buildings=buildings)
    return render(request, "bulletin/form.html", {"form": form, "notice": notice})


@login_required
@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _state, notice = _notice_here(request, pk)
    _decorate(notice, timezone.now())
    return render(request, "bulletin/detail.html", {"notice": notice})


@login_required
@require_POST
def notice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    _state, notice = _notice_here(request, pk)
    try:
        services.notice_withdraw(notice=notice, actor=request.user, now=timezone.now())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("公告已撤回"))
    return redirect("bulletin:notice", pk=notice.pk)


@login_required
@require_GET
def notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    state, notice = _notice_here(request, pk)
    _decorate(notice, timezone.now())
    context = {"notice": notice, "site": state.site, "signature": signature(state.site)}
    return render(request, "bulletin/print.html", context)


# -- the residents' board on the phone -----------------------------------------------------------


def _resident(request: HttpRequest) -> tuple[Site, frozenset[int]] | None:
    state = state_with(request, RESIDENT_ROLES)
    me = resident_record(request.user, state.site)
    if me is None:
        return None
    return state.site, selectors.buildings_of(me)


@login_required
@require_GET
def my_board(request: HttpRequest) -> HttpResponse:
    mine = _resident(request)
    if mine is None:
        return render(request, "visitors/resident/unlinked.html")
    site, buildings = mine
    notices = selectors.board(site, buildings, timezone.now())
    return render(request, "bulletin/my/list.html", {"notices": notices, "site": site})


@login_required
@require_GET
def my_notice(request: HttpRequest, pk: int) -> HttpResponse:
    mine = _resident(request)
    if mine is None:
        raise Http404
    site, buildings = mine
    notice = next((n for n in selectors.board(site, buildings, timezone.now()) if n.pk == pk), None)
    if notice is None:
        raise Http404
    notice.paragraphs = paragraphs(notice.body)  # type: ignore[attr-defined]
    context = {"notice": notice, "site": site, "signature": signature(site)}
    return render(request, "bulletin/my/detail.html", context)
