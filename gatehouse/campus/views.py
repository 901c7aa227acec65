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
from django.views.decorators.http import require_http_methods, require_POST

from gatehouse.accounts.models import Role
from gatehouse.campus import selectors, services
from gatehouse.campus.forms import LeavePassForm, PickupForm
from gatehouse.console.context import state_with
from gatehouse.console.selectors import resident_record
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
