"""The goods registers in the console (URLs under /goods/registers/): 物品放行登记 — every check of
goods leaving — and the goods-in register (dangerous goods, decoration materials). Searchable,
filterable, paged, exported to xlsx. Every page works on the current site only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gatehouse.accounts.models import Role
from gatehouse.console.context import state_with
from gatehouse.console.http import register_xlsx, render_partial
from gatehouse.goods import forms, selectors

REGISTER_ROLES = frozenset({Role.GUARD, Role.FRONT_DESK, Role.MONITORING, Role.SECURITY_MANAGER})
PER_PAGE = 50


@dataclass(frozen=True)
class RegisterSpec:
    url_name: str
    title: str | Promise
    form: type[django_forms.Form]
    query: Callable[..., QuerySet]
    row: Callable[[Any], selectors.Row]
    columns: tuple[str | Promise, ...]
    empty: str | Promise


RELEASES = RegisterSpec(
    "goods:register_releases",
    _("物品放行登记"),
    forms.ReleaseFilterForm,
    selectors.release_register,
    selectors.release_row,
    selectors.RELEASE_COLUMNS,
    _("没有符合条件的物品放行登记。"),
)
ENTRIES = RegisterSpec(
    "goods:register_entries",
    _("物品进入登记"),
    forms.EntryFilterForm,
    selectors.entry_register,
    selectors.entry_row,
    selectors.ENTRY_COLUMNS,
    _("没有符合条件的物品进入登记。"),
)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    state_with(request, REGISTER_ROLES)
    return render(request, "goods/registers/index.html")


def _table(columns: tuple[Any, ...], rows: list[selectors.Row]) -> list[dict[str, Any]]:
    return [{"css": r.css, "pairs": list(zip(columns, r.cells, strict=True))} for r in rows]


def _register(request: HttpRequest, spec: RegisterSpec) -> HttpResponse:
    state = state_with(request, REGISTER_ROLES)
    form = spec.form(request.GET or None)
    if not form.is_bound:
        found = spec.query(state.site)
    elif form.is_valid():
        found = spec.query(state.site, **form.cleaned_data)
    else:  # errors shown next to the fields; no list that ignores them
        found = spec.query(state.site).none()
    if request.GET.get("export") == "xlsx" and (not form.is_bound or form.is_valid()):
        return _xlsx(spec, state.site, found)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "spec": spec,
        "form": form,
        "page": page,
        "rows": _table(spec.columns, [spec.row(obj) for obj in page.object_list]),
    }
    return render_partial(
        request, "goods/registers/register.html", "goods/registers/_results.html", context
    )


def _xlsx(spec: RegisterSpec, site: Any, found: QuerySet) -> FileResponse:
    every = (spec.row(obj).cells for obj in found.iterator(chunk_size=2000))
    return register_xlsx(spec.title, site, spec.columns, every)


@login_required
@require_GET
def releases(request: HttpRequest) -> HttpResponse:
    return _register(request, RELEASES)


@login_required
@require_GET
def entries(request: HttpRequest) -> HttpResponse:
    return _register(request, ENTRIES)
