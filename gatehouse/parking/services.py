"""Writes of the parking app: the ledger (PK-07), tariffs (PK-01, PK-02), vehicle passes (V-10,
PK-06) and space leases (PK-03 … PK-05).

Every service is keyword-only, atomic, writes its audit entry in the same transaction and is
handed ``now``. The rules and the money are the pure core's: :mod:`gatehouse.core.tariff`,
:mod:`gatehouse.core.lease` and :mod:`gatehouse.core.ledger` (the V-10 application check is in
:mod:`gatehouse.parking.eligibility`, pure Python as well). Every money event is posted through
:func:`ledger_post` with the core's posting builders, never with amounts worked out here.

Parties of the ledger
    A pass's or a lease's money is booked on the holder: ``receivable:person:<pk>`` and
    ``deposits:person:<pk>`` (see :func:`person_party`). Temporary parking at a gate is booked
    on the plate by the vehicle gate (``receivable:<plate>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.admission.uploads import check_upload, extension
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core import lease as core_lease
from gatehouse.core import ledger as core_ledger
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import parse_plate
from gatehouse.core.tariff import TariffTable
from gatehouse.core.text import clean_text as _clean
from gatehouse.devices.models import Device
from gatehouse.notify import messages as notify_messages
from gatehouse.parking import selectors
from gatehouse.parking.eligibility import PassApplication, check_application
from gatehouse.parking.models import (
    LeaseStatus,
    LedgerEntry,
    LedgerTransaction,
    PassDocument,
    PassDocumentKind,
    PassKind,
    PassStatus,
    SpaceLease,
    TariffPlan,
    VehiclePass,
)
from gatehouse.people.models import Person, PersonKind
from gatehouse.sites.models import Garage, ParkingSpace, Site
from gatehouse.visitors import tokens

_REF_MAX = 64
#: How many days before a lease's renewal is due its holder is reminded (PK-05).
RENEWAL_REMIND_DAYS = 7
_MEMO_MAX = 200


def person_party(person: Person) -> str:
    """The ledger party of a pass holder or a lessee: ``person:<pk>`` (stable across renames)."""
    return f"person:{person.pk}"


def _method(value: str) -> core_ledger.PaymentMethod:
    try:
        return core_ledger.PaymentMethod(value)
    except ValueError:
        raise InvalidInput(
            "payment.method", "请选择付款方式（现金、扫码支付或刷卡）。", {"field": "method"}
        ) from None


# =============================================================================================
# Ledger (PK-07)
# =============================================================================================


@transaction.atomic
def ledger_post(
    *, site: Site, txn: core_ledger.Transaction, actor: Actor, ref: str = ""
) -> LedgerTransaction:
    """Record the core transaction ``txn`` at ``site``: one row and its entries, audited.

    ``txn`` is balanced already (the core refuses to build an unbalanced one). ``ref`` (else
    ``txn.ref``) names the record the money belongs to (``vehicle_pass:12``, a parking
    session …). ``actor`` is the user who took the money, a gate :class:`Device`, or None for the
    system. The rows can never be changed or deleted afterwards (a database trigger refuses).
    """
    if not isinstance(txn, core_ledger.Transaction):
        raise InvalidInput("ledger.transaction", "记账数据无效。", {"field": "txn"})
    reference = (ref or txn.ref).strip()
    if len(reference) > _REF_MAX:
        raise InvalidInput(
            "ledger.ref",
            "关联单据编号不能超过64个字符。",
            {"field": "ref", "value": reference[:80]},
        )
    user = actor_or_none(actor)
    device = actor if isinstance(actor, Device) else None
    if device is not None and device.site_id != site.pk:
        raise InvalidInput("ledger.device_site", "记账设备不属于本场所。", {"field": "actor"})
    row = LedgerTransaction.objects.create(
        site=site, at=txn.at, memo=txn.memo[:_MEMO_MAX], ref=reference, created_by=user
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            transaction=row,
            account=entry.account,
            side=entry.side.value,
            amount_fen=entry.amount,
            kind=entry.kind.value,
            memo=entry.memo[:_MEMO_MAX],
        )
        for entry in txn.entries
    )
    audit_record(
        action="ledger.post",
        obj=row,
        actor=user,
        device=device,
        site=site,
        after={
            "at": txn.at.isoformat(),
            "memo": row.memo,
            "ref": reference,
            "total_fen": txn.total,
            "entries": [[e.account, e.side.value, e.amount, e.kind.value] for e in txn.entries],
        },
        at=txn.at,
    )
    return row


def _post(
    site: Site, txn: core_ledger.Transaction | None, actor: Actor, ref: str
) -> LedgerTransaction | None:
    return None if txn is None else ledger_post(site=site, txn=txn, actor=actor, ref=ref)


# =============================================================================================
# Tariffs (PK-01, PK-02) and the pass price list (PK-06)
# =============================================================================================


@transaction.atomic
def tariff_plan_create(
    *,
    site: Site,
    actor: Actor,
    table: Mapping[str, object] | TariffTable,
    now: datetime,
    garage: Garage | None = None,
    effective_from: datetime | None = None,
    pass_price: core_lease.DevicePrice | None = None,
    note: str = "",
) -> TariffPlan:
    """Post a new tariff for ``site`` (or one of its garages), in force from ``effective_from``
    (default: now). The table is validated by the core (``TariffTable.from_dict``): a bad setting
    raises its InvalidInput and nothing is saved. It cannot start in the past (a posted tariff is
    never applied retroactively). The site-wide plan also carries the pass deposit and fees; when
    ``pass_price`` is None the ones in force are carried over."""
    if garage is not None and garage.site_id != site.pk:
        raise InvalidInput("tariff.garage_site", "该车库不属于本场所。", {"field": "garage"})
    parsed = table if isinstance(table, TariffTable) else TariffTable.from_dict(table)
    starts = now if effective_from is None else effective_from
    if starts < now:
        raise InvalidInput(
            "tariff.backdated",
            "生效时间不能早于当前时间：收费标准不能追溯生效。",
            {"field": "effective_from"},
        )
    plan = TariffPlan(
        site=site,
        garage=garage,
        table=parsed.to_dict(),
        effective_from=starts,
        note=_clean(note, 200),
        created_by=actor_or_none(actor),
        created_at=now,
    )
    if garage is None:
        price = pass_price or selectors.pass_price(site, at=starts)
        if not isinstance(price, core_lease.DevicePrice):
            raise InvalidInput("tariff.pass_price", "出入证收费设置无效。", {"field": "pass_price"})
        plan.pass_deposit_fen = price.deposit
        plan.pass_card_fee_fen = price.card_fee
        plan.pass_reissue_fee_fen = price.reissue_fee
    plan.save()
    audit_record(action="tariff.post", obj=plan, actor=actor, after=snapshot(plan), at=now)
    return plan


# =============================================================================================
# Vehicle passes (V-10, PK-06)
# =============================================================================================

PASS_PREFIX = "CL"


def _next_pass_number(site: Site, year: int) -> str:
    prefix = f"{PASS_PREFIX}-{year}-"
    taken = VehiclePass.objects.filter(site=site, number__startswith=prefix).values_list(
        "number", flat=True
    )
    highest = max((int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{highest + 1:04d}"


def _space_here(site: Site, space: ParkingSpace | None) -> None:
    if space is not None and space.garage.site_id != site.pk:
        raise InvalidInput("pass.space_site", "该车位不属于本场所。", {"field": "space"})


def _pass_conflicts(
    *, site: Site, plate: str, holder: Person, kind: str, space: ParkingSpace | None
) -> None:
    """V-10: one pass per space; one active pass per plate; one per shared-rental tenant."""
    active = VehiclePass.objects.filter(status=PassStatus.ACTIVE)
    if space is not None:
        other = active.filter(space=space).first()
        if other is not None:
            raise DomainError(
                "pass.space_taken",
                f"车位{space.number}已有有效的车辆出入证（{other.number}），一车位一证。",
                {"field": "space", "pass": other.number},
            )
    other = active.filter(site=site, plate=plate).first()
    if other is not None:
        raise DomainError(
            "pass.plate_taken",
            f"车辆{plate}已有有效的车辆出入证（{other.number}），不能重复办理。",
            {"field": "plate", "pass": other.number},
        )
    if kind == PassKind.TENANT or holder.kind == PersonKind.TENANT:
        other = active.filter(holder=holder).first()
        if other is not None:
            raise DomainError(
                "pass.tenant_limit",
                f"合租型租户每人限办理一张《车辆出入证》，{holder.name}已持有{other.number}。",
                {"field": "holder", "pass": other.number},
            )


def _save_pass(p: VehiclePass, year: int) -> None:
    """Insert ``p`` with the next number; a lost race for the number is retried once, a lost
    race for the space/plate/tenant slot (the partial unique constraints) is refused."""
    for attempt in (1, 2):
        p.number = _next_pass_number(p.site, year)
        try:
            with transaction.atomic():
                p.save(force_insert=True)
            return
        except IntegrityError:
            p.pk = None
            taken = VehiclePass.objects.filter(site=p.site, number=p.number).exists()
            if not taken or attempt == 2:
                raise DomainError(
                    "pass.conflict", "该车位或车辆刚刚办理了出入证，请刷新后核对。"
                ) from None


@transaction.atomic
def pass_issue(
    *,
    site: Site,
    actor: Actor,
    holder: Person,
    plate: str,
    kind: str,
    method: str,
    now: datetime,
    space: ParkingSpace | None = None,
    id_checked: bool = False,
    vehicle_licence_checked: bool = False,
    driving_licence_checked: bool = False,
    insurance_checked: bool = False,
    insurance_valid_until: date | None = None,
    environmental_label: bool = False,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    documents: Mapping[str, Any] | None = None,
) -> VehiclePass:
    """Issue a 《车辆出入证》 (V-10) and take its deposit and card fee (PK-06).

    ``documents`` are the copies filed with the application, by kind (``driving_licence``,
    ``vehicle_licence``, ``insurance``, ``id_card``, ``other``): uploaded files, each a PDF,
    JPG or PNG checked by its first bytes; the first three are required (T7 第一条
    "提供复印件备案", ``pass.copies_missing``).

    Refused (DomainError, nothing written) without the documents, without valid insurance or
    without an environmental label (:func:`~gatehouse.parking.eligibility.check_application`),
    for a space that already has an active pass, a plate that already has one, or a shared-rental
    tenant who already holds one. The deposit and card fee are the posted ones
    (:func:`~gatehouse.parking.selectors.pass_price`), posted by the core's
    ``device_issue_postings``.
    """
    if holder.site_id != site.pk:
        raise InvalidInput("pass.holder_site", "持证人不是本场所登记的人员。", {"field": "holder"})
    if kind not in PassKind.values:
        raise InvalidInput("pass.kind", "请选择出入证类型。", {"field": "kind"})
    paid_by = _method(method)
    number = parse_plate(plate).number
    _space_here(site, space)
    today = timezone.localdate(now)
    check_application(
        PassApplication(
            id_card=id_checked,
            vehicle_licence=vehicle_licence_checked,
            driving_licence=driving_licence_checked,
            insurance=insurance_checked,
            insurance_valid_until=insurance_valid_until,
            environmental_label=environmental_label,
            copies=frozenset(kind for kind, f in (documents or {}).items() if f),
        ),
        today=today,
    )
    files = _checked_documents(documents or {})
    starts = now if valid_from is None else valid_from
    if valid_until is not None and valid_until <= starts:
        raise InvalidInput("pass.window", "失效时间必须晚于生效时间。", {"field": "valid_until"})
    if valid_until is not None and valid_until <= now:
        raise InvalidInput("pass.window_past", "失效时间已过，不能办理。", {"field": "valid_until"})
    # two desks issuing for one holder at once are serialised (the tenant's one-pass check)
    Person.objects.select_for_update().filter(pk=holder.pk).first()
    _pass_conflicts(site=site, plate=number, holder=holder, kind=kind, space=space)
    price = selectors.pass_price(site, at=now)
    p = VehiclePass(
        site=site,
        token=tokens.new_token(),
        plate=number,
        holder=holder,
        space=space,
        kind=kind,
        id_checked=id_checked,
        vehicle_licence_checked=vehicle_licence_checked,
        driving_licence_checked=driving_licence_checked,
        insurance_checked=insurance_checked,
        insurance_valid_until=insurance_valid_until,
        environmental_label=environmental_label,
        valid_from=starts,
        valid_until=valid_until,
        deposit_fen=price.deposit,
        card_fee_fen=price.card_fee,
        payment_method=paid_by.value,
        issued_at=now,
        issued_by=actor_or_none(actor),
    )
    _save_pass(p, timezone.localtime(now).year)
    txn = core_lease.device_issue_postings(
        core_lease.Device.PASS, price, party=person_party(holder), method=paid_by, at=now
    )
    _post(site, txn, actor, p.ref)
    for kind, (upload, name) in files.items():
        _file_document(p, kind, upload, name, actor, now)
    audit_record(action="vehicle_pass.issue", obj=p, actor=actor, after=snapshot(p), at=now)
    return p


#: The copies a pass application files: PDF, JPG or PNG (a scan or a phone photo).
DOCUMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png")


def _checked_documents(documents: Mapping[str, Any]) -> dict[str, tuple[Any, str]]:
    """Each uploaded copy checked (kind known, type by name and first bytes, size): by kind,
    the upload and its cleaned original name. Raises ``InvalidInput`` naming the field."""
    out: dict[str, tuple[Any, str]] = {}
    for kind, upload in documents.items():
        if not upload:
            continue
        field = f"copy_{kind}"
        if kind not in PassDocumentKind.values:
            raise InvalidInput("pass.document_kind", "未知的证件类别。", {"field": field})
        name = check_upload(upload, field=field)
        if extension(name) not in DOCUMENT_TYPES:
            raise InvalidInput(
                "pass.document_type", "复印件请上传 PDF、JPG 或 PNG 文件。", {"field": field}
            )
        out[kind] = (upload, name)
    return out


def _file_document(
    p: VehiclePass, kind: str, upload: Any, name: str, actor: Actor, now: datetime
) -> PassDocument:
    doc = PassDocument.objects.create(
        vehicle_pass=p,
        kind=kind,
        file=upload,
        name=name,
        uploaded_at=now,
        uploaded_by=actor_or_none(actor),
    )
    filed = {"vehicle_pass": p.pk, "kind": kind, "name": name}  # the file itself stays out
    audit_record(action="vehicle_pass.document", obj=doc, actor=actor, after=filed, at=now)
    return doc


@transaction.atomic
def pass_document_add(
    *, vehicle_pass: VehiclePass, actor: Actor, now: datetime, kind: str, file: Any
) -> PassDocument:
    """File one more copy with a pass (a renewed insurance, a copy brought later)."""
    if not file:
        raise InvalidInput("pass.document_file", "请选择要上传的复印件。", {"field": "file"})
    checked = _checked_documents({kind: file})
    (upload, name) = checked[kind]
    return _file_document(vehicle_pass, kind, upload, name, actor, now)


def _locked_active(vehicle_pass: VehiclePass) -> VehiclePass:
    p = (
        VehiclePass.objects.select_for_update()
        .select_related("site", "holder")
        .get(pk=vehicle_pass.pk)
    )
    if p.status != PassStatus.ACTIVE:
        raise DomainError(
            "pass.not_active",
            f"该车辆出入证当前状态为“{p.get_status_display()}”，不能办理此项业务。",
            {"status": p.status},
        )
    return p


def _set_status(
    p: VehiclePass, *, status: str, actor: Actor, action: str, now: datetime, reason: str = ""
) -> None:
    before = snapshot(p)
    p.status = status
    p.status_changed_at = now
    fields = ["status", "status_changed_at"]
    if reason:
        p.revoked_reason = reason
        fields.append("revoked_reason")
    p.save(update_fields=fields)
    audit_record(action=action, obj=p, actor=actor, before=before, after=snapshot(p), at=now)


def _sync(target: VehiclePass, source: VehiclePass) -> None:
    target.status = source.status
    target.status_changed_at = source.status_changed_at
    target.revoked_reason = source.revoked_reason


@transaction.atomic
def pass_revoke_for_misuse(
    *, vehicle_pass: VehiclePass, actor: Actor, reason: str, now: datetime
) -> VehiclePass:
    """V-10: a pass lent to someone else is taken back and its deposit kept (没收押金).

    The forfeit is the core's ``deposit_forfeit_postings``; the space is free for a new pass."""
    text = _clean(reason, 200)
    if len(text) < 2:
        raise InvalidInput(
            "pass.revoke_reason", "请填写收回原因（至少2个字）。", {"field": "reason"}
        )
    p = _locked_active(vehicle_pass)
    _set_status(
        p,
        status=PassStatus.REVOKED,
        actor=actor,
        action="vehicle_pass.revoke_for_misuse",
        now=now,
        reason=text,
    )
    if p.deposit_fen:
        txn = core_lease.deposit_forfeit_postings(
            core_lease.Device.PASS, deposit=p.deposit_fen, party=person_party(p.holder), at=now
        )
        ledger_post(site=p.site, txn=txn, actor=actor, ref=p.ref)
    _sync(vehicle_pass, p)
    return p


