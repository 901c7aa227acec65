"""The 《大件物品出入单》 at the vehicle exit (V-12; T7 第五条): issued by the desk as a goods
slip of the large-item form (items, plate, approver), printed as an A4 PDF, scanned or typed at
the vehicle booth; without one a vehicle marked "carrying large items" is refused; the check is
recorded on the exit event and the form is used up."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from gatehouse.access.models import AccessEvent
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.vehicle import VehicleKind
from gatehouse.goods.models import ReleaseSlip, SlipState
from gatehouse.goods.services import slip_qr
from gatehouse.vehicles import services
from gatehouse.vehicles.models import ParkingSession
from tests.conftest import NOW
from tests.goods.conftest import make_slip

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
PLATE = "苏E12345"
SOFA = (("沙发", 1, "件"), ("冰箱", 1, "台"))
VISITOR = VehicleKind.VISITOR


@pytest.fixture
def exit_form(site_a, desk_a, house_a):
    """DJ-2026-0001: 张伟 of 3-2-1201 moves a sofa and a fridge out today in 苏E·12345."""
    return make_slip(site_a, desk_a, form="large_items", plate=PLATE, rows=SOFA)


@pytest.fixture
def inside(vlanes):
    """苏E·12345, a visitor's car, came in through the north gate ten minutes before NOW (free time)."""
    with time_machine.travel(NOW - timedelta(minutes=10), tick=False):
        services.vehicle_decide(
            services.VehicleInput(
                lane=vlanes["north/in"], plate=PLATE, kind=VISITOR, host_consent=True
            ),
            now=NOW - timedelta(minutes=10),
        )
    assert ParkingSession.objects.get().status == "open"
    return vlanes["north/out"]


def leave(lane, guard, **kw):
    return services.vehicle_decide(
        services.VehicleInput(lane=lane, plate=PLATE, large_items=True, **kw),
        now=NOW,
        guard=guard,
    )


def test_v12_the_desk_issues_a_numbered_form_for_a_vehicle(exit_form, desk_a):
    assert exit_form.number == "DJ-2026-0001" and exit_form.form == "large_items"
    assert (exit_form.status, exit_form.issued_by, exit_form.plate) == ("issued", desk_a, PLATE)


def test_v12_a_form_names_its_vehicle(site_a, desk_a, house_a):
    with pytest.raises(InvalidInput) as caught:
        make_slip(site_a, desk_a, form="large_items", rows=SOFA)  # rule V-12
    assert caught.value.code == "slip.plate_required"
    assert caught.value.details["field"] == "plate"
    assert not ReleaseSlip.objects.exists()


def test_v12_refused_without_a_form(inside, guard_a):
    result = leave(inside, guard_a, exit_slip_ok=True)  # rule V-12
    assert (result.decision.outcome.value, result.decision.reason) == (
        "refuse",
        "vehicle.goods_no_form",
    )
    event = result.event
    assert (event.outcome, event.reason, event.rule) == ("refuse", "vehicle.goods_no_form", "V-12")
    assert ParkingSession.objects.get().status == "open"  # still inside


def test_v12_the_form_checked_lets_the_vehicle_out_and_is_used_up(inside, guard_a, exit_form):
    first = leave(inside, guard_a, large_item_form=" dj-2026-0001 ")  # rule V-12
    assert (first.decision.reason, first.decision.pending.value) == (
        "vehicle.goods_form_check",
        "verify",
    )
    assert "核对《大件物品出入单》DJ-2026-0001：沙发1件、冰箱1台" in [
        o.note for o in first.decision.obligations
    ]
    exit_form.refresh_from_db()
    assert exit_form.status == SlipState.ISSUED  # not used by a pending decision
    done = leave(inside, guard_a, large_item_form=slip_qr(exit_form), exit_slip_ok=True)
    assert (done.decision.outcome.value, done.decision.reason) == ("allow", "vehicle.visitor_left")
    event = AccessEvent.objects.get(pk=done.event.pk)
    assert event.note.startswith("大件物品出入单DJ-2026-0001")
    assert {"duty": "collect_slip", "note": "DJ-2026-0001"} in event.obligations
    exit_form.refresh_from_db()
    assert (exit_form.status, exit_form.used_by) == (SlipState.USED, guard_a)
    assert ParkingSession.objects.get().status == "closed"


