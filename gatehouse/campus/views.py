"""Campus pages (T3), phone-sized: a parent books a pick-up or visit of their child (T3-02);
the class teacher confirms or declines bookings and issues leave passes (T3-01).

Thin views: the signed-in person's own records only (another's booking or pass is a 404); a
refused input comes back on the page with the Chinese message and HTTP 400, nothing written.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from gatehouse.accounts.models import Role
from gatehouse.campus import selectors, services
from gatehouse.campus.forms import LeavePassForm, PickupForm, SampleForm
from gatehouse.console.context import state_with
from gatehouse.console.http import register_xlsx
from gatehouse.console.selectors import resident_record
from gatehouse.core.campus import sample_overdue
from gatehouse.core.errors import DomainError
from gatehouse.people.models import Person
from gatehouse.visitors import invitations
from gatehouse.visitors.desk_views import window_initial

HISTORY = 30


def _me(request: HttpRequest, role: str) -> Person:
    state = state_with(request, frozenset({role}))
    me = resident_record(request.user, state.site)
    if me is None:
        raise Http404
    return me


@login_required
@require_http_methods(["GET", "POST"])
def parent(request: HttpRequest) -> HttpResponse:
    me = _me(request, Role.PARENT)
    now = timezone.now()
    children = selectors.children_of(me)
    choices = [(c.pk, c.name) for c in children]
    error = ""
    if request.method == "POST":
        form = PickupForm(request.POST, students=choices)
        if form.is_valid():
            data = form.cleaned_data
            student = next(c for c in children if c.pk == data["student"])
            try:
                services.pickup_book(
                    parent=me,
                    student=student,
                    actor=request.user,
                    window_start=data["window_start"],
                    window_end=data["window_end"],
                    purpose=data["purpose"],
                    now=now,
                )
            except DomainError as exc:
                error = exc.message
            else:
                return redirect("campus:parent")
    else:
        form = PickupForm(students=choices, initial=window_initial(now))
    rows = invitations.with_status(list(selectors.bookings_of(me)[:HISTORY]), now)
    context = {"me": me, "form": form, "error": error, "rows": rows, "children": children}
    status = 400 if error or form.errors else 200
    return render(request, "campus/parent.html", context, status=status)


def _teacher_context(me: Person, form: Any, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    bookings = invitations.with_status(list(selectors.bookings_for(me)[:HISTORY]), now)
    return {
        "me": me,
        "classes": selectors.classes_of_teacher(me),
        "form": form,
        "pending": [b for b in bookings if b.status_code == "unconfirmed"],
        "bookings": [b for b in bookings if b.status_code != "unconfirmed"],
        "passes": list(selectors.leave_passes_by(me)[:HISTORY]),
        **extra,
    }


def _students(me: Person) -> tuple[list[Person], list[tuple[int, str]]]:
    students = list(selectors.students_of(selectors.classes_of_teacher(me)))
    return students, [(s.pk, s.name) for s in students]


@login_required
@require_http_methods(["GET", "POST"])
def teacher(request: HttpRequest) -> HttpResponse:
    me = _me(request, Role.TEACHER)
    now = timezone.now()
    students, choices = _students(me)
    error = ""
    if request.method == "POST":
        form = LeavePassForm(request.POST, students=choices)
        if form.is_valid():
            data = form.cleaned_data
            student = next(s for s in students if s.pk == data["student"])
            try:
                services.leave_pass_issue(
                    teacher=me,
                    student=student,
                    actor=request.user,
                    reason=data["reason"],
                    picked_up_by=data["picked_up_by"],
                    window_start=data["window_start"],
                    window_end=data["window_end"],
                    now=now,
                )
            except DomainError as exc:
                error = exc.message
            else:
                return redirect("campus:teacher")
    else:
        form = LeavePassForm(students=choices, initial=window_initial(now))
    status = 400 if error or form.errors else 200
    return render(
        request, "campus/teacher.html", _teacher_context(me, form, error=error), status=status
    )


def _answer(request: HttpRequest, pk: int, *, confirm: bool) -> HttpResponse:
    me = _me(request, Role.TEACHER)
    inv = get_object_or_404(selectors.bookings_for(me), pk=pk)
    now = timezone.now()
    try:
        if confirm:
            invitations.invitation_confirm(invitation=inv, host=me, actor=request.user, now=now)
        else:
            invitations.invitation_revoke(invitation=inv, actor=request.user, now=now)
    except DomainError as exc:
        _, choices = _students(me)
        form = LeavePassForm(students=choices, initial=window_initial(now))
        context = _teacher_context(me, form, error=exc.message)
        return render(request, "campus/teacher.html", context, status=400)
    return redirect("campus:teacher")


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, confirm=True)


@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, confirm=False)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me(request, Role.TEACHER)
    lp = get_object_or_404(selectors.leave_passes_by(me), pk=pk)
    now = timezone.now()
    try:
        services.leave_pass_revoke(leave_pass=lp, teacher=me, actor=request.user, now=now)
    except DomainError as exc:
        _, choices = _students(me)
        form = LeavePassForm(students=choices, initial=window_initial(now))
        context = _teacher_context(me, form, error=exc.message)
        return render(request, "campus/teacher.html", context, status=400)
    return redirect("campus:teacher")


# -- the canteen's 留样记录 (T3-03) --------------------------------------------------------------

SAMPLE_ROLES = frozenset({Role.SECURITY_MANAGER})
SAMPLE_COLUMNS = (
    _("餐次"),
    _("菜品"),
    _("留样量（克）"),
    _("留样时间"),
    _("留样人"),
    _("应处理时间"),
    _("处理时间"),
    _("处理人"),
    _("状态"),
)


def _sample_rows(site: Any, now: Any) -> list[dict[str, Any]]:
    return [
        {
            "s": s,
            "overdue": sample_overdue(kept_at=s.kept_at, disposed_at=s.disposed_at, now=now),
            "due": s.disposed_at is None and now >= s.dispose_due,
        }
        for s in selectors.samples_at(site)[:200]
    ]


def _status(row: dict[str, Any]) -> str:
    s = row["s"]
    if s.disposed_at is not None:
        return str(_("已处理"))
    return str(_("超时未处理")) if row["overdue"] else str(_("留存中"))


@login_required
@require_http_methods(["GET", "POST"])
def samples(request: HttpRequest) -> HttpResponse:
    state = state_with(request, SAMPLE_ROLES)
    now = timezone.now()
    error = ""
    if request.method == "POST":
        form = SampleForm(request.POST)
        if form.is_valid():
            try:
                services.sample_record(
                    site=state.site, actor=request.user, now=now, **form.cleaned_data
                )
            except DomainError as exc:
                error = exc.message
            else:
                return redirect("campus:samples")
    else:
        form = SampleForm(
            initial={"kept_at": timezone.localtime(now).replace(second=0, microsecond=0)}
        )
    rows = _sample_rows(state.site, now)
    if request.GET.get("format") == "xlsx":
        data = [
            [
                r["s"].get_meal_display(),
                r["s"].dish,
                r["s"].grams,
                timezone.localtime(r["s"].kept_at).strftime("%Y-%m-%d %H:%M"),
                r["s"].keeper,
                timezone.localtime(r["s"].dispose_due).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(r["s"].disposed_at).strftime("%Y-%m-%d %H:%M")
                if r["s"].disposed_at
                else "",
                r["s"].disposed_by,
                _status(r),
            ]
            for r in rows
        ]
        return register_xlsx(_("食品留样记录"), state.site, SAMPLE_COLUMNS, data)
    for r in rows:
        r["status"] = _status(r)
    context = {
        "form": form,
        "error": error,
        "rows": rows,
        "overdue": sum(1 for r in rows if r["overdue"]),
    }
    status = 400 if error or form.errors else 200
    return render(request, "campus/samples.html", context, status=status)


@login_required
@require_POST
def sample_dispose(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, SAMPLE_ROLES)
    sample = get_object_or_404(selectors.samples_at(state.site), pk=pk)
    now = timezone.now()
    try:
        services.sample_dispose(
            sample=sample, actor=request.user, by=request.POST.get("by", ""), now=now
        )
    except DomainError as exc:
        rows = _sample_rows(state.site, now)
        for r in rows:
            r["status"] = _status(r)
        context = {"form": SampleForm(), "error": exc.message, "rows": rows, "overdue": 0}
        return render(request, "campus/samples.html", context, status=400)
    return redirect("campus:samples")