@transaction.atomic
def pass_reissue(
    *,
    vehicle_pass: VehiclePass,
    actor: Actor,
    cause: str,
    method: str,
    now: datetime,
    plate: str = "",
    insurance_checked: bool | None = None,
    insurance_valid_until: date | None = None,
    environmental_label: bool | None = None,
    vehicle_licence_checked: bool | None = None,
) -> VehiclePass:
    """PK-06 / V-10: a lost pass or a changed car is reissued for the reissue fee.

    The old pass becomes ``lost`` or ``replaced``; the new one keeps holder, space, kind, window
    and the deposit already held (the core's ``device_reissue_postings`` charges only the fee).
    A changed car needs its plate and its own papers, checked again
    (:func:`~gatehouse.parking.eligibility.check_application`)."""
    try:
        why = core_lease.ReissueCause(cause)
    except ValueError:
        raise InvalidInput(
            "pass.reissue_cause", "请选择补办原因（遗失补办或换车重办）。", {"field": "cause"}
        ) from None
    paid_by = _method(method)
    old = _locked_active(vehicle_pass)
    papers = PassApplication(
        id_card=old.id_checked,
        vehicle_licence=old.vehicle_licence_checked,
        driving_licence=old.driving_licence_checked,
        insurance=old.insurance_checked,
        insurance_valid_until=old.insurance_valid_until,
        environmental_label=old.environmental_label,
    )
    new_plate = old.plate
    if why is core_lease.ReissueCause.CAR_CHANGED:
        new_plate = parse_plate(plate).number
        papers = replace(
            papers,
            vehicle_licence=bool(vehicle_licence_checked),
            insurance=bool(insurance_checked),
            insurance_valid_until=insurance_valid_until,
            environmental_label=bool(environmental_label),
        )
        check_application(papers, today=timezone.localdate(now))
        other = (
            VehiclePass.objects.filter(site=old.site, plate=new_plate, status=PassStatus.ACTIVE)
            .exclude(pk=old.pk)
            .first()
        )
        if other is not None:
            raise DomainError(
                "pass.plate_taken",
                f"车辆{new_plate}已有有效的车辆出入证（{other.number}），不能重复办理。",
                {"field": "plate", "pass": other.number},
            )
    retired = PassStatus.LOST if why is core_lease.ReissueCause.LOST else PassStatus.REPLACED
    _set_status(old, status=retired, actor=actor, action=f"vehicle_pass.{retired}", now=now)
    price = selectors.pass_price(old.site, at=now)
    new = VehiclePass(
        site=old.site,
        token=tokens.new_token(),
        plate=new_plate,
        holder=old.holder,
        space=old.space,
        kind=old.kind,
        id_checked=papers.id_card,
        vehicle_licence_checked=papers.vehicle_licence,
        driving_licence_checked=papers.driving_licence,
        insurance_checked=papers.insurance,
        insurance_valid_until=papers.insurance_valid_until,
        environmental_label=papers.environmental_label,
        valid_from=now,
        valid_until=old.valid_until,
        deposit_fen=old.deposit_fen,
        card_fee_fen=price.reissue,
        payment_method=paid_by.value,
        replaces=old,
        issued_at=now,
        issued_by=actor_or_none(actor),
    )
    if new.valid_until is not None and new.valid_until <= now:
        raise DomainError("pass.expired", "原出入证已过有效期，请重新办理。", {"field": "cause"})
    _save_pass(new, timezone.localtime(now).year)
    txn = core_lease.device_reissue_postings(
        core_lease.Device.PASS,
        price,
        cause=why,
        party=person_party(old.holder),
        method=paid_by,
        at=now,
    )
    _post(old.site, txn, actor, new.ref)
    audit_record(action="vehicle_pass.reissue", obj=new, actor=actor, after=snapshot(new), at=now)
    _sync(vehicle_pass, old)
    return new


