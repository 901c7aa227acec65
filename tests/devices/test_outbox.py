"""The outbox of device commands: order, supersession, retries, one-shot actions, polling."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gatehouse.devices import outbox
from gatehouse.devices.models import CommandKind, CommandState, Device, DeviceCommand
from gatehouse.devices.services import device_issue_key


@pytest.fixture
def terminal(site_a, walk_in_a, manager_a, now):
    device = Device.objects.create(
        site=site_a, lane=walk_in_a, name="东门人脸终端", kind="face_terminal", vendor="fake"
    )
    device_issue_key(device=device, actor=manager_a, now=now)
    return device


class FakeTerminal:
    """A driver that applies what it is sent, or fails as told."""

    def __init__(self) -> None:
        self.applied: list[tuple[str, str]] = []
        self.fail: type[outbox.DeliveryError] | None = None

    def __call__(self, device, command) -> None:
        if self.fail is not None:
            raise self.fail("终端无响应")
        self.applied.append((command.kind, command.subject))


def clock(at):
    return lambda: at


def state(command) -> str:
    command.refresh_from_db()
    return command.state


def test_commands_are_delivered_in_order_and_marked_done(terminal, now):
    fake = FakeTerminal()
    first = outbox.enqueue(
        device=terminal, kind=CommandKind.PERSON_SYNC, subject="person:1", now=now
    )
    outbox.enqueue(device=terminal, kind=CommandKind.PERSON_SYNC, subject="person:2", now=now)
    done = outbox.deliver_due(now=clock(now), drivers={"fake": fake})
    assert done.delivered == 2
    assert fake.applied == [("person.sync", "person:1"), ("person.sync", "person:2")]
    assert state(first) == CommandState.DONE
    terminal.refresh_from_db()
    assert terminal.last_seen_at == now
    # Nothing left: a second round sends nothing again.
    assert outbox.deliver_due(now=clock(now), drivers={"fake": fake}).delivered == 0


def test_a_round_sends_a_batch_and_says_when_more_are_due(terminal, now):
    fake = FakeTerminal()
    for n in range(outbox.BATCH + 1):
        outbox.enqueue(
            device=terminal, kind=CommandKind.PERSON_SYNC, subject=f"person:{n}", now=now
        )
    first = outbox.deliver_due(now=clock(now), drivers={"fake": fake})
    assert (first.delivered, first.more) == (outbox.BATCH, True)  # the worker goes on at once
    second = outbox.deliver_due(now=clock(now), drivers={"fake": fake})
    assert (second.delivered, second.more) == (1, False)
    assert [subject for _, subject in fake.applied] == [
        f"person:{n}" for n in range(outbox.BATCH + 1)
    ]


def test_a_later_command_on_the_same_subject_supersedes_a_queued_one(terminal, now):
    fake = FakeTerminal()
    sync = outbox.enqueue(
        device=terminal, kind=CommandKind.PERSON_SYNC, subject="person:7", now=now
    )
    delete = outbox.enqueue(
        device=terminal, kind=CommandKind.PERSON_DELETE, subject="person:7", now=now
    )
    outbox.deliver_due(now=clock(now), drivers={"fake": fake})
    assert state(sync) == CommandState.SUPERSEDED
    assert state(delete) == CommandState.DONE
    # The person deleted while queued is never re-added by the stale sync.
    assert fake.applied == [("person.delete", "person:7")]


def test_an_unreachable_device_keeps_its_commands_in_order_until_it_returns(terminal, now):
    fake = FakeTerminal()
    fake.fail = outbox.Unreached
    a = outbox.enqueue(device=terminal, kind=CommandKind.PERSON_SYNC, subject="person:1", now=now)
    b = outbox.enqueue(device=terminal, kind=CommandKind.PERSON_DELETE, subject="person:2", now=now)
    done = outbox.deliver_due(now=clock(now), drivers={"fake": fake})
    assert (done.delivered, done.retrying) == (0, 1)
    a.refresh_from_db()
    assert a.state == CommandState.QUEUED and a.attempts == 1 and a.last_error == "终端无响应"
    assert a.next_attempt_at == now + outbox.backoff(1)
    # While the head waits for its retry, nothing behind it goes.
    fake.fail = None
    assert (
        outbox.deliver_due(now=clock(now + timedelta(seconds=1)), drivers={"fake": fake}).delivered
        == 0
    )
    later = now + timedelta(hours=3)
    assert outbox.deliver_due(now=clock(later), drivers={"fake": fake}).delivered == 2
    assert fake.applied == [("person.sync", "person:1"), ("person.delete", "person:2")]
    assert state(b) == CommandState.DONE


def test_backoff_doubles_and_is_capped():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3)] == [2, 4, 8]
    assert outbox.backoff(40) == outbox.BACKOFF_CAP


def test_a_refused_command_fails_and_the_next_one_goes(terminal, now):
    calls = []

    def driver(device, command):
        calls.append(command.subject)
        if command.subject == "person:1":
            raise outbox.Refused("人员信息格式错误")

    bad = outbox.enqueue(device=terminal, kind=CommandKind.PERSON_SYNC, subject="person:1", now=now)
    good = outbox.enqueue(
        device=terminal, kind=CommandKind.PERSON_SYNC, subject="person:2", now=now
    )
    done = outbox.deliver_due(now=clock(now), drivers={"fake": driver})
    assert (done.delivered, done.failed) == (1, 1)
    bad.refresh_from_db()
    assert bad.state == CommandState.FAILED and bad.last_error == "人员信息格式错误"
    assert state(good) == CommandState.DONE


def test_a_one_shot_action_is_not_repeated_after_a_lost_answer(terminal, now):
    fake = FakeTerminal()
    fake.fail = outbox.Ambiguous
    door = outbox.enqueue(device=terminal, kind=CommandKind.DOOR_OPEN, now=now)
    outbox.deliver_due(now=clock(now), drivers={"fake": fake})
    door.refresh_from_db()
    assert door.state == CommandState.FAILED and "不再重复" in door.last_error
    fake.fail = None
    outbox.deliver_due(now=clock(now + timedelta(seconds=5)), drivers={"fake": fake})
    assert fake.applied == []


def test_a_sync_is_retried_after_a_lost_answer(terminal, now):
    fake = FakeTerminal()
    fake.fail = outbox.Ambiguous
    sync = outbox.enqueue(
        device=terminal, kind=CommandKind.PERSON_SYNC, subject="person:1", now=now
    )
    outbox.deliver_due(now=clock(now), drivers={"fake": fake})
    assert state(sync) == CommandState.QUEUED
    fake.fail = None
    outbox.deliver_due(now=clock(now + timedelta(minutes=1)), drivers={"fake": fake})
    assert state(sync) == CommandState.DONE


def test_a_one_shot_action_expires_rather_than_arrive_late(terminal, now):
    fake = FakeTerminal()
    lift = outbox.enqueue(device=terminal, kind=CommandKind.BARRIER_LIFT, now=now)
    outbox.deliver_due(
        now=clock(now + outbox.ONE_SHOT_TTL + timedelta(seconds=1)), drivers={"fake": fake}
    )
    assert state(lift) == CommandState.EXPIRED
    assert fake.applied == []


def test_a_claim_whose_lease_ran_out_is_not_repeated_for_a_one_shot_action(terminal, now):
    door = outbox.enqueue(device=terminal, kind=CommandKind.DOOR_OPEN, now=now)
    claimed = outbox._claim_head(terminal, now, outbox.Round())  # a worker dies mid-send
    assert claimed is not None and claimed.pk == door.pk
    fake = FakeTerminal()
    outbox.deliver_due(now=clock(now + outbox.LEASE + timedelta(seconds=1)), drivers={"fake": fake})
    assert state(door) == CommandState.FAILED
    assert fake.applied == []


def test_a_door_the_terminal_was_unreachable_for_opens_when_it_returns_within_the_minute(
    terminal, now
):
    # Nothing reached the terminal: the command is certainly not carried out, so it is sent
    # again (every back-off) within its time to live, and applied once.
    fake = FakeTerminal()
    fake.fail = outbox.Unreached
    door = outbox.enqueue(device=terminal, kind=CommandKind.DOOR_OPEN, now=now)
    first = outbox.deliver_due(now=clock(now), drivers={"fake": fake})
    assert (first.retrying, first.failed) == (1, 0) and state(door) == CommandState.QUEUED
    later = now + timedelta(seconds=5)
    again = outbox.deliver_due(now=clock(later), drivers={"fake": fake})
    assert (again.retrying, again.failed) == (1, 0) and state(door) == CommandState.QUEUED
    fake.fail = None
    back = outbox.deliver_due(now=clock(later + timedelta(seconds=5)), drivers={"fake": fake})
    assert back.delivered == 1 and state(door) == CommandState.DONE
    assert fake.applied == [("door.open", "")]
    assert outbox.deliver_due(now=clock(now + timedelta(seconds=50)), drivers={"fake": fake}) == (
        outbox.Round()
    )
    assert fake.applied == [("door.open", "")]


def test_a_door_still_unreachable_after_its_minute_expires_and_the_round_counts_it(terminal, now):
    fake = FakeTerminal()
    fake.fail = outbox.Unreached
    door = outbox.enqueue(device=terminal, kind=CommandKind.DOOR_OPEN, now=now)
    outbox.deliver_due(now=clock(now), drivers={"fake": fake})
    fake.fail = None
    late = outbox.deliver_due(
        now=clock(now + outbox.ONE_SHOT_TTL + timedelta(seconds=1)), drivers={"fake": fake}
    )
    assert (late.expired, late.delivered) == (1, 0) and state(door) == CommandState.EXPIRED
    assert fake.applied == []


def test_a_polling_device_takes_its_commands_in_order_once(terminal, now):
    lift = outbox.enqueue(device=terminal, kind=CommandKind.BARRIER_LIFT, now=now)
    show = outbox.enqueue(
        device=terminal, kind=CommandKind.SHOW_TEXT, now=now, payload={"text": "欢迎"}
    )
    taken = outbox.take(device=terminal, now=now + timedelta(seconds=1))
    assert [c.pk for c in taken] == [lift.pk, show.pk]
    assert state(lift) == CommandState.DONE
    assert outbox.take(device=terminal, now=now + timedelta(seconds=2)) == []


def test_a_polling_device_does_not_take_an_expired_action(terminal, now):
    lift = outbox.enqueue(device=terminal, kind=CommandKind.BARRIER_LIFT, now=now)
    assert outbox.take(device=terminal, now=now + timedelta(minutes=5)) == []
    assert state(lift) == CommandState.EXPIRED


def test_enqueue_lane_reaches_every_live_device_on_the_lane(terminal, site_a, walk_in_a, now):
    Device.objects.create(site=site_a, lane=walk_in_a, name="无密钥", kind="turnstile")
    queued = outbox.enqueue_lane(lane=walk_in_a, kind=CommandKind.DOOR_OPEN, now=now)
    assert [c.device_id for c in queued] == [terminal.pk]


def test_lag_counts_waiting_commands_and_their_age(terminal, now):
    outbox.enqueue(device=terminal, kind=CommandKind.PERSON_SYNC, subject="person:1", now=now)
    outbox.enqueue(
        device=terminal,
        kind=CommandKind.PERSON_SYNC,
        subject="person:2",
        now=now + timedelta(seconds=9),
    )
    lag = outbox.lags([terminal])[terminal.pk]
    assert lag.waiting == 2 and lag.oldest == now
    assert lag.age(now + timedelta(seconds=30)) == timedelta(seconds=30)


def test_unknown_command_kind_is_refused(terminal, now):
    with pytest.raises(ValueError):
        outbox.enqueue(device=terminal, kind="reboot", now=now)
    assert not DeviceCommand.objects.exists()
