"""A form on a guard page, or on a row of it, goes through the console's view kit: the service's
refusal lands on the field it names (or above the page, for a button with no field), the page
is shown again with status 422 and nothing is written; success says so and goes back."""

from __future__ import annotations

from datetime import date

from django.contrib.messages import get_messages
from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from gatehouse.guard.duties.services import hazard_record, ticket_open
from gatehouse.guard.incidents.services import dispatch_acknowledge, dispatch_create
from gatehouse.guard.models import Dispatch, HazardFinding, KeyHandoff, Ticket

from .conftest import at


def test_a_hazard_fixed_before_it_was_found_is_refused_on_the_date_field(client, site_a, manager_a):
    h = hazard_record(
        site=site_a,
        actor=manager_a,
        place="dormitory",
        description="宿舍私拉电线",
        owner="宿管张",
        found_on=date(2026, 11, 20),
        deadline=date(2026, 11, 30),
        now=at(8),
    )
    audits = AuditEntry.objects.count()
    client.force_login(manager_a)
    url = reverse("guard:hazard_fix", args=[h.pk])
    response = client.post(url, {"fixed_on": "2026-11-01", "note": "已拆除"})
    assert response.status_code == 422
    assert response.context["row_form"].errors["fixed_on"] == ["整改日期不正确"]
    assert "整改完成日期：整改日期不正确" in response.content.decode()
    h.refresh_from_db()
    assert h.fixed_on is None and AuditEntry.objects.count() == audits
    response = client.post(url, {"fixed_on": "2026-11-23", "note": "已拆除"})
    assert response.status_code == 302 and response.url == reverse("guard:hazards")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["已登记整改完成。"]
    assert HazardFinding.objects.get().fixed_on == date(2026, 11, 23)


def test_a_ticket_step_out_of_order_is_refused_on_the_page(client, site_a, monitor_a):
    t = ticket_open(
        site=site_a,
        actor=monitor_a,
        kind="call",
        caller="王女士",
        phone="",
        subject="咨询停车",
        now=at(8),
    )
    audits = AuditEntry.objects.count()
    client.force_login(monitor_a)
    url = reverse("guard:ticket_step", args=[t.pk])
    response = client.post(url, {"step": "follow_up", "text": "已处理"})
    assert response.status_code == 422
    assert response.context["row_form"].non_field_errors() == ["请先答复来电人"]
    t.refresh_from_db()
    assert t.followed_up_at is None and AuditEntry.objects.count() == audits
    # the step the form does not know never reaches the service
    assert client.post(url, {"step": "shout", "text": "x"}).status_code == 422
    assert Ticket.objects.get().answered_at is None


def test_a_dispatch_closed_without_a_result_is_refused_on_the_page_it_came_from(
    client, site_a, monitor_a, patrol_a
):
    d = dispatch_create(
        site=site_a, actor=monitor_a, place="北门", task="看看", anomaly=None, now=at(8)
    )
    dispatch_acknowledge(dispatch=d, actor=patrol_a, now=at(8, 5))
    url = reverse("guard:dispatch_close", args=[d.pk])
    client.force_login(patrol_a)
    response = client.post(url, {"text": " "})
    assert response.status_code == 422
    assert response.templates[0].name == "guard/patrol.html"
    assert response.context["row_form"].errors["text"] == ["请填写处理结果"]
    client.force_login(monitor_a)
    response = client.post(url, {"text": "", "next": "dispatch"})
    assert response.status_code == 422 and response.templates[0].name == "guard/dispatch.html"
    assert Dispatch.objects.get().closed_at is None
    response = client.post(url, {"text": "无异常", "next": "dispatch"})
    assert response.status_code == 302 and response.url == reverse("guard:dispatch")
    assert Dispatch.objects.get().result == "无异常"


def test_a_key_handed_to_nobody_is_refused_on_its_field(client, site_a, guard_a, keys_a):
    client.force_login(guard_a)
    handoffs = KeyHandoff.objects.count()
    response = client.post(reverse("guard:key_hand", args=[keys_a[0].pk]), {"to_holder": ""})
    assert response.status_code == 422
    assert response.context["row_form"].errors["to_holder"] == ["请填写接收人或存放处"]
    assert KeyHandoff.objects.count() == handoffs
    # only the manager registers a key: the form is not there for anyone else
    assert client.post(reverse("guard:keys"), {"label": "x", "door": "y"}).status_code == 404