@transaction.atomic
def pass_return(
    *, vehicle_pass: VehiclePass, actor: Actor, method: str, now: datetime
) -> VehiclePass:
    """PK-06: the pass is handed back; the deposit held for it is refunded (core
    ``deposit_refund_postings``) and the space is free for a new pass."""
    paid_by = _method(method)
    p = _locked_active(vehicle_pass)
    _set_status(p, status=PassStatus.RETURNED, actor=actor, action="vehicle_pass.return", now=now)
    if p.deposit_fen:
        txn = core_lease.deposit_refund_postings(
            core_lease.Device.PASS,
            deposit=p.deposit_fen,
            party=person_party(p.holder),
            method=paid_by,
            at=now,
        )
        ledger_post(site=p.site, txn=txn, actor=actor, ref=p.ref)
    _sync(vehicle_pass, p)
    return p


def pass_qr(vehicle_pass: VehiclePass) -> str:
    """The signed payload printed as the pass's QR (``GH1.veh.<token>.<expires>.<signature>``,
    the format of :mod:`gatehouse.visitors.tokens` with the kind ``veh``). An open-ended pass
    gets a ten-year expiry."""
    expires = vehicle_pass.valid_until or vehicle_pass.valid_from + timedelta(days=3650)
    body = f"{tokens.PREFIX}.veh.{vehicle_pass.token}.{int(expires.timestamp())}"
    return signing.Signer(salt="gatehouse.qr.veh", sep=".").sign(body)


