"""The retention purge of the access event log (issue 18 §4; SPEC §12 "kept only as long as its
register requires"): a site's events older than its retention are removed by the daily job, the
hash chain keeps verifying across the gap through sealed anchors, and a gap no purge made still
shows. The security manager sets the retention on the jobs page; bad input changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from gatehouse.access.models import AccessEvent, EventChainAnchor, EventChainHead, EventSource
from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import InvalidInput
from gatehouse.gate import retention
from gatehouse.gate.decide import gate_read
from gatehouse.jobs.schedule import JOBS
from gatehouse.jobs.services import event_retention_set
from gatehouse.sites.models import Site
from tests.access.test_event_chain import UNKNOWN_CARD, sql, verify
from tests.conftest import CARD_ZHANG, NOW


def read(lane, days_ago: int, value: str = CARD_ZHANG) -> AccessEvent:
    at = NOW - timedelta(days=days_ago)
    return gate_read(lane=lane, kind="card", value=value, now=at, source=EventSource.CONSOLE).event


@pytest.fixture
def history(lanes_a, card_a):
    """Site A's log in the order it was written: two events a year old, one 100 days old, then
    an event 300 days old uploaded late (an offline device), then today's."""
    walk_in, walk_out = lanes_a["east/walk-in"], lanes_a["east/walk-out"]
    return [
        read(walk_in, 365),
        read(walk_out, 364),
        read(walk_in, 100, UNKNOWN_CARD),
        read(walk_in, 300, UNKNOWN_CARD),
        read(walk_in, 0, UNKNOWN_CARD),
    ]


def test_old_events_are_purged_and_the_chain_still_verifies(history, site_a):
    done = retention.purge_site(site_id=site_a.pk, days=180, now=NOW)
    assert done.events == 3
    assert done.anchors == [(1, 2), (4, 4)]  # the late upload is a run of its own
    kept = list(AccessEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert kept == [3, 5]
    anchors = list(EventChainAnchor.objects.order_by("first_seq"))
    assert [(a.first_seq, a.last_seq) for a in anchors] == [(1, 2), (4, 4)]
    assert anchors[0].before_hash == "" and anchors[0].last_hash == history[1].chain_hash
    assert anchors[1].before_hash == history[2].chain_hash
    assert anchors[0].cutoff == NOW - timedelta(days=180)
    status, out, err = verify()
    assert status == 0, err
    assert "site" in out and "2 event(s), chain intact" in out


def test_a_later_purge_joins_the_anchor_beside_it(history, site_a):
    retention.purge_site(site_id=site_a.pk, days=180, now=NOW)
    retention.purge_site(site_id=site_a.pk, days=180, now=NOW + timedelta(days=90))
    assert list(EventChainAnchor.objects.values_list("first_seq", "last_seq")) == [(1, 4)]
    assert list(AccessEvent.objects.values_list("seq", flat=True)) == [5]
    assert verify()[0] == 0


def test_a_purge_of_every_event_leaves_the_head_anchored(history, site_a):
    retention.purge_site(site_id=site_a.pk, days=180, now=NOW + timedelta(days=400))
    assert not AccessEvent.objects.exists()
    assert list(EventChainAnchor.objects.values_list("first_seq", "last_seq")) == [(1, 5)]
    head = EventChainHead.objects.get(site=site_a)
    assert head.seq == 5
    status, _, err = verify()
    assert status == 0, err


def test_a_site_that_keeps_its_events_loses_none(history, site_a):
    assert retention.purge_site(site_id=site_a.pk, days=None, now=NOW).events == 0
    assert AccessEvent.objects.count() == 5
    assert not EventChainAnchor.objects.exists()


def test_a_forged_anchor_does_not_hide_deleted_events(history, site_a):
    """An intruder deletes the first two events and writes the anchor a purge would have
    written, without the key: the seal does not match and the gap is named."""
    sql("DELETE FROM access_accessevent WHERE seq IN (1, 2)")
    EventChainAnchor.objects.create(
        site=site_a,
        first_seq=1,
        last_seq=2,
        before_hash="",
        last_hash=history[1].chain_hash,
        cutoff=NOW,
        purged_at=NOW,
        seal="0" * 64,
    )
    status, _, err = verify()
    assert status == 1
    assert f"event id {history[2].pk} (seq 3): deleted — seq 1–2 missing" in err


def test_an_anchor_cannot_be_stretched_over_more_events(history, site_a):
    retention.purge_site(site_id=site_a.pk, days=180, now=NOW)
    sql("DELETE FROM access_accessevent WHERE seq = 3")
    EventChainAnchor.objects.filter(first_seq=1).update(last_seq=3)
    status, _, err = verify()
    assert status == 1 and "deleted" in err


def test_the_purge_deletes_past_the_trigger_only_in_its_own_transaction(history, site_a):
    from django.db import DatabaseError, transaction

    retention.purge_site(site_id=site_a.pk, days=180, now=NOW)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(seq=5).delete()
    assert AccessEvent.objects.count() == 2


def test_the_daily_job_purges_each_site_by_its_own_retention(history, site_a, site_b):
    Site.objects.filter(pk=site_a.pk).update(event_retention_days=200)
    summary = JOBS["purge_events"].run(NOW)
    assert summary.startswith("sites 1, deleted 3")
    assert AccessEvent.objects.count() == 2
    assert verify()[0] == 0


# -- the setting ----------------------------------------------------------------------------


def test_the_security_manager_sets_the_retention_audited(site_a, manager_a):
    event_retention_set(site=site_a, actor=manager_a, days="365", now=NOW)
    site_a.refresh_from_db()
    assert site_a.event_retention_days == 365
    entry = AuditEntry.objects.get(action="site.event_retention_days")
    assert entry.before == {"event_retention_days": None}
    assert entry.after == {"event_retention_days": 365}
    event_retention_set(site=site_a, actor=manager_a, days="", now=NOW)
    site_a.refresh_from_db()
    assert site_a.event_retention_days is None


def test_a_retention_below_half_a_year_is_refused_and_changes_nothing(site_a, manager_a):
    with pytest.raises(InvalidInput) as caught:
        event_retention_set(site=site_a, actor=manager_a, days="30", now=NOW)
    assert caught.value.code == "retention.days"
    site_a.refresh_from_db()
    assert site_a.event_retention_days is None
    assert not AuditEntry.objects.filter(action="site.event_retention_days").exists()


def test_a_guard_cannot_set_the_retention(site_a, guard_a):
    with pytest.raises(PermissionDenied):
        event_retention_set(site=site_a, actor=guard_a, days=365, now=NOW)


def test_the_jobs_page_sets_the_retention_and_shows_the_anchors(client, site_a, manager_a, history):
    client.force_login(manager_a)
    bad = client.post("/console/jobs/retention/", {"days": "abc"})
    assert bad.status_code == 422
    assert "通行记录保存期限应为 180 至 3650 天" in bad.content.decode()
    site_a.refresh_from_db()
    assert site_a.event_retention_days is None
    good = client.post("/console/jobs/retention/", {"days": "200"})
    assert good.status_code == 302
    site_a.refresh_from_db()
    assert site_a.event_retention_days == 200
    retention.purge_site(site_id=site_a.pk, days=200, now=NOW)
    page = client.get("/console/jobs/").content.decode()
    assert page.count('id="event-retention"') == 1  # once, in the page's content
    assert 'value="200"' in page
    assert "1–2" in page and "4–4" in page