def test_v12_a_used_form_cannot_take_out_a_second_load(inside, guard_a, exit_form, vlanes):
    leave(inside, guard_a, large_item_form=exit_form.number, exit_slip_ok=True)  # rule V-12
    with time_machine.travel(NOW, tick=False):
        services.vehicle_decide(
            services.VehicleInput(
                lane=vlanes["north/in"], plate=PLATE, kind=VISITOR, host_consent=True
            ),
            now=NOW,
        )
    again = leave(inside, guard_a, large_item_form=exit_form.number, exit_slip_ok=True)
    assert (again.decision.outcome.value, again.decision.reason) == (
        "refuse",
        "vehicle.goods_form_used",
    )


def test_v12_a_mismatch_goes_to_the_office(inside, guard_a, exit_form):
    result = leave(inside, guard_a, large_item_form=exit_form.number, exit_slip_ok=False)
    assert (result.decision.reason, result.decision.pending.value) == (  # rule V-12
        "vehicle.goods_await_office",
        "approval",
    )
    exit_form.refresh_from_db()
    assert exit_form.status == SlipState.ISSUED


@pytest.mark.parametrize(
    ("code", "error"),
    [("DJ-2026-0099", "slip.unknown"), ("FX-2026-0001", "slip.not_exit_form")],
)
def test_v12_an_unknown_form_or_a_goods_slip_is_refused_and_nothing_written(
    inside, guard_a, exit_form, site_a, desk_a, code, error
):
    make_slip(site_a, desk_a, plate=PLATE)  # FX-2026-0001, a goods release slip
    before = AccessEvent.objects.count()
    with pytest.raises(DomainError) as caught:
        leave(inside, guard_a, large_item_form=code, exit_slip_ok=True)
    assert caught.value.code == error
    assert AccessEvent.objects.count() == before


def test_v12_the_booth_asks_for_the_form_and_answers_in_one_touch(
    client, guard_a, inside, exit_form
):
    client.force_login(guard_a)
    page = client.get(reverse("vehicles:index")).content.decode()
    assert 'name="large_item_form"' in page and "大件物品出入单号（扫码或输入）" in page
    data = {"lane": inside.pk, "plate": PLATE, "large_items": "on"}
    with time_machine.travel(NOW, tick=False):
        refused = client.post(reverse("vehicles:decide"), data, **HX).content.decode()
        assert "须出示《大件物品出入单》" in refused
        asked = client.post(
            reverse("vehicles:decide"), data | {"large_item_form": exit_form.number}, **HX
        ).content.decode()
        assert "请逐项核对车上物品与出入单是否相符" in asked
        assert 'name="exit_slip" value="yes"' in asked and "物品相符，放行" in asked
        done = client.post(
            reverse("vehicles:decide"),
            data | {"large_item_form": exit_form.number, "exit_slip": "yes"},
            **HX,
        ).content.decode()
    assert "放行" in done
    exit_form.refresh_from_db()
    assert exit_form.status == SlipState.USED


def test_v12_an_unknown_number_at_the_booth_is_a_422(client, guard_a, inside):
    client.force_login(guard_a)
    data = {"lane": inside.pk, "plate": PLATE, "large_items": "on", "large_item_form": "DJ-1"}
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("vehicles:decide"), data, **HX)
    assert response.status_code == 422
    assert "本场所没有这张放行条" in response.content.decode()


def test_v12_the_form_prints_as_an_a4_pdf(client, desk_a, guard_a, exit_form):
    client.force_login(desk_a)
    detail = client.get(reverse("goods:slip", args=[exit_form.pk])).content.decode()
    assert "大件物品出入单" in detail and reverse("goods:slip_pdf", args=[exit_form.pk]) in detail
    response = client.get(reverse("goods:slip_pdf", args=[exit_form.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(guard_a)  # the booth does not print forms
    assert client.get(reverse("goods:slip_pdf", args=[exit_form.pk])).status_code == 403


def test_the_desk_chooses_the_form_on_its_page(client, desk_a, house_a):
    client.force_login(desk_a)
    response = client.post(
        reverse("goods:slip_new"),
        {
            "applicant_kind": "owner",
            "form": "large_items",
            "applicant_name": "张伟",
            "house_number": "3-2-1201",
            "valid_on": NOW.date().isoformat(),
            "plate": "苏E12345",
            "item_name": ["沙发"],
            "item_qty": ["1"],
            "item_unit": ["件"],
        },
    )
    assert response.status_code == 302
    made = ReleaseSlip.objects.get()
    assert (made.form, made.number) == ("large_items", "DJ-2026-0001")