# =============================================================================================
# Space leases (PK-03, PK-04, PK-05)
# =============================================================================================


def _lapse_ended_on(space: ParkingSpace, *, today: date, actor: Actor, now: datetime) -> None:
    """Before the space is let again, an ended lease nobody renewed is marked lapsed (PK-05)."""
    for lease in SpaceLease.objects.select_for_update().filter(
        space=space, status=LeaseStatus.ACTIVE, end__lt=today
    ):
        lease_lapse(lease=lease, actor=actor, today=today, now=now)


@transaction.atomic
def lease_create(
    *,
    site: Site,
    actor: Actor,
    space: ParkingSpace,
    holder: Person,
    house_ref: str,
    start: date,
    end: date,
    monthly_fee_fen: int,
    method: str,
    now: datetime,
    renewal_due: date | None = None,
) -> SpaceLease:
    """PK-03: sign a space lease from ``start`` to ``end`` (the housing lease's end) and take the
    whole schedule at signing, a part month prorated by the day (T7 第十七条).

    The charges of every month and their payment are posted at once (core
    ``lease_payment_postings``): T7 has the tenant pay at signing, so there is no later accrual.
    ``renewal_due`` (default: ``end``) is the last day the next year's fee is accepted (PK-05).
    """
    if holder.site_id != site.pk:
        raise InvalidInput("lease.holder_site", "承租人不是本场所登记的人员。", {"field": "holder"})
    if space.garage.site_id != site.pk:
        raise InvalidInput("lease.space_site", "该车位不属于本场所。", {"field": "space"})
    paid_by = _method(method)
    ref_text = _clean(house_ref, 100)
    if not ref_text:
        raise InvalidInput(
            "lease.house_ref",
            "请填写房屋及租赁合同（如 3-2-1201 租赁合同号）。",
            {"field": "house_ref"},
        )
    terms = core_lease.SpaceLease(start=start, end=end, monthly_fee=monthly_fee_fen)
    due = end if renewal_due is None else renewal_due
    if due > end or due < start:
        raise InvalidInput(
            "lease.renewal_due",
            "续租缴费截止日应在租期之内（通常为房屋租赁合同结束日）。",
            {"field": "renewal_due"},
        )
    today = timezone.localdate(now)
    ParkingSpace.objects.select_for_update().filter(pk=space.pk).first()
    _lapse_ended_on(space, today=today, actor=actor, now=now)
    _ensure_space_free(space, start=start, end=end)
    lease = SpaceLease(
        site=site,
        space=space,
        holder=holder,
        house_ref=ref_text,
        start=start,
        end=end,
        monthly_fee_fen=monthly_fee_fen,
        paid_fen=core_lease.total_due(terms),
        payment_method=paid_by.value,
        renewal_due=due,
        created_at=now,
        created_by=actor_or_none(actor),
    )
    try:
        with transaction.atomic():
            lease.save(force_insert=True)
    except IntegrityError:
        raise DomainError(
            "lease.space_taken", f"车位{space.number}已出租，请核对。", {"field": "space"}
        ) from None
    txn = core_lease.lease_payment_postings(
        terms, party=person_party(holder), method=paid_by, at=now
    )
    _post(site, txn, actor, lease.ref)
    audit_record(action="space_lease.create", obj=lease, actor=actor, after=snapshot(lease), at=now)
    return lease


