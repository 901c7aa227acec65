"""The repair pages: the resident files from the phone with photos, the desk dispatches, the
worker starts and finishes, the resident confirms or reopens, the desk records the return visit;
the photos go to those three only; the register with its filters and xlsx; the overdue alert to
the desk once per order (SPEC GV-05)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from gatehouse.notify.models import Message
from gatehouse.repairs import services
from gatehouse.repairs.models import RepairOrder
from tests.conftest import NOW, _user
from tests.repairs.conftest import file_order, photo


def test_gv05_a_resident_files_a_water_repair_due_the_same_day(
    client, resident_user_a, resident_a, house_a
):
    client.force_login(resident_user_a)
    page = client.get(reverse("repairs:my_new")).content.decode()
    assert 'capture="environment"' in page and house_a.number in page
    response = client.post(
        reverse("repairs:my_new"),
        {
            "house": str(house_a.pk),
            "category": "water",
            "place": "厨房",
            "description": "水槽下水管漏水",
            "photos": [photo()],
        },
    )
    order = RepairOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("repairs:my_order", args=[order.pk])
    # rule GV-05: filed at 09:30, due 23:59 the same day, the reason recorded on the row
    assert order.due_at == NOW.replace(hour=23, minute=59)
    assert (order.due_reason, order.rule, order.state) == ("repair.same_day", "GV-05", "filed")
    assert order.resident == resident_a and order.photos.get().stage == "filed"
    assert AuditEntry.objects.filter(action="repairs.file").exists()
    detail = client.get(response["Location"]).content.decode()
    assert "2026-11-24 23:59" in detail and "待派单" in detail
    assert reverse("repairs:photo", args=[order.pk, order.photos.get().pk]) in detail


def test_bad_input_is_a_422_and_nothing_written(client, resident_user_a, house_a):
    client.force_login(resident_user_a)
    response = client.post(
        reverse("repairs:my_new"),
        {"house": str(house_a.pk), "category": "water", "description": "漏"},
    )
    assert response.status_code == 422 and "至少4个字" in response.content.decode()
    response = client.post(
        reverse("repairs:my_new"),
        {
            "house": str(house_a.pk),
            "category": "electric",
            "description": "插座没电了",
            "photos": [photo("a.exe")],
        },
    )
    assert response.status_code == 422 and "照片只能是" in response.content.decode()
    assert not RepairOrder.objects.exists()


def test_the_whole_path_through_the_pages(
    client, resident_user_a, resident_a, desk_a, worker_a, worker_2
):
    order = file_order(resident_a, resident_user_a, photos=[photo()])
    client.force_login(desk_a)
    page = client.get(reverse("repairs:order", args=[order.pk])).content.decode()
    assert "刘师傅" in page and "张伟" in page
    response = client.post(
        reverse("repairs:order_dispatch", args=[order.pk]), {"assignee": str(worker_a.pk)}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.state, order.assignee, order.dispatched_by) == ("dispatched", worker_a, desk_a)

    # the other worker does not see it; the assigned one does and starts it
    client.force_login(worker_2)
    assert client.get(reverse("repairs:work_order", args=[order.pk])).status_code == 404
    assert client.post(reverse("repairs:work_start", args=[order.pk])).status_code == 404
    client.force_login(worker_a)
    listing = client.get(reverse("repairs:work")).content.decode()
    assert reverse("repairs:work_order", args=[order.pk]) in listing
    client.post(reverse("repairs:work_start", args=[order.pk]))
    # finishing without a note is refused, nothing written
    refused = client.post(reverse("repairs:work_finish", args=[order.pk]), {"note": ""})
    assert refused.status_code == 422
    order.refresh_from_db()
    assert order.state == "started" and order.finished_at is None
    done = client.post(
        reverse("repairs:work_finish", args=[order.pk]),
        {"note": "更换阀芯，已试水", "photos": [photo("完工.jpg")]},
    )
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.state == "done" and order.finish_note == "更换阀芯，已试水"
    assert order.photos.filter(stage="finished").count() == 1

    # the resident reopens once, the worker finishes again, the resident confirms
    client.force_login(resident_user_a)
    client.post(reverse("repairs:my_reopen", args=[order.pk]), {"reason": "还是在滴水"})
    order.refresh_from_db()
    assert (order.state, order.reopen_count, order.finished_at) == ("dispatched", 1, None)
    client.force_login(worker_a)
    client.post(reverse("repairs:work_start", args=[order.pk]))
    client.post(reverse("repairs:work_finish", args=[order.pk]), {"note": "更换整个龙头"})
    client.force_login(resident_user_a)
    client.post(reverse("repairs:my_confirm", args=[order.pk]))
    order.refresh_from_db()
    assert order.state == "confirmed"

    # the desk's return visit: unsatisfied needs a reason
    client.force_login(desk_a)
    refused = client.post(reverse("repairs:order_visit", args=[order.pk]), {"satisfaction": "1"})
    assert refused.status_code == 422 and "不满意的原因" in refused.content.decode()
    client.post(
        reverse("repairs:order_visit", args=[order.pk]), {"satisfaction": "3", "note": "很及时"}
    )
    order.refresh_from_db()
    assert (order.state, order.satisfaction, order.visited_by) == ("visited", 3, desk_a)


def test_out_of_turn_is_refused_with_the_code(resident_a, resident_user_a, worker_a):
    import pytest

    from gatehouse.core.errors import DomainError

    order = file_order(resident_a, resident_user_a)
    with pytest.raises(DomainError) as refused:
        services.repair_confirm(order=order, resident=resident_a, actor=resident_user_a, now=NOW)
    assert refused.value.code == "repair.state"
    with pytest.raises(DomainError) as nobody:
        services.repair_dispatch(order=order, actor=None, now=NOW, assignee=resident_user_a.pk)
    assert nobody.value.code == "repair.assignee"


def test_photos_only_to_the_resident_the_desk_and_the_worker(
    client, resident_a, resident_user_a, desk_a, worker_a, worker_2, guard_a, site_a
):
    order = file_order(resident_a, resident_user_a, photos=[photo()])
    services.repair_dispatch(order=order, actor=desk_a, now=NOW, assignee=worker_a.pk)
    url = reverse("repairs:photo", args=[order.pk, order.photos.get().pk])
    for user in (resident_user_a, desk_a, worker_a):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert response["Cache-Control"] == "private, no-store"
    client.force_login(worker_2)
    assert client.get(url).status_code == 404
    client.force_login(guard_a)
    assert client.get(url).status_code == 403
    neighbour = _user("neighbour", site=site_a, role="resident")
    client.force_login(neighbour)
    assert client.get(url).status_code == 404


def test_a_resident_sees_only_their_own_orders(client, resident_a, resident_user_a, site_a):
    from gatehouse.people.models import Person

    order = file_order(resident_a, resident_user_a)
    other = _user("other_resident", site=site_a, role="resident")
    Person.objects.create(site=site_a, name="王五", kind="owner", user=other)
    client.force_login(other)
    assert client.get(reverse("repairs:my_order", args=[order.pk])).status_code == 404
    assert order.number not in client.get(reverse("repairs:my_orders")).content.decode()


def test_gv05_overdue_orders_are_alerted_to_the_desk_once(resident_a, resident_user_a, site_a):
    late = file_order(resident_a, resident_user_a, at=NOW - timedelta(days=1))
    on_time = file_order(resident_a, resident_user_a, category="door", description="单元门锁坏了")
    alerted = services.overdue_scan(site=site_a, now=NOW)
    # rule GV-05: the water repair filed yesterday morning was due last night
    assert [o.pk for o in alerted] == [late.pk]
    late.refresh_from_db()
    assert late.overdue_alerted_at == NOW
    console = Message.objects.get(kind="repair.overdue", channel_kind="console")
    assert console.audience == "desk" and console.notice_kind == "repair.overdue"
    assert late.number in console.text and "3-2-1201" in console.text
    assert "张伟" not in console.text  # the name is masked
    messages = Message.objects.filter(kind="repair.overdue").count()
    assert services.overdue_scan(site=site_a, now=NOW + timedelta(hours=1)) == []
    assert Message.objects.filter(kind="repair.overdue").count() == messages
    assert on_time.pk not in [o.pk for o in services.overdue_scan(site=site_a, now=NOW)]


def test_the_register_filters_and_exports(client, resident_a, resident_user_a, desk_a, guard_a):
    file_order(resident_a, resident_user_a, at=NOW - timedelta(days=1))
    file_order(resident_a, resident_user_a, category="door", description="单元门锁坏了")
    client.force_login(desk_a)
    page = client.get(reverse("repairs:orders")).content.decode()
    assert "报修登记表" in page and "单元门锁坏了" in page and "row-overdue" in page
    only_late = client.get(reverse("repairs:orders"), {"overdue": "1"}).content.decode()
    assert "厨房水龙头" in only_late and "单元门锁坏了" not in only_late
    doors = client.get(reverse("repairs:orders"), {"category": "door"}).content.decode()
    assert "厨房水龙头" not in doors
    xlsx = client.get(reverse("repairs:orders"), {"export": "xlsx"})
    assert xlsx.status_code == 200 and "spreadsheet" in xlsx["Content-Type"]
    client.force_login(guard_a)
    assert client.get(reverse("repairs:orders")).status_code == 403


def test_the_other_sites_desk_sees_nothing(client, resident_a, resident_user_a, manager_b):
    order = file_order(resident_a, resident_user_a)
    client.force_login(manager_b)
    assert client.get(reverse("repairs:order", args=[order.pk])).status_code == 404
