"""Release slips (G-01): applied for by residents, tenants and enterprises, issued by the service
centre with a signed QR, declined or revoked; the item lines as typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import QueryDict

from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.goods import forms, services, tokens
from gatehouse.goods.models import ReleaseSlip, SlipState
from tests.conftest import NOW
from tests.goods.conftest import items, make_slip

pytestmark = pytest.mark.django_db


def test_g01_the_desk_issues_a_slip_at_once(site_a, desk_a, house_a):
    # rule G-01: the service centre issues the slip
    slip = make_slip(site_a, desk_a, plate="苏e·12345", reason="搬家")
    assert (slip.number, slip.status, slip.issued_by, slip.issued_at) == (
        "FX-2026-0001",
        SlipState.ISSUED,
        desk_a,
        NOW,
    )
    assert (slip.plate, slip.house, slip.created_on, slip.valid_on) == (
        "苏E12345",
        house_a,
        NOW.date(),
        NOW.date(),
    )
    assert [
        (i.position, i.name, str(i.quantity), i.unit) for i in slip.items.order_by("position")
    ] == [
        (1, "纸箱", "3.00", "箱"),
        (2, "电视机", "1.00", "台"),
    ]
    assert AuditEntry.objects.filter(action="goods.slip.issue", object_id=str(slip.pk)).exists()
    assert make_slip(site_a, desk_a).number == "FX-2026-0002"


def test_g01_numbers_are_per_site(site_a, site_b, desk_a, manager_b, house_a):
    from gatehouse.sites.models import Building, House, Unit

    unit = Unit.objects.create(building=Building.objects.create(site=site_b, code="1"), code="1")
    House.objects.create(site=site_b, unit=unit, number="1-1-101", room="101")
    make_slip(site_a, desk_a)
    assert make_slip(site_b, manager_b, house_number="1-1-101").number == "FX-2026-0001"


def test_g01_a_residents_application_waits_for_the_desk(site_a, resident_a, desk_a, house_a):
    # rule G-01
    slip = make_slip(site_a, None, issue=False, person=resident_a)
    assert (slip.status, slip.issued_at, slip.person) == (SlipState.APPLIED, None, resident_a)
    issued = services.slip_issue(slip=slip, actor=desk_a, now=NOW + timedelta(hours=1))
    assert (issued.status, issued.issued_by) == (SlipState.ISSUED, desk_a)
    with pytest.raises(DomainError) as err:
        services.slip_issue(slip=slip, actor=desk_a, now=NOW)
    assert err.value.code == "slip.not_applied"


def test_g01_the_desk_declines_or_revokes_with_a_reason(site_a, desk_a, house_a):
    applied = make_slip(site_a, desk_a, issue=False)
    with pytest.raises(InvalidInput) as err:
        services.slip_decline(slip=applied, actor=desk_a, reason=" ", now=NOW)
    assert err.value.code == "slip.reason"
    declined = services.slip_decline(slip=applied, actor=desk_a, reason="物品清单不全", now=NOW)
    assert (declined.status, declined.close_reason) == (SlipState.DECLINED, "物品清单不全")
    issued = make_slip(site_a, desk_a)
    revoked = services.slip_revoke(slip=issued, actor=desk_a, reason="业主取消搬家", now=NOW)
    assert revoked.status == SlipState.REVOKED
    with pytest.raises(DomainError):
        services.slip_revoke(slip=issued, actor=desk_a, reason="再次作废", now=NOW)


def test_g01_an_old_application_is_not_issued(site_a, desk_a, house_a):
    slip = make_slip(site_a, desk_a, issue=False)
    with pytest.raises(DomainError) as err:
        services.slip_issue(slip=slip, actor=desk_a, now=NOW + timedelta(days=1))
    assert err.value.code == "slip.valid_on_past"


def test_g01_an_enterprise_slip_names_the_company(site_a, desk_a, enterprise_a):
    slip = make_slip(
        site_a,
        desk_a,
        applicant_kind="enterprise",
        applicant_name="王经理",
        house_number="",
        enterprise=enterprise_a,
    )
    assert (slip.enterprise, slip.house, services.slip_place(slip)) == (
        enterprise_a,
        None,
        "东湖物流有限公司",
    )


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        pytest.param({"rows": ()}, "goods.slip_empty", id="no-items"),
        pytest.param({"valid_on": NOW.date() - timedelta(days=1)}, "slip.valid_on_past", id="past"),
        pytest.param({"valid_on": NOW.date() + timedelta(days=31)}, "slip.valid_on_far", id="far"),
        pytest.param({"plate": "ABC123"}, "plate.province", id="bad-plate"),
        pytest.param({"house_number": "9-9-999"}, "house.unknown", id="unknown-house"),
        pytest.param({"applicant_kind": "guest"}, "slip.applicant_kind", id="bad-kind"),
        pytest.param({"applicant_name": "  "}, "slip.applicant_name", id="no-name"),
        pytest.param({"applicant_kind": "enterprise"}, "slip.enterprise", id="no-enterprise"),
    ],
)
def test_g01_bad_applications_change_nothing(site_a, desk_a, house_a, kw, code):
    # rule G-01: bad input gets a clear error and writes nothing
    with pytest.raises(InvalidInput) as err:
        make_slip(site_a, desk_a, **kw)
    assert err.value.code == code
    assert err.value.message
    assert not ReleaseSlip.objects.exists()


def test_g01_a_resident_applies_only_for_their_own_house(site_a, resident_a, tenant_house_a):
    with pytest.raises(InvalidInput) as err:
        make_slip(site_a, None, issue=False, person=resident_a, house_number="3-2-1202")
    assert err.value.code == "slip.not_your_house"


def test_g01_a_tenants_application_is_a_tenants(site_a, tenant_a):
    assert services.applicant_kind_of(tenant_a, tenant_a.house_links.get().house) == "tenant"
    with pytest.raises(InvalidInput):
        make_slip(site_a, None, issue=False, person=tenant_a, house_number="3-2-1202")
    slip = make_slip(
        site_a, None, issue=False, person=tenant_a, house_number="3-2-1202", applicant_kind="tenant"
    )
    assert slip.applicant_kind == "tenant"


# -- the QR --------------------------------------------------------------------------------------


def test_g01_the_qr_finds_the_slip_and_a_forged_one_does_not(site_a, slip_a):
    payload = services.slip_qr(slip_a)
    assert payload.startswith("GS1.")
    assert services.find_slip(site_a, payload, now=NOW) == slip_a
    assert services.find_slip(site_a, f"  {slip_a.number.lower()} ", now=NOW) == slip_a
    forged = payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")
    with pytest.raises(InvalidInput) as err:
        services.find_slip(site_a, forged, now=NOW)
    assert err.value.code == "slip_qr.invalid"
    with pytest.raises(DomainError) as err:
        services.find_slip(site_a, "FX-2026-9999", now=NOW)
    assert err.value.code == "slip.unknown"


def test_g01_the_qr_expires_a_week_after_the_slips_day(slip_a):
    payload = services.slip_qr(slip_a)
    assert tokens.read_slip(payload, now=NOW + timedelta(days=7)).token == slip_a.token
    with pytest.raises(InvalidInput) as err:
        tokens.read_slip(payload, now=NOW + timedelta(days=8))
    assert err.value.code == "slip_qr.expired"


def test_a_pass_qr_is_not_a_slip(site_a):
    from gatehouse.visitors import tokens as visitor_tokens

    payload = visitor_tokens.qr_payload("pas", "abc", NOW + timedelta(days=1))
    with pytest.raises(DomainError) as err:
        services.find_slip(site_a, payload, now=NOW)
    assert err.value.code == "slip.unknown"


# -- item lines as typed -------------------------------------------------------------------------


def _form(**fields):
    data = QueryDict(mutable=True)
    data.update({"valid_on": "2026-11-24", "house": "1"})
    for key, values in fields.items():
        data.setlist(key, values)
    return forms.ResidentSlipForm(data, houses=[("1", "3-2-1201")])


def test_item_rows_are_parsed_into_core_items():
    form = _form(
        item_name=["纸箱", "", "电视机"], item_qty=["３", "", "1.5"], item_unit=["箱", "", "台"]
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["items"] == items([("纸箱", 3, "箱"), ("电视机", "1.5", "台")])


@pytest.mark.parametrize(
    ("qty", "unit", "says"),
    [
        ("three", "箱", "第1行：数量不正确"),
        ("0", "箱", "第1行：物品数量必须是大于0的数字"),
        ("-2", "箱", "第1行：物品数量必须是大于0的数字"),
        ("1.234", "箱", "第1行：数量不正确"),
        ("2", "", "第1行：请填写物品单位"),
    ],
)
def test_bad_item_rows_are_named_by_row(qty, unit, says):
    form = _form(item_name=["纸箱"], item_qty=[qty], item_unit=[unit])
    assert not form.is_valid()
    assert any(says in e for e in form.non_field_errors()), form.non_field_errors()


def test_an_empty_list_asks_for_an_item():
    form = _form()
    assert not form.is_valid()
    assert "请至少填写一项物品" in form.non_field_errors()[0]


def test_slip_apply_keeps_the_core_items(site_a, desk_a, house_a):
    slip = services.slip_apply(
        site=site_a,
        actor=desk_a,
        now=NOW,
        applicant_kind="owner",
        applicant_name="张伟",
        items=items([("沙发", 1, "套")]),
        valid_on=NOW.date(),
        house_number="3-2-1201",
    )
    assert services.slip_items(slip) == tuple(items([("沙发", 1, "套")]))