def _ensure_space_free(
    space: ParkingSpace, *, start: date, end: date, exclude: SpaceLease | None = None
) -> None:
    clash = SpaceLease.objects.filter(
        space=space,
        status__in=(LeaseStatus.ACTIVE, LeaseStatus.RENEWED),
        start__lte=end,
        end__gte=start,
    )
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    other = clash.order_by("start").first()
    if other is not None:
        raise DomainError(
            "lease.space_taken",
            f"车位{space.number}在{other.start:%Y-%m-%d}至{other.end:%Y-%m-%d}已出租给他人，"
            "租期不能重叠。",
            {"field": "space"},
        )


def _locked_lease(lease: SpaceLease) -> SpaceLease:
    return (
        SpaceLease.objects.select_for_update()
        .select_related("site", "holder", "space")
        .get(pk=lease.pk)
    )


def _lease_status(
    lease: SpaceLease, *, status: str, actor: Actor, action: str, now: datetime, **changes: Any
) -> None:
    before = snapshot(lease)
    lease.status = status
    lease.status_changed_at = now
    for name, value in changes.items():
        setattr(lease, name, value)
    lease.save(update_fields=["status", "status_changed_at", *changes])
    audit_record(
        action=action, obj=lease, actor=actor, before=before, after=snapshot(lease), at=now
    )


