"""Vehicle passes (《车辆出入证》, V-10, PK-06): issue with the papers checked, one per space, one
per shared-rental tenant, revoke for misuse, reissue, return; every money event in the ledger
(PK-07); ``active_pass`` for the vehicle gate; the front desk's pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.lease import DevicePrice
from gatehouse.parking import selectors
from gatehouse.parking.models import LedgerTransaction, VehiclePass
from gatehouse.parking.services import (
    pass_issue,
    pass_qr,
    pass_reissue,
    pass_return,
    pass_revoke_for_misuse,
    person_party,
    tariff_plan_create,
)
from tests.conftest import NOW
from tests.parking.conftest import copies

pytestmark = pytest.mark.django_db


def _issue(site, actor, holder, papers, *, plate="鄂A12345", space=None, kind="owner", **kw):
    return pass_issue(
        site=site,
        actor=actor,
        holder=holder,
        plate=plate,
        kind=kind,
        method=kw.pop("method", "cash"),
        space=space,
        now=kw.pop("now", NOW),
        **(papers | kw),
    )


def _entries(p: VehiclePass) -> list[tuple[str, str, int, str]]:
    return [
        (e.account, e.side, e.amount_fen, e.kind)
        for t in LedgerTransaction.objects.filter(ref=p.ref).order_by("pk")
        for e in t.entries.order_by("pk")
    ]


@pytest.fixture
def issued(site_a, desk_a, resident_a, spaces_a, papers):
    return _issue(site_a, desk_a, resident_a, papers, plate="鄂a·12345", space=spaces_a[0])


# -- issue ---------------------------------------------------------------------------------------


def test_a_pass_is_issued_with_its_deposit_and_card_fee(issued, resident_a, spaces_a, desk_a):
    # rule V-10: applied for with ID, vehicle licence, driving licence and insurance
    # rule PK-06: deposit plus card fee, posted to the ledger (PK-07)
    assert issued.number == "CL-2026-0001" and issued.plate == "鄂A12345"
    assert issued.status == "active" and issued.space == spaces_a[0]
    assert (issued.deposit_fen, issued.card_fee_fen, issued.payment_method) == (10000, 2000, "cash")
    party = person_party(resident_a)
    assert _entries(issued) == [
        ("cash", "debit", 10000, "deposit"),
        (f"deposits:{party}", "credit", 10000, "deposit"),
        (f"receivable:{party}", "debit", 2000, "fee"),
        ("income:fees", "credit", 2000, "fee"),
        ("cash", "debit", 2000, "payment"),
        (f"receivable:{party}", "credit", 2000, "payment"),
    ]
    audit = AuditEntry.objects.get(action="vehicle_pass.issue")
    assert audit.object_id == str(issued.pk) and audit.actor == desk_a
    summary = selectors.daily_income(issued.site, date(2026, 11, 24))
    assert (summary.fees, summary.deposits_received, summary.income) == (2000, 10000, 2000)


def test_the_posted_pass_price_is_taken(site_a, manager_a, desk_a, resident_a, papers):
    # rule PK-06: the deposit and card fee are the posted ones
    tariff_plan_create(
        site=site_a,
        actor=manager_a,
        table={"default": {"price": 500}},
        pass_price=DevicePrice(deposit=5000, card_fee=0),
        now=NOW - timedelta(days=1),
    )
    p = _issue(site_a, desk_a, resident_a, papers)
    assert (p.deposit_fen, p.card_fee_fen) == (5000, 0)
    assert [kind for *_rest, kind in _entries(p)] == ["deposit", "deposit"]


# rule V-10: vehicles without the papers, insurance or environmental label are refused
@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"id_checked": False}, "pass.documents_missing", "尚未查验：身份证"),
        (
            {"vehicle_licence_checked": False, "driving_licence_checked": False},
            "pass.documents_missing",
            "尚未查验：机动车行驶证、驾驶证",
        ),
        ({"insurance_checked": False}, "pass.uninsured", "未按国家规定购买保险的车辆不予办理"),
        (
            {"insurance_valid_until": date(2026, 11, 23)},
            "pass.insurance_expired",
            "保险已于2026-11-23到期",
        ),
        ({"insurance_valid_until": None}, "pass.insurance_expired", "未填写保险有效期"),
        ({"environmental_label": False}, "pass.no_env_label", "无环保标志的车辆不予办理"),
    ],
)
def test_a_pass_is_refused_without_papers(
    site_a, desk_a, resident_a, papers, changes, code, message
):
    with pytest.raises(DomainError) as caught:
        _issue(site_a, desk_a, resident_a, papers | changes)
    assert caught.value.code == code and message in caught.value.message
    assert VehiclePass.objects.count() == 0 and LedgerTransaction.objects.count() == 0


def test_insurance_ending_today_is_still_valid(site_a, desk_a, resident_a, papers):
    # rule V-10: boundary: insured through today
    p = _issue(site_a, desk_a, resident_a, papers | {"insurance_valid_until": date(2026, 11, 24)})
    assert p.status == "active"


@pytest.mark.parametrize(
    ("plate", "code"),
    [("", "plate.empty"), ("ABC123", "plate.province"), ("鄂AI2345", "plate.format")],
)
def test_a_bad_plate_is_refused(site_a, desk_a, resident_a, papers, plate, code):
    with pytest.raises(InvalidInput) as caught:
        _issue(site_a, desk_a, resident_a, papers, plate=plate)
    assert caught.value.code == code and VehiclePass.objects.count() == 0


def test_one_pass_per_parking_space(issued, site_a, desk_a, tenant_a, spaces_a, papers):
    # rule V-10: one pass per parking space
    with pytest.raises(DomainError) as caught:
        _issue(site_a, desk_a, tenant_a, papers, plate="鄂A54321", space=spaces_a[0], kind="tenant")
    assert caught.value.code == "pass.space_taken" and "一车位一证" in caught.value.message
    assert VehiclePass.objects.count() == 1


def test_the_database_holds_one_active_pass_per_space(issued, tenant_a, spaces_a):
    # rule V-10: a partial unique constraint backs the service check
    with pytest.raises(IntegrityError), transaction.atomic():
        VehiclePass.objects.create(
            site=issued.site,
            number="CL-2026-0099",
            token="t-2",
            plate="鄂A54321",
            holder=tenant_a,
            space=spaces_a[0],
            kind="tenant",
            valid_from=NOW,
            issued_at=NOW,
        )


def test_a_shared_rental_tenant_holds_one_pass(
    site_a, desk_a, tenant_a, tenant2_a, spaces_a, papers
):
    # rule V-10: a shared-rental tenant may hold one pass (合租型租户每人限办理一张)
    _issue(site_a, desk_a, tenant_a, papers, plate="鄂A11111", space=spaces_a[1], kind="tenant")
    with pytest.raises(DomainError) as caught:
        _issue(site_a, desk_a, tenant_a, papers, plate="鄂A22222", space=spaces_a[2], kind="tenant")
    assert caught.value.code == "pass.tenant_limit" and "每人限办理一张" in caught.value.message
    # the flatmate holds a pass of their own
    other = _issue(
        site_a, desk_a, tenant2_a, papers, plate="鄂A22222", space=spaces_a[2], kind="tenant"
    )
    assert other.status == "active"
    with pytest.raises(IntegrityError), transaction.atomic():
        VehiclePass.objects.create(
            site=site_a,
            number="CL-2026-0099",
            token="t-3",
            plate="鄂A33333",
            holder=tenant_a,
            kind="tenant",
            valid_from=NOW,
            issued_at=NOW,
        )


def test_a_plate_holds_one_active_pass(issued, site_a, desk_a, tenant_a, papers):
    with pytest.raises(DomainError) as caught:
        _issue(site_a, desk_a, tenant_a, papers, plate="鄂A12345", kind="tenant")
    assert caught.value.code == "pass.plate_taken"


def test_holder_and_space_must_be_of_the_site(site_a, site_b, desk_a, resident_b, garage_b, papers):
    with pytest.raises(InvalidInput) as caught:
        _issue(site_a, desk_a, resident_b, papers)
    assert caught.value.code == "pass.holder_site"
    space_b = garage_b.spaces.get()
    from gatehouse.people.services import person_create

    local = person_create(site=site_a, actor=desk_a, name="孙丽", kind="owner", now=NOW)
    with pytest.raises(InvalidInput) as caught:
        _issue(site_a, desk_a, local, papers, space=space_b)
    assert caught.value.code == "pass.space_site"


# -- revoke for misuse, reissue, return ----------------------------------------------------------


def test_a_lent_pass_is_revoked_and_its_deposit_forfeited(
    issued, desk_a, resident_a, spaces_a, tenant_a, papers
):
    # rule V-10: not transferable; misuse: pass revoked, deposit kept
    pass_revoke_for_misuse(vehicle_pass=issued, actor=desk_a, reason="转借给外来车辆使用", now=NOW)
    assert issued.status == "revoked" and issued.revoked_reason == "转借给外来车辆使用"
    party = person_party(resident_a)
    assert _entries(issued)[-2:] == [
        (f"deposits:{party}", "debit", 10000, "forfeit"),
        ("income:forfeits", "credit", 10000, "forfeit"),
    ]
    statement = selectors.party_statement(issued.site, party)
    assert statement.deposits_held == 0
    assert selectors.daily_income(issued.site, date(2026, 11, 24)).forfeits == 10000
    assert selectors.active_pass(issued.site, "鄂A12345", NOW) is None
    # the space is free for a new pass
    again = _issue(
        issued.site, desk_a, tenant_a, papers, plate="鄂A54321", space=spaces_a[0], kind="tenant"
    )
    assert again.status == "active"
    with pytest.raises(DomainError) as caught:
        pass_revoke_for_misuse(vehicle_pass=issued, actor=desk_a, reason="再次收回", now=NOW)
    assert caught.value.code == "pass.not_active"
    with pytest.raises(InvalidInput):
        pass_revoke_for_misuse(vehicle_pass=again, actor=desk_a, reason=" ", now=NOW)


def test_a_lost_pass_is_reissued_for_the_fee(issued, desk_a, resident_a):
    # rule PK-06: reissue for a fee; rule V-10: lost pass: reissue
    new = pass_reissue(vehicle_pass=issued, actor=desk_a, cause="lost", method="qr", now=NOW)
    assert issued.status == "lost"
    assert (new.plate, new.space, new.holder, new.status) == (
        issued.plate,
        issued.space,
        resident_a,
        "active",
    )
    assert new.replaces == issued and new.number == "CL-2026-0002"
    assert (new.deposit_fen, new.card_fee_fen) == (10000, 2000)  # deposit carried over
    party = person_party(resident_a)
    assert _entries(new) == [
        (f"receivable:{party}", "debit", 2000, "fee"),
        ("income:fees", "credit", 2000, "fee"),
        ("qr", "debit", 2000, "payment"),
        (f"receivable:{party}", "credit", 2000, "payment"),
    ]
    assert selectors.active_pass(issued.site, "鄂A12345", NOW) == new


def test_a_changed_car_needs_its_own_papers(issued, desk_a):
    # rule V-10: changed car: reissue, and the new car is checked like any other
    with pytest.raises(DomainError) as caught:
        pass_reissue(
            vehicle_pass=issued,
            actor=desk_a,
            cause="car_changed",
            method="cash",
            plate="鄂A88888",
            vehicle_licence_checked=True,
            insurance_checked=True,
            insurance_valid_until=date(2027, 6, 30),
            environmental_label=False,
            now=NOW,
        )
    assert caught.value.code == "pass.no_env_label"
    issued.refresh_from_db()
    assert issued.status == "active" and VehiclePass.objects.count() == 1
    new = pass_reissue(
        vehicle_pass=issued,
        actor=desk_a,
        cause="car_changed",
        method="cash",
        plate="鄂A88888",
        vehicle_licence_checked=True,
        insurance_checked=True,
        insurance_valid_until=date(2027, 6, 30),
        environmental_label=True,
        now=NOW,
    )
    assert issued.status == "replaced" and new.plate == "鄂A88888"
    assert new.insurance_valid_until == date(2027, 6, 30)
    assert selectors.active_pass(issued.site, "鄂A12345", NOW) is None
    assert selectors.active_pass(issued.site, "鄂A88888", NOW) == new


def test_a_reissue_cause_must_be_known(issued, desk_a):
    with pytest.raises(InvalidInput) as caught:
        pass_reissue(vehicle_pass=issued, actor=desk_a, cause="stolen", method="cash", now=NOW)
    assert caught.value.code == "pass.reissue_cause"


def test_a_returned_pass_gets_its_deposit_back(issued, desk_a, resident_a):
    # rule PK-06: the deposit is refunded on return (PK-07: a ledger entry)
    pass_return(vehicle_pass=issued, actor=desk_a, method="cash", now=NOW + timedelta(days=2))
    assert issued.status == "returned"
    party = person_party(resident_a)
    assert _entries(issued)[-2:] == [
        (f"deposits:{party}", "debit", 10000, "deposit_refund"),
        ("cash", "credit", 10000, "deposit_refund"),
    ]
    assert selectors.party_statement(issued.site, party).deposits_held == 0
    day = selectors.daily_income(issued.site, date(2026, 11, 26))
    assert day.deposits_refunded == 10000 and day.income == 0
    assert AuditEntry.objects.filter(
        action="vehicle_pass.return", object_id=str(issued.pk)
    ).exists()


def test_an_unknown_payment_method_is_refused(site_a, desk_a, resident_a, papers):
    with pytest.raises(InvalidInput) as caught:
        _issue(site_a, desk_a, resident_a, papers, method="cheque")
    assert caught.value.code == "payment.method"


# -- active_pass: the vehicle gate's lookup ------------------------------------------------------


def test_active_pass_finds_the_plate_in_its_window(site_a, site_b, desk_a, resident_a, papers):
    # rule V-10: no (valid) pass shown: the gate treats the car as a temporary visitor vehicle
    p = _issue(
        site_a,
        desk_a,
        resident_a,
        papers,
        valid_from=NOW + timedelta(days=1),
        valid_until=NOW + timedelta(days=31),
    )
    assert selectors.active_pass(site_a, "鄂A12345", NOW) is None  # not yet
    assert selectors.active_pass(site_a, "鄂 a·12345", NOW + timedelta(days=1)) == p
    assert selectors.active_pass(site_a, "鄂A12345", NOW + timedelta(days=31)) is None  # ended
    assert selectors.active_pass(site_b, "鄂A12345", NOW + timedelta(days=2)) is None
    assert selectors.active_pass(site_a, "not a plate", NOW + timedelta(days=2)) is None


def test_the_qr_is_signed_for_the_pass(issued):
    payload = pass_qr(issued)
    body = signing.Signer(salt="gatehouse.qr.veh", sep=".").unsign(payload)
    assert body.startswith(f"GH1.veh.{issued.token}.")
    with pytest.raises(signing.BadSignature):
        signing.Signer(salt="gatehouse.qr.pas", sep=".").unsign(payload)


# -- pages ---------------------------------------------------------------------------------------


def test_the_pass_list_is_the_sites_own(client, issued, site_b, manager_b, desk_a, guard_a):
    client.force_login(desk_a)
    html = client.get(reverse("parking:passes"), {"q": "鄂a12345"}).content.decode()
    assert "CL-2026-0001" in html and "鄂A·12345" in html
    client.force_login(manager_b)
    assert "CL-2026-0001" not in client.get(reverse("parking:passes")).content.decode()
    assert client.get(reverse("parking:pass_detail", args=[issued.pk])).status_code == 404
    assert client.get(reverse("parking:pass_print", args=[issued.pk])).status_code == 404
    client.force_login(guard_a)
    assert client.get(reverse("parking:passes")).status_code == 403


def test_the_pass_register_links_each_pass_and_exports_and_prints(client, issued, desk_a):
    # rule V-10: the passes issued, as a register like every other (engine: link, xlsx, print)
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(desk_a)
    response = client.get(reverse("parking:passes"))
    html = response.content.decode()
    detail = reverse("parking:pass_detail", args=[issued.pk])
    assert f'href="{detail}"' in html and reverse("parking:pass_issue") in html
    (row,) = response.context["rows"]
    cells = dict(row["pairs"])
    assert cells["证号"] == "CL-2026-0001" and cells["车牌号"] == "鄂A·12345"
    export = client.get(reverse("parking:passes"), {"export": "xlsx", "status": "active"})
    sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[1][:2] == ["证号", "车牌号"] and values[2][0] == "CL-2026-0001"
    assert len(values) == 3
    printed = client.get(reverse("parking:passes"), {"print": "1"}).content.decode()
    assert "window.print()" in printed and "CL-2026-0001" in printed


def _issue_form(holder, space, **changes):
    return (
        {
            "holder": holder.pk,
            "plate": "鄂A12345",
            "kind": "owner",
            "space": space.pk,
            "id_checked": "on",
            "vehicle_licence_checked": "on",
            "driving_licence_checked": "on",
            "insurance_checked": "on",
            "insurance_valid_until": "2030-01-01",
            "environmental_label": "on",
            "method": "qr",
        }
        | {f"copy_{kind}": f for kind, f in copies().items()}
        | changes
    )


def test_the_desk_finds_the_holder_and_issues_a_pass(client, desk_a, resident_a, house_a, spaces_a):
    # rule V-10, PK-06
    client.force_login(desk_a)
    url = reverse("parking:pass_issue")
    found = client.get(url, {"q": "3-2-1201"}).content.decode()
    assert "张伟" in found and f"?holder={resident_a.pk}" in found
    form_page = client.get(url, {"holder": resident_a.pk}).content.decode()
    assert "¥100.00" in form_page and "B1-001" in form_page
    response = client.post(f"{url}?holder={resident_a.pk}", _issue_form(resident_a, spaces_a[0]))
    p = VehiclePass.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("parking:pass_detail", args=[p.pk])
    assert p.payment_method == "qr"
    detail = client.get(response["Location"]).content.decode()
    assert "车辆出入证押金" in detail and "100.00" in detail


def test_the_issue_form_shows_the_refusal(client, desk_a, resident_a, spaces_a):
    # rule V-10: the reason is shown, nothing is written
    client.force_login(desk_a)
    url = f"{reverse('parking:pass_issue')}?holder={resident_a.pk}"
    response = client.post(url, _issue_form(resident_a, spaces_a[0], environmental_label=""))
    assert response.status_code == 422
    assert "无环保标志的车辆不予办理" in response.content.decode()
    bad_plate = client.post(url, _issue_form(resident_a, spaces_a[0], plate="京IO0000"))
    assert bad_plate.status_code == 422 and "车牌号码格式不正确" in bad_plate.content.decode()
    assert VehiclePass.objects.count() == 0 and LedgerTransaction.objects.count() == 0


def test_another_sites_person_cannot_be_picked(client, desk_a, resident_b):
    client.force_login(desk_a)
    assert client.get(reverse("parking:pass_issue"), {"holder": resident_b.pk}).status_code == 404


def test_revoke_reissue_and_return_from_the_detail_page(client, issued, desk_a):
    client.force_login(desk_a)
    page = client.get(reverse("parking:pass_detail", args=[issued.pk])).content.decode()
    assert "收回并没收押金" in page and "退证并退押金" in page
    response = client.post(
        reverse("parking:pass_reissue", args=[issued.pk]), {"cause": "lost", "method": "cash"}
    )
    new = VehiclePass.objects.get(status="active")
    assert response.status_code == 302 and new.replaces_id == issued.pk
    stale = client.post(reverse("parking:pass_return", args=[issued.pk]), {"method": "cash"})
    assert stale.status_code == 422 and "已挂失" in stale.content.decode()
    empty = client.post(reverse("parking:pass_revoke", args=[new.pk]), {"reason": ""})
    assert empty.status_code == 422
    done = client.post(reverse("parking:pass_revoke", args=[new.pk]), {"reason": "转借他人"})
    assert done.status_code == 302
    new.refresh_from_db()
    assert new.status == "revoked"


def test_the_pass_prints_with_a_qr(client, issued, desk_a):
    client.force_login(desk_a)
    response = client.get(reverse("parking:pass_print", args=[issued.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "<svg" in html
    assert "CL-2026-0001" in html and "鄂A·12345" in html and "B1-001" in html
    assert response["Cache-Control"] == "no-store"


def test_a_lost_race_for_the_space_is_refused_by_the_database(
    issued, site_a, desk_a, tenant_a, spaces_a, papers, monkeypatch
):
    # rule V-10: two desks issuing for one space at once: the partial unique index decides
    from gatehouse.parking import services

    monkeypatch.setattr(services, "_pass_conflicts", lambda **kw: None)  # the check raced past
    with pytest.raises(DomainError) as caught:
        _issue(site_a, desk_a, tenant_a, papers, plate="鄂A54321", space=spaces_a[0], kind="tenant")
    assert caught.value.code == "pass.conflict"
    assert VehiclePass.objects.count() == 1
    assert LedgerTransaction.objects.filter(ref__startswith="vehicle_pass").count() == 1
