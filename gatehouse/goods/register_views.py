"""The goods registers in the console (URLs under /goods/registers/): 物品放行登记 — every check of
goods leaving — and the goods-in register (dangerous goods, decoration materials). Searchable,
filterable, paged, exported to xlsx. Every page works on the current site only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gatehouse.accounts.models import Role
from gatehouse.console.context import state_with
from gatehouse.goods import forms, selectors

REGISTER_ROLES = frozenset({Role.GUARD, Role.FRONT_DESK, Role.MONITORING, Role.SECURITY_MANAGER})
PER_PAGE = 50
EXPORT_LIMIT = 10000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def _partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


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
    template = (
        "goods/registers/_results.html" if _partial(request) else "goods/registers/register.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _xlsx(spec: RegisterSpec, site: Any, found: QuerySet) -> FileResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from gatehouse.xlsx import append_row

    book = Workbook()
    sheet = book.active
    sheet.title = str(spec.title)[:31]
    append_row(sheet, [f"{site.name} · {spec.title}"])
    sheet["A1"].font = Font(bold=True, size=14)
    append_row(sheet, [str(c) for c in spec.columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for obj in found[:EXPORT_LIMIT]:
        append_row(sheet, list(spec.row(obj).cells))
    for index in range(1, len(spec.columns) + 1):
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = 16
    out = BytesIO()
    book.save(out)
    out.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d")
    return FileResponse(
        out, as_attachment=True, filename=f"{spec.title}-{stamp}.xlsx", content_type=XLSX_TYPE
    )


@login_required
@require_GET
def releases(request: HttpRequest) -> HttpResponse:
    return _register(request, RELEASES)


@login_required
@require_GET
def entries(request: HttpRequest) -> HttpResponse:
    return _register(request, ENTRIES)