@dataclass(frozen=True)
class TerminationResult:
    lease: SpaceLease
    termination: core_lease.Termination
    cancelled: SpaceLease | None = None  # the renewal that had not started, cancelled with it


@transaction.atomic
def lease_terminate(
    *, lease: SpaceLease, actor: Actor, on: date, method: str, now: datetime
) -> TerminationResult:
    """PK-04: end a lease early on ``on``; the prepaid months after the current one are refunded
    (core ``terminate`` and ``lease_refund_postings``). A renewal already paid for the next
    lease year is cancelled with it and refunded in full (it has not started)."""
    paid_by = _method(method)
    current = _locked_lease(lease)
    if current.status not in (LeaseStatus.ACTIVE, LeaseStatus.RENEWED):
        raise DomainError(
            "lease.not_active",
            f"该租约当前状态为“{current.get_status_display()}”，不能提前终止。",
            {"status": current.status},
        )
    outcome = core_lease.terminate(selectors.lease_terms(current), on=on)
    party = person_party(current.holder)
    cancelled: SpaceLease | None = None
    successor = SpaceLease.objects.select_for_update().filter(previous=current).first()
    if successor is not None and successor.status in (LeaseStatus.ACTIVE, LeaseStatus.RENEWED):
        if successor.status == LeaseStatus.RENEWED:
            raise DomainError(
                "lease.chain",
                "该租约之后已续租两期以上，请从最后一期开始办理终止。",
                {"field": "on"},
            )
        later = core_lease.terminate(selectors.lease_terms(successor), on=on)
        _lease_status(
            successor,
            status=LeaseStatus.TERMINATED,
            actor=actor,
            action="space_lease.cancel",
            now=now,
            terminated_on=on,
            refund_fen=later.refund,
        )
        _post(
            current.site,
            core_lease.lease_refund_postings(later, party=party, method=paid_by, at=now),
            actor,
            successor.ref,
        )
        cancelled = successor
    _lease_status(
        current,
        status=LeaseStatus.TERMINATED,
        actor=actor,
        action="space_lease.terminate",
        now=now,
        terminated_on=on,
        refund_fen=outcome.refund,
    )
    _post(
        current.site,
        core_lease.lease_refund_postings(outcome, party=party, method=paid_by, at=now),
        actor,
        current.ref,
    )
    if outcome.reason == "lease.cancelled" and current.previous_id is not None:
        # a renewal cancelled before it started: the running lease is no longer renewed, so it
        # is given up at its end unless renewed again (PK-05)
        previous = SpaceLease.objects.select_for_update().get(pk=current.previous_id)
        if previous.status == LeaseStatus.RENEWED:
            _lease_status(
                previous,
                status=LeaseStatus.ACTIVE,
                actor=actor,
                action="space_lease.renewal_cancelled",
                now=now,
            )
    lease.status, lease.terminated_on, lease.refund_fen = current.status, on, outcome.refund
    return TerminationResult(current, outcome, cancelled)


