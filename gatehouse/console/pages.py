"""A record's page and the forms on it (issue 13 §1).

Many console pages show one record (a land project, an assessment, a campaign) with several
small forms, each sending one POST to one service. Every such POST does the same thing: find the
record of the user's site (or 404), bind the form, run the service with the domain error landing
on its field (``http.run_form``), then either show the page again with the bound form and status
422 — nothing written — or say what was done and go back to the page.

``RecordPage`` is that page once; ``Action`` is one form on it, declared as data: the form, the
name the page's context gives it, the service call and the message. ``RecordPage.view`` turns a
table of actions into one view; the URL configuration names the action in the path's kwargs,
so every URL name and path stays as it was. ``RecordPage.page`` is the page's own view (GET), and
takes the POSTs of the forms that post to the page itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from gatehouse.console.http import render_vary, run_form
from gatehouse.core.errors import DomainError


@dataclass(frozen=True)
class Submitted:
    """What an action's service call is handed: the page's record, the record the URL named
    (the page's own for most actions, a line of it for some), the cleaned data and the bound
    form, who acts, and when."""

    record: Any
    item: Any
    data: dict[str, Any]
    form: forms.Form
    request: HttpRequest
    now: datetime

    @property
    def actor(self) -> Any:
        return self.request.user

    def into(self, service: Callable[..., Any], **named: Any) -> Any:
        """``service`` called as most are: who acts, when, the form's cleaned data as keywords,
        and ``named`` (the record it works on)."""
        return service(actor=self.actor, now=self.now, **self.data, **named)


def _plain_form(form_class: type[forms.Form]) -> Callable[[HttpRequest, Any], forms.Form]:
    return lambda request, record: form_class(request.POST, request.FILES)


@dataclass(frozen=True)
class Action:
    """One form on a record's page, as data.

    ``form`` is a form class bound to the POST, or a callable ``(request, record) -> form`` for
    forms that need choices from the record. ``key`` is the context name the page's template
    reads the form under (a callable of the request when it depends on the POST, as for one
    form per party). ``item`` finds the record the URL names when it is not the page's own:
    ``(request, **url kwargs) -> (page record, item)``, of the user's site or 404; None means
    the page's record. ``done`` is the message of success, or a callable of the service's
    result (empty: no message). ``note`` turns the result into a message shown instead (None
    keeps ``done``), at ``level`` (a ``django.contrib.messages`` level: a warning, or an error
    for a record written but judged late). ``failed`` adds to the page's context
    when the form is refused; ``goes_to`` sends the user to the page of what the action made
    (URL name and kwargs) instead of back to the record's page."""

    form: type[forms.Form] | Callable[[HttpRequest, Any], forms.Form]
    key: str | Callable[[HttpRequest], str]
    call: Callable[[Submitted], Any]
    done: Any
    item: Callable[..., tuple[Any, Any]] | None = None
    note: Callable[[Any], str | None] | None = None
    level: int = messages.SUCCESS
    failed: Callable[[HttpRequest, forms.Form], dict[str, Any]] | None = None
    goes_to: Callable[[Any], tuple[str, dict[str, Any]]] | None = None

    def bind(self, request: HttpRequest, record: Any) -> forms.Form:
        if isinstance(self.form, type):
            return _plain_form(self.form)(request, record)
        return self.form(request, record)

    def context_key(self, request: HttpRequest) -> str:
        return self.key(request) if callable(self.key) else self.key


def _by_pk(record: Any) -> dict[str, Any]:
    return {"pk": record.pk}


@dataclass(frozen=True)
class RecordPage:
    """A page of one record: its template, its URL name and its context.

    ``context(record, **bound_forms)`` builds the page, taking a bound form for the key of the
    action that failed. ``load(request, pk)`` finds the record of the user's site and raises
    Http404 (or PermissionDenied) otherwise. ``field_of`` sends a domain error to a form field
    the error names its own way (see ``http.run_form``)."""

    template: str
    url_name: str
    context: Callable[..., dict[str, Any]]
    load: Callable[..., Any]
    url_kwargs: Callable[[Any], dict[str, Any]] = _by_pk
    field_of: Callable[[DomainError], str | None] | None = None
    actions: Mapping[str, Action] = field(default_factory=dict)

    def show(self, request: HttpRequest, record: Any, status: int = 200, **bound: Any) -> Any:
        return render_vary(request, self.template, self.context(record, **bound), status)

    def submit(self, request: HttpRequest, record: Any, item: Any, action: Action) -> HttpResponse:
        form = action.bind(request, record)

        def call(data: dict[str, Any]) -> Any:
            return action.call(Submitted(record, item, data, form, request, timezone.now()))

        result = run_form(form, call, field_of=self.field_of)
        if result is None:
            context = self.context(record, **{action.context_key(request): form})
            if action.failed is not None:
                context.update(action.failed(request, form))
            return render_vary(request, self.template, context, 422)
        note = action.note(result) if action.note is not None else None
        if note is not None:
            messages.add_message(request, action.level, note)
        else:
            done = action.done(result) if callable(action.done) else str(action.done)
            if done:
                messages.success(request, done)
        if action.goes_to is not None:
            name, kwargs = action.goes_to(result)
            return redirect(name, **kwargs)
        return redirect(self.url_name, **self.url_kwargs(record))

    def run(self, request: HttpRequest, action: str, **kwargs: Any) -> HttpResponse:
        """The POST of the action named ``action`` (404 for one the page does not declare)."""
        declared = self.actions.get(action)
        if declared is None:
            raise Http404
        if declared.item is not None:
            record, item = declared.item(request, **kwargs)
        else:
            record = self.load(request, **kwargs)
            item = record
        return self.submit(request, record, item, declared)

    def view(self) -> Callable[..., HttpResponse]:
        """One view for every action of the page; the URL passes ``action`` in its kwargs."""

        @login_required
        @require_POST
        def act(request: HttpRequest, action: str, **kwargs: Any) -> HttpResponse:
            return self.run(request, action, **kwargs)

        return act

    def page(self, *posts: str) -> Callable[..., HttpResponse]:
        """The page's own view: a GET shows the record; a POST to the page runs the action
        ``posts`` names (of several, the one the POST's ``action`` field names). Without
        ``posts`` the page takes no POST."""

        @login_required
        @require_http_methods(["GET", "POST"] if posts else ["GET"])
        def show(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            if request.method != "POST":
                return self.show(request, self.load(request, **kwargs))
            action = posts[0] if len(posts) == 1 else request.POST.get("action", "")
            if action not in posts:
                raise Http404
            return self.run(request, action, **kwargs)

        return show


def failed_at(key: str) -> Callable[[HttpRequest, forms.Form], dict[str, Any]]:
    """An action's ``failed`` for a form on a row of the page: the context names the row the
    refused form came from (the URL's ``pk``) under ``key``, so the page shows its errors there."""

    def failed(request: HttpRequest, form: forms.Form) -> dict[str, Any]:
        match = request.resolver_match
        return {key: match.kwargs.get("pk") if match is not None else None}

    return failed


def found_or_404[T](found: T | None) -> T:
    """The record a site-scoped selector found, or 404."""
    if found is None:
        raise Http404
    return found


def of_site(
    site_of: Callable[[HttpRequest], Any], find: Callable[[Any, int], Any]
) -> Callable[[HttpRequest, int], Any]:
    """The loader of a page's record: ``find(site, pk)`` on the user's site (``site_of`` checks
    the role), or 404."""

    def load(request: HttpRequest, pk: int) -> Any:
        return found_or_404(find(site_of(request), pk))

    return load


def item_of[R](
    load: Callable[[HttpRequest], R], find: Callable[[R, int], Any]
) -> Callable[..., tuple[R, Any]]:
    """An action's ``item`` for a row of the page: the page's record (``load``) and the row the
    URL's ``pk`` names in it (``find(record, pk)``), or 404."""

    def item(request: HttpRequest, pk: int) -> tuple[R, Any]:
        record = load(request)
        return record, found_or_404(find(record, pk))

    return item
