"""外来信件报刊登记表 (VI-04): logging mail, telling the recipient, handing it out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gatehouse.access.models import Notice
from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.visitors.mail import mail_hand_out, mail_log
from gatehouse.visitors.models import MailItem
from tests.conftest import NOW

pytestmark = pytest.mark.django_db


def _log(site, actor, **kw):
    data = {
        "kind": "letter",
        "recipient_name": "张伟",
        "recipient_unit": "3-2-1201",
        "sender": "市邮政局",
        "count": 1,
    }
    data.update(kw)
    return mail_log(site=site, actor=actor, now=NOW, **data)


def test_mail_for_a_registered_resident_notifies_them(site_a, guard_a, resident_a):
    # rule VI-04
    item = _log(site_a, guard_a, kind="registered", count=3)
    assert item.recipient == resident_a and item.notified_at == NOW
    assert item.received_by == guard_a and item.received_at == NOW
    notice = Notice.objects.get()
    assert notice.audience == "person" and notice.person == resident_a
    assert notice.message == "您有3件挂号信/EMS在门岗，请领取"
    assert notice.object_ref == f"mail:{item.pk}"
    entry = AuditEntry.objects.get(action="mail.log")
    assert entry.actor == guard_a and entry.object_id == str(item.pk) and entry.site == site_a


def test_house_number_with_spaces_still_matches(site_a, guard_a, resident_a):
    # rule VI-04
    assert _log(site_a, guard_a, recipient_unit=" 3-2-1201 ").recipient == resident_a


def test_employee_matched_by_enterprise(site_b, guard_b, manager_b, resident_b):
    # rule VI-04
    from gatehouse.people.models import Enterprise

    resident_b.enterprise = Enterprise.objects.create(site=site_b, name="西岭精密")
    resident_b.save(update_fields=["enterprise"])
    item = _log(site_b, guard_b, recipient_name="李娜", recipient_unit="西岭精密", kind="parcel")
    assert item.recipient == resident_b
    assert Notice.objects.get().message == "您有1件包裹在门岗，请领取"


def test_unknown_recipient_is_logged_without_notice(site_a, guard_a, resident_a):
    # rule VI-04
    item = _log(site_a, guard_a, recipient_name="张伟", recipient_unit="9-9-999")
    assert item.recipient is None and item.notified_at is None
    assert Notice.objects.count() == 0
    assert MailItem.objects.count() == 1


def test_recipient_of_another_site_is_refused(site_a, guard_a, resident_b):
    # rule VI-04
    with pytest.raises(InvalidInput) as err:
        _log(site_a, guard_a, recipient=resident_b)
    assert err.value.code == "mail.recipient"
    assert MailItem.objects.count() == 0 and Notice.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"kind": "pigeon"}, "mail.kind"),
        ({"count": 0}, "mail.count"),
        ({"count": 1000}, "mail.count"),
        ({"recipient_name": "  "}, "person.name_empty"),
    ],
)
def test_bad_input_writes_nothing(site_a, guard_a, change, code):
    # rule VI-04
    with pytest.raises(InvalidInput) as err:
        _log(site_a, guard_a, **change)
    assert err.value.code == code
    assert (
        MailItem.objects.count() == 0 and AuditEntry.objects.filter(action="mail.log").count() == 0
    )


def test_hand_out_once(site_a, guard_a, resident_a):
    # rule VI-04
    item = _log(site_a, guard_a)
    later = NOW + timedelta(hours=2)
    handed = mail_hand_out(item=item, actor=guard_a, handed_to=" 张伟 ", now=later)
    assert handed.handed_at == later and handed.handed_to == "张伟"
    notice = Notice.objects.get()
    assert notice.acknowledged_at == later and notice.acknowledged_by == guard_a
    assert AuditEntry.objects.filter(action="mail.hand_out", object_id=str(item.pk)).count() == 1
    with pytest.raises(DomainError) as err:
        mail_hand_out(item=item, actor=guard_a, handed_to="李四", now=later)
    assert err.value.code == "mail.handed_out"
    item.refresh_from_db()
    assert item.handed_to == "张伟"


def test_hand_out_needs_a_name(site_a, guard_a):
    # rule VI-04
    item = _log(site_a, guard_a, recipient_name="王五")
    with pytest.raises(InvalidInput):
        mail_hand_out(item=item, actor=guard_a, handed_to="", now=NOW)
    item.refresh_from_db()
    assert item.handed_at is None