@transaction.atomic
def lease_renew(
    *,
    lease: SpaceLease,
    actor: Actor,
    until: date,
    method: str,
    now: datetime,
    monthly_fee_fen: int | None = None,
    renewal_due: date | None = None,
) -> SpaceLease:
    """PK-05: pay the next lease year before the new housing contract starts.

    The core's ``renewal_status`` decides with today as the payment date: in time, the next lease
    (core ``renew``: from the day after the old end to ``until``) is created and paid in full,
    and the old one is marked renewed; too late, DomainError with the core's reason
    (``renewal.paid_late`` / ``renewal.expired``) and nothing is taken."""
    paid_by = _method(method)
    current = _locked_lease(lease)
    if current.status != LeaseStatus.ACTIVE:
        raise DomainError(
            "lease.not_active",
            f"该租约当前状态为“{current.get_status_display()}”，不能续租。",
            {"status": current.status},
        )
    today = timezone.localdate(now)
    verdict = core_lease.renewal_status(
        lease_end=current.end, due=current.renewal_due, paid_on=today, today=today
    )
    if verdict.status is not core_lease.RenewalStatus.RENEWED:
        raise DomainError(verdict.reason, verdict.message, {"field": "until"})
    fee = current.monthly_fee_fen if monthly_fee_fen is None else monthly_fee_fen
    terms = core_lease.renew(selectors.lease_terms(current), until=until, monthly_fee=fee)
    due = terms.end if renewal_due is None else renewal_due
    if due > terms.end or due < terms.start:
        raise InvalidInput(
            "lease.renewal_due",
            "续租缴费截止日应在租期之内（通常为房屋租赁合同结束日）。",
            {"field": "renewal_due"},
        )
    _ensure_space_free(current.space, start=terms.start, end=terms.end, exclude=current)
    _lease_status(
        current, status=LeaseStatus.RENEWED, actor=actor, action="space_lease.renewed", now=now
    )
    nxt = SpaceLease(
        site=current.site,
        space=current.space,
        holder=current.holder,
        house_ref=current.house_ref,
        start=terms.start,
        end=terms.end,
        monthly_fee_fen=terms.monthly_fee,
        paid_fen=core_lease.total_due(terms),
        payment_method=paid_by.value,
        renewal_due=due,
        previous=current,
        created_at=now,
        created_by=actor_or_none(actor),
    )
    nxt.save(force_insert=True)
    txn = core_lease.lease_payment_postings(
        terms, party=person_party(current.holder), method=paid_by, at=now
    )
    _post(current.site, txn, actor, nxt.ref)
    audit_record(action="space_lease.renew", obj=nxt, actor=actor, after=snapshot(nxt), at=now)
    lease.status = current.status
    return nxt


