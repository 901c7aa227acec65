"""The security manager's set-up pages (issue 17 §6): patrol routes (S-04), emergency plans
(S-13) and the guard settings, created and edited from the console; checked by the core,
refused input a 422 with nothing written, audited, of the manager's own site only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from gatehouse.core import guard_setup as core
from gatehouse.core.errors import InvalidInput
from gatehouse.guard.models import EmergencyPlan, GuardSettings, PatrolRoute


@pytest.fixture
def checkpoints(site_a):
    from gatehouse.sites.models import Checkpoint

    return [
        Checkpoint.objects.create(site=site_a, code=f"cp0{i}", name=name, location="B1")
        for i, name in enumerate(("配电房", "生活水泵房", "燃气调压站"), start=1)
    ]


def route_data(checkpoints, **kw):
    data = {
        "name": "夜间巡更",
        "first_round": "22:00",
        "rounds": "3",
        "every_minutes": "120",
        "window_minutes": "",
        "grace_minutes": "15",
        "is_active": "on",
        f"cp_{checkpoints[2].pk}": "1",
        f"cp_{checkpoints[0].pk}": "2",
    }
    return data | kw


def test_s04_the_manager_creates_and_edits_a_route_with_its_stops_in_order(
    client, manager_a, checkpoints
):
    client.force_login(manager_a)
    page = client.get(reverse("guard:route_new")).content.decode()
    assert "燃气调压站" in page and 'data-testid="route-form"' in page
    response = client.post(reverse("guard:route_new"), route_data(checkpoints))
    assert response.status_code == 302 and response["Location"] == reverse("guard:routes")
    route = PatrolRoute.objects.get()
    stops = list(route.stops.order_by("order").values_list("checkpoint__name", flat=True))
    assert stops == ["燃气调压站", "配电房"] and route.rounds == 3
    assert AuditEntry.objects.filter(action="guard.route.create").exists()
    listing = client.get(reverse("guard:routes")).content.decode()
    assert reverse("guard:route_edit", args=[route.pk]) in listing
    edit = client.get(reverse("guard:route_edit", args=[route.pk])).content.decode()
    assert 'value="22:00"' in edit
    changed = route_data(checkpoints, rounds="4", **{f"cp_{checkpoints[1].pk}": "3"})
    client.post(reverse("guard:route_edit", args=[route.pk]), changed)
    route.refresh_from_db()
    assert route.rounds == 4 and route.stops.count() == 3
    entry = AuditEntry.objects.get(action="guard.route.update")
    assert entry.before["rounds"] == 3 and entry.after["rounds"] == 4


def test_a_refused_route_is_a_422_and_nothing_written(client, manager_a, checkpoints):
    client.force_login(manager_a)
    no_stops = {k: v for k, v in route_data(checkpoints).items() if not k.startswith("cp_")}
    response = client.post(reverse("guard:route_new"), no_stops)
    assert response.status_code == 422 and "请至少为一个巡更点填写顺序" in response.content.decode()
    twice = route_data(checkpoints, **{f"cp_{checkpoints[0].pk}": "1"})
    response = client.post(reverse("guard:route_new"), twice)
    assert response.status_code == 422 and "顺序不能重复" in response.content.decode()
    too_long = route_data(checkpoints, rounds="13")
    assert client.post(reverse("guard:route_new"), too_long).status_code == 422
    assert not PatrolRoute.objects.exists()


def test_s13_the_manager_writes_a_plan_and_its_chain(client, manager_a):
    client.force_login(manager_a)
    data = {
        "name": "危化品泄漏应急预案",
        "chain": "监控中心值班长，2，0710-3326110\n园区安保主管,5\n",
        "is_active": "on",
    }
    response = client.post(reverse("guard:plan_new"), data)
    assert response.status_code == 302
    plan = EmergencyPlan.objects.get()
    chain = list(plan.steps.order_by("order").values_list("who", "minutes", "phone"))
    assert chain == [("监控中心值班长", 2, "0710-3326110"), ("园区安保主管", 5, "")]
    page = client.get(reverse("guard:emergency")).content.decode()
    assert reverse("guard:plan_edit", args=[plan.pk]) in page
    edit = client.get(reverse("guard:plan_edit", args=[plan.pk])).content.decode()
    assert "监控中心值班长，2，0710-3326110" in edit
    bad = client.post(
        reverse("guard:plan_edit", args=[plan.pk]), data | {"chain": "园区安保主管，300"}
    )
    assert bad.status_code == 422 and "第1行的确认时限" in bad.content.decode()
    assert plan.steps.count() == 2
    assert AuditEntry.objects.filter(action="guard.plan.create").count() == 1


def test_the_manager_sets_the_guard_settings(client, manager_a, site_a):
    client.force_login(manager_a)
    page = client.get(reverse("guard:settings")).content.decode()
    assert 'value="10"' in page  # the defaults shown
    values = {
        "early_minutes": "15",
        "ack_critical_minutes": "1",
        "ack_high_minutes": "3",
        "ack_medium_minutes": "10",
        "ack_low_minutes": "30",
        "answer_within_minutes": "20",
        "follow_up_within_hours": "24",
        "visit_back_within_days": "7",
        "fine_fen": "10000",
        "repeat_within_days": "",
    }
    assert client.post(reverse("guard:settings"), values).status_code == 302
    conf = GuardSettings.objects.get(site=site_a)
    assert (conf.early_minutes, conf.fine_fen, conf.repeat_within_days) == (15, 10000, None)
    out_of_order = values | {"ack_critical_minutes": "20"}
    response = client.post(reverse("guard:settings"), out_of_order)
    assert response.status_code == 422 and "依次不减" in response.content.decode()
    conf.refresh_from_db()
    assert conf.ack_critical_minutes == 1
    assert AuditEntry.objects.filter(action="guard.settings.update").count() == 1


def test_only_the_sites_manager(client, guard_a, manager_b, manager_a, checkpoints):
    client.force_login(manager_a)
    client.post(reverse("guard:route_new"), route_data(checkpoints))
    route = PatrolRoute.objects.get()
    client.force_login(guard_a)
    for name in ("guard:route_new", "guard:plan_new", "guard:settings"):
        assert client.get(reverse(name)).status_code == 403
    client.force_login(manager_b)
    assert client.get(reverse("guard:route_edit", args=[route.pk])).status_code == 404


def test_the_core_parses_the_chain_and_bounds():
    steps = core.parse_chain("A岗，3\n\nB岗,4,110")
    assert [(s.who, s.minutes, s.phone) for s in steps] == [("A岗", 3, ""), ("B岗", 4, "110")]
    assert core.parse_chain(core.chain_text(steps)) == steps
    for bad, code in (
        ("", "plan.chain_empty"),
        ("A岗", "plan.chain_line"),
        ("A,1\nA,2", "plan.chain_twice"),
    ):
        with pytest.raises(InvalidInput) as refused:
            core.parse_chain(bad)
        assert refused.value.code == code
    with pytest.raises(InvalidInput) as refused:
        core.check_settings(
            {f: low for f, (low, _h) in core.SETTING_BOUNDS.items()} | {"fine_fen": -1}
        )
    assert refused.value.code == "settings.range"