@transaction.atomic
def lease_lapse(*, lease: SpaceLease, actor: Actor, today: date, now: datetime) -> bool:
    """PK-05: an active lease that ended without a paid renewal is given up and its space freed.

    Asks the core's ``renewal_status`` (no payment): only when it says the space is free is the
    lease marked lapsed. Returns whether it changed; idempotent."""
    current = _locked_lease(lease)
    if current.status != LeaseStatus.ACTIVE:
        return False
    verdict = core_lease.renewal_status(
        lease_end=current.end, due=current.renewal_due, paid_on=None, today=today
    )
    if verdict.status is not core_lease.RenewalStatus.LAPSED or not verdict.space_free:
        return False
    _lease_status(
        current, status=LeaseStatus.LAPSED, actor=actor, action="space_lease.lapse", now=now
    )
    lease.status = current.status
    return True


def lease_renewals(*, today: date, now: datetime, site: Site | None = None) -> list[SpaceLease]:
    """The daily job (``manage.py lease_renewals``): lapse every ended, unrenewed lease (PK-05),
    and remind the holders whose renewal falls due within :data:`RENEWAL_REMIND_DAYS`.

    Each lease in its own transaction; a second run the same day changes nothing."""
    candidates = SpaceLease.objects.filter(status=LeaseStatus.ACTIVE, end__lt=today)
    if site is not None:
        candidates = candidates.filter(site=site)
    lapsed: list[SpaceLease] = []
    for lease in candidates.order_by("end", "pk"):
        if lease_lapse(lease=lease, actor=None, today=today, now=now):
            lapsed.append(lease)
    # PK-05: remind the holders whose renewal is due soon (once per lease and due date).
    sites = (
        [site] if site is not None else Site.objects.filter(space_leases__isnull=False).distinct()
    )
    for each in sites:
        for lease in selectors.renewals_due(each, today=today, within_days=RENEWAL_REMIND_DAYS):
            notify_messages.lease_lapsing(lease=lease, today=today, now=now)
    return lapsed
