"""What each terminal Gatehouse keeps in sync should hold, and the commands that make it so.

A terminal (a Hikvision face terminal or card reader bound to a lane) decides alone, from its
own list. That list must be exactly what the gate would admit at the terminal's lane read as a
card: nobody is re-decided here.

- **People.** For each active card or badge of a person the gate's own path judges it
  (:func:`gatehouse.gate.facts.load_facts` and the core's ``decide``) as a read at the lane, at
  the card's first valid moment: a lost or revoked card (P-03), a holder who left
  (``is_active`` off: moved out, left the company), a blacklisted person (P-11), a lane in the
  wrong direction or not for people (P-01, P-02), an entrance closed in tightened or epidemic
  mode (M-01, M-02: in epidemic mode every entry at the designated entrance needs the guard's
  temperature check, so the terminal admits nobody in) — each is refused by the core and the
  person is not on the terminal. The person's validity window on the terminal is the union of
  their admitted cards' windows; a face is sent only with a recorded consent
  (:class:`~gatehouse.devices.models.FaceEnrolment`).
- **Visitors' codes.** An invitation (VI-02) or a pass (P-09) is held as a visitor
  (``userType: visitor``, employee number ``inv<id>`` / ``pass<id>``, the masked name) whose one
  card is its 16-digit terminal code — what the terminal's QR reader passes on as a card
  number. It is held when the gate would admit the code read as a card at the lane, with the
  invitation's or pass's own window; a limited invitation also carries ``maxOpenDoorTime``
  (its uses), so one terminal never opens it more often than it may be used. Revoked, used up
  (:func:`gatehouse.gate.decide.consume_invitation`: the passage pushed back from one terminal
  takes it off all of them) or ended (:func:`forget_ended_codes`, run by the device worker), it
  is deleted.

- **Exit lanes** (:func:`gatehouse.core.terminal.exit_window`): a returnee under home
  monitoring (M-03) is held only from the end of the monitoring, so the terminal keeps them in
  and lets them out after by itself (a case opened or closed re-sends the person); a campus's
  student (T3-01) is not held at all: school hours every day and a leave pass used once do not
  fit one validity window with the all-day plan.

Anti-passback is not a list matter (it depends on where the person is now) and is left to the
gate's online decisions.

Called by the services that change what the list depends on, in their transaction:
:func:`sync_person` (a person, credential, blacklist entry or face changed), :func:`sync_code`
(an invitation or pass issued, revoked, used up), :func:`sync_site` (the site's mode or policy
changed). :func:`reconcile_device` compares what a terminal actually holds (its own searches)
with what it should, and queues the repairs; it is also the initial sync of a new terminal
(``manage.py reconcile_terminals``).

Each (terminal, subject) keeps the digest of the wanted state last queued
(:class:`~gatehouse.devices.models.TerminalEntry`), so an unchanged subject is not sent again.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Q

from gatehouse.core import epidemic
from gatehouse.core.access import GatePolicy, decide
from gatehouse.core.masking import mask_name
from gatehouse.core.terminal import exit_window
from gatehouse.devices import outbox
from gatehouse.devices.adapters.hikvision import isapi
from gatehouse.devices.models import (
    CommandKind,
    Device,
    DeviceCommand,
    DeviceKind,
    FaceEnrolment,
    TerminalEntry,
)
from gatehouse.epidemic.models import ReturneeCase
from gatehouse.gate.facts import (
    GateInput,
    blacklisted_people,
    code_input,
    gate_policy_of,
    is_blacklisted,
    load_facts,
)
from gatehouse.people.models import Credential, CredentialKind, CredentialStatus, Person
from gatehouse.sites.models import Site
from gatehouse.visitors.models import Invitation, Pass

#: Vendors whose terminals hold a list Gatehouse keeps in sync.
SYNCED_VENDORS = ("hikvision",)
#: Device kinds that decide from a list of people and cards.
SYNCED_KINDS = (DeviceKind.FACE_TERMINAL, DeviceKind.CARD_READER, DeviceKind.TURNSTILE)
#: The credentials a person presents at a people lane's terminal (a parking card is refused
#: there, P-01): the gate's own set for a person read by card, face or ID card.
PERSON_CARD_KINDS = (CredentialKind.OWNER_CARD, CredentialKind.STAFF_BADGE)

#: A visitor's code on the terminals: its subject's prefix and its employee number's prefix.
CODE_PREFIXES = {"invitation": "inv", "pass": "pass"}

type Code = Invitation | Pass


@dataclass(frozen=True)
class Subject:
    """What a terminal holds one entry of: its key in the outbox and the entries
    (``person:42``, ``invitation:7``, ``pass:9``), its number at the terminal
    (``employeeNo``), and the person, for a person."""

    key: str
    number: str
    person_id: int | None = None


def subject_of(person_id: int | str) -> str:
    return f"person:{person_id}"


def employee_no(person_id: int) -> str:
    """A person's number at the terminals: their id (what the gate's face read looks up)."""
    return str(person_id)


def person_subject(person_id: int) -> Subject:
    return Subject(subject_of(person_id), employee_no(person_id), person_id)


def code_subject(code: Code) -> Subject:
    """An invitation's or pass's entry: ``invitation:7`` held as ``inv7``."""
    kind = "invitation" if isinstance(code, Invitation) else "pass"
    return Subject(f"{kind}:{code.pk}", f"{CODE_PREFIXES[kind]}{code.pk}")


def subject_of_number(number: str) -> str | None:
    """The subject a number found on a terminal stands for (None: not one of Gatehouse's)."""
    if number.isascii() and number.isdigit():
        return subject_of(int(number))
    for kind, prefix in CODE_PREFIXES.items():
        rest = number.removeprefix(prefix)
        if rest != number and rest.isascii() and rest.isdigit():
            return f"{kind}:{int(rest)}"
    return None


def terminals(site_id: int) -> list[Device]:
    """The site's terminals Gatehouse keeps in sync: live, bound to a lane, reachable."""
    return list(
        Device.objects.filter(
            site_id=site_id,
            vendor__in=SYNCED_VENDORS,
            kind__in=SYNCED_KINDS,
            revoked_at__isnull=True,
            lane__isnull=False,
        )
        .exclude(address="")
        .select_related("lane__gate__site", "site")
        .order_by("pk")
    )


# --------------------------------------------------------------------------------------------
# What a terminal should hold
# --------------------------------------------------------------------------------------------


def list_policy(device: Device) -> GatePolicy | None:
    """The lane's gate policy as the list is judged by (no anti-passback: presence is not a list
    matter); None when the policy cannot be read — the gate refuses everyone then, and so does
    the terminal."""
    assert device.lane is not None
    config = gate_policy_of(device.lane)
    if not isinstance(config, GatePolicy):
        return None
    return replace(config, policy=replace(config.policy, anti_passback=False))


def _admits(device: Device, config: GatePolicy, inp: GateInput, at: datetime) -> bool:
    """Whether the gate admits ``inp`` at ``device``'s lane at ``at``."""
    site = device.site
    return decide(load_facts(inp, site, config, at), config.policy, at).allowed


def admitted_cards(
    device: Device,
    config: GatePolicy | None,
    person: Person,
    cards: Iterable[Credential],
    now: datetime,
    blacklisted: bool | None = None,
    held_from: datetime | None = None,
) -> list[Credential]:
    """The cards of ``person`` the gate would admit at ``device``'s lane, each judged at
    ``now`` or, for a card not valid yet, at its first valid moment. ``blacklisted``: P-11
    already looked up for the whole site (:func:`gatehouse.gate.facts.blacklisted_people`).
    ``held_from``: the person is held only from then on (M-03: a returnee's home monitoring
    ends then, :func:`gatehouse.core.terminal.exit_window`), so each card is judged then."""
    lane = device.lane
    if config is None or lane is None:
        return []
    candidates = [
        c
        for c in cards
        if c.kind in PERSON_CARD_KINDS
        and c.status == CredentialStatus.ACTIVE
        and (c.valid_until is None or c.valid_until > now)
    ]
    if not candidates:
        return []
    if blacklisted is None:
        blacklisted = is_blacklisted(site=device.site, person=person, now=now)
    out = []
    for card in candidates:
        card.person = person
        inp = GateInput(lane=lane, credential=card, blacklisted=blacklisted, presented_kind="card")
        moment = max(now, card.valid_from, held_from or now)
        if card.valid_until is not None and card.valid_until <= moment:
            continue
        if _admits(device, config, inp, moment):
            out.append(card)
    return out


def wanted(
    device: Device,
    config: GatePolicy | None,
    person: Person,
    cards: Iterable[Credential],
    face: FaceEnrolment | None,
    now: datetime,
    blacklisted: bool | None = None,
    monitored: dict[int, datetime] | None = None,
) -> isapi.Person | None:
    """The whole state ``device`` should hold of ``person``, or None: not on the terminal.
    At an exit lane, a returnee under home monitoring is held only from its end (M-03) and a
    campus's student not at all (T3-01), as :func:`gatehouse.core.terminal.exit_window` says;
    ``monitored``: the site's monitored people looked up once (:func:`monitored_people`)."""
    exit_lane = device.lane is not None and device.lane.direction == "out"
    barred = None
    if exit_lane:
        ends = monitored if monitored is not None else monitored_people(person.site_id, now)
        barred = ends.get(person.pk)
    admitted = admitted_cards(device, config, person, cards, now, blacklisted, barred)
    if not admitted:
        return None
    begin = min(c.valid_from for c in admitted)
    ends_at = [c.valid_until for c in admitted]
    end = None if any(e is None for e in ends_at) else max(e for e in ends_at if e is not None)
    window = exit_window(
        exit_lane=exit_lane,
        begin=begin,
        end=end,
        monitoring_until=barred,
        student_at_campus=device.site.kind == "campus" and person.kind == "student",
    )
    if window is None:
        return None
    begin, end = window
    picture = face.picture if face is not None and face.consented else b""
    return isapi.Person(
        employee_no=employee_no(person.pk),
        name=person.name,
        begin=isapi.local_time(begin),
        end=isapi.local_time(end),
        cards=tuple(sorted(isapi.terminal_card_no(c.number) for c in admitted)),
        face=base64.b64encode(bytes(picture)).decode("ascii") if picture else "",
        face_digest=face.picture_sha256 if picture and face is not None else "",
    )


def monitored_people(
    site_id: int, now: datetime, person_id: int | None = None
) -> dict[int, datetime]:
    """M-03: the people of a site under home monitoring at ``now`` and when it ends, as the gate
    asks it (:func:`gatehouse.core.epidemic.monitoring_until`)."""
    rows = ReturneeCase.objects.filter(
        site_id=site_id, closed_at__isnull=True, monitor_until__gt=now
    )
    if person_id is not None:
        rows = rows.filter(person_id=person_id)
    cases: dict[int, list[tuple[datetime, bool]]] = defaultdict(list)
    for pid, until in rows.values_list("person_id", "monitor_until"):
        cases[pid].append((until, False))
    found = {pid: epidemic.monitoring_until(c, now) for pid, c in cases.items()}
    return {pid: until for pid, until in found.items() if until is not None}


def wanted_code(
    device: Device, config: GatePolicy | None, code: Code, now: datetime
) -> isapi.Person | None:
    """What ``device`` should hold of a visitor's code, or None: not on the terminal (the gate
    would refuse the code read as a card at the lane throughout its window, or the window is
    over)."""
    lane = device.lane
    if config is None or lane is None:
        return None
    if isinstance(code, Invitation):
        begin, end, name = code.window_start, code.window_end, code.visitor_name
        opens = code.max_uses or 0
    else:
        begin, end, name = code.valid_from, code.valid_until, code.holder_name
        opens = 0
    inp = code_input(lane, code, "card")
    if end <= now or not _admits(device, config, inp, max(now, begin)):
        return None
    return isapi.Person(
        employee_no=code_subject(code).number,
        name=mask_name(name),
        begin=isapi.local_time(begin),
        end=isapi.local_time(end),
        user_type="visitor",
        cards=(code.terminal_code,),
        max_opens=opens,
    )


def digest(person: isapi.Person) -> str:
    state = {**person.state(), "name": person.name, "face": person.face_digest}
    text = json.dumps(state, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------
# Queuing the changes
# --------------------------------------------------------------------------------------------


@dataclass
class Queued:
    """What a sync queued: subjects sent, subjects deleted, subjects left as they were."""

    synced: int = 0
    deleted: int = 0
    unchanged: int = 0
    details: list[str] = field(default_factory=list)

    def add(self, other: Queued) -> None:
        self.synced += other.synced
        self.deleted += other.deleted
        self.unchanged += other.unchanged


def _entries(device: Device | None = None, keys: Iterable[str] | None = None) -> Any:
    rows = TerminalEntry.objects.all()
    if device is not None:
        rows = rows.filter(device=device)
    if keys is not None:
        rows = rows.filter(subject__in=list(keys))
    return rows


@transaction.atomic
def sync_person(person_id: int, now: datetime, *, reason: str = "", force: bool = False) -> Queued:
    """Queue, for every terminal of the person's site, what makes it hold the person as it
    should (``person.sync``) or not at all (``person.delete``); nothing for a terminal already
    told the same, unless ``force`` (a terminal found to hold them wrong). Call it in the
    transaction of the change."""
    result = Queued()
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return result
    devices = terminals(person.site_id)
    if not devices:
        return result
    cards = list(Credential.objects.filter(person=person, kind__in=PERSON_CARD_KINDS))
    face = FaceEnrolment.objects.filter(person=person).first()
    who = person_subject(person.pk)
    entries = {e.device_id: e for e in _entries(keys=[who.key])}
    monitored = monitored_people(person.site_id, now, person.pk)
    for device in devices:
        state = wanted(device, list_policy(device), person, cards, face, now, monitored=monitored)
        told = _told(device, [who.key])
        entry = entries.get(device.pk)
        result.add(_queue(device, who, state, entry, told, now, reason, force=force))
    return result


def sync_people(person_ids: Iterable[int], now: datetime, *, reason: str = "") -> Queued:
    """:func:`sync_person` for each of ``person_ids``."""
    result = Queued()
    for pk in sorted(set(person_ids)):
        result.add(sync_person(pk, now, reason=reason))
    return result


@transaction.atomic
def sync_code(code: Code, now: datetime, *, reason: str = "") -> Queued:
    """Queue, for every terminal of the code's site, what makes it hold the invitation or pass
    as it should, or not at all (issued, revoked, used up). Call it in the transaction of the
    change."""
    result = Queued()
    devices = terminals(code.site_id)
    if not devices:
        return result
    who = code_subject(code)
    entries = {e.device_id: e for e in _entries(keys=[who.key])}
    for device in devices:
        state = wanted_code(device, list_policy(device), code, now)
        told = _told(device, [who.key])
        result.add(_queue(device, who, state, entries.get(device.pk), told, now, reason))
    return result


def forget_ended_codes(now: datetime) -> Queued:
    """Delete from the terminals the codes whose window is over (or that are gone): the
    terminal refuses them already by their window, this keeps its list small and true. The
    device worker runs it now and then."""
    result = Queued()
    held = _entries().filter(person__isnull=True).values_list("subject", flat=True)
    keys = set(held.distinct())
    for code in _codes_named(keys):
        keys.discard(code_subject(code).key)
        if _ended(code, now):
            result.add(sync_code(code, now, reason="访客码已过期"))
    for key in sorted(keys):  # the invitation or pass itself is gone
        for entry in _entries(keys=[key]).select_related("device"):
            result.add(_drop_entry(entry, now))
    return result


def _ended(code: Code, now: datetime) -> bool:
    if isinstance(code, Invitation):
        used_up = code.max_uses is not None and code.uses >= code.max_uses
        return code.window_end <= now or code.revoked_at is not None or used_up
    return code.valid_until <= now or code.revoked_at is not None


def _codes_named(keys: Iterable[str]) -> Iterator[Code]:
    ids: dict[str, list[int]] = defaultdict(list)
    for key in keys:
        kind, _, pk = key.partition(":")
        if kind in CODE_PREFIXES and pk.isdigit():
            ids[kind].append(int(pk))
    yield from Invitation.objects.filter(pk__in=ids["invitation"]).order_by("pk")
    yield from Pass.objects.filter(pk__in=ids["pass"]).order_by("pk")


def _drop_entry(entry: TerminalEntry, now: datetime) -> Queued:
    number = _number_of(entry.subject)
    if number is None:
        entry.delete()
        return Queued()
    who = Subject(entry.subject, number, entry.person_id)
    return _queue(entry.device, who, None, entry, set(), now, "访客码已失效")


def _number_of(key: str) -> str | None:
    kind, _, pk = key.partition(":")
    if not pk.isdigit():
        return None
    if kind == "person":
        return employee_no(int(pk))
    prefix = CODE_PREFIXES.get(kind)
    return f"{prefix}{pk}" if prefix else None


@transaction.atomic
def sync_site(site: Site, now: datetime, *, reason: str = "") -> Queued:
    """Bring every terminal of ``site`` up to date with what it should hold (after a change of
    the site's mode or policy): only the subjects whose wanted state changed are queued."""
    result = Queued()
    judged: Judged = {}  # terminals of lanes judged alike share their subjects' states
    black = blacklisted_people(site=site, now=now)
    for device in terminals(site.pk):
        result.add(sync_device(device, now, reason=reason, judged=judged, black=black))
    return result


#: The wanted states already worked out, by the lane's policy and the subject.
type Judged = dict[tuple[GatePolicy | None, str], isapi.Person | None]


def _candidates(device: Device) -> tuple[list[Person], dict[int, list[Credential]]]:
    """Everyone who may belong on ``device``: holders of an active person card at its site,
    and whoever it was last told to hold."""
    cards: dict[int, list[Credential]] = defaultdict(list)
    rows = Credential.objects.filter(
        site_id=device.site_id,
        kind__in=PERSON_CARD_KINDS,
        status=CredentialStatus.ACTIVE,
        person__isnull=False,
    ).order_by("pk")
    for card in rows:
        assert card.person_id is not None
        cards[card.person_id].append(card)
    held = _entries(device).filter(person__isnull=False).values_list("person_id", flat=True)
    ids = set(cards) | set(held)
    people = list(Person.objects.filter(pk__in=ids).order_by("pk")) if ids else []
    return people, cards


def _code_candidates(device: Device, now: datetime) -> list[Code]:
    """Every code that may belong on ``device``: the site's live invitations and passes, and
    those it was last told to hold."""
    live_invitations = Invitation.objects.filter(
        site_id=device.site_id, revoked_at__isnull=True, window_end__gt=now
    ).filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
    live_passes = Pass.objects.filter(
        site_id=device.site_id, revoked_at__isnull=True, valid_until__gt=now
    )
    held = _entries(device).filter(person__isnull=True).values_list("subject", flat=True)
    found: dict[str, Code] = {}
    for code in [
        *live_invitations.order_by("pk"),
        *live_passes.order_by("pk"),
        *_codes_named(held),
    ]:
        found.setdefault(code_subject(code).key, code)
    return list(found.values())


def _wanted_states(
    device: Device,
    now: datetime,
    *,
    judged: Judged | None = None,
    black: set[int] | None = None,
) -> Iterator[tuple[Subject, isapi.Person | None]]:
    """Every subject that may belong on ``device`` with the state it should hold (None: not
    there). ``judged``: states worked out for another terminal, reused for a lane judged
    alike; ``black``: the site's blacklisted people, looked up once."""
    config = list_policy(device)
    people, cards = _candidates(device)
    faces = {f.person_id: f for f in FaceEnrolment.objects.filter(person__in=people)}
    if black is None:
        black = blacklisted_people(site=device.site, now=now)
    monitored = monitored_people(device.site_id, now)
    cache: Judged = judged if judged is not None else {}
    for person in people:
        who = person_subject(person.pk)
        key = (config, who.key)
        if key not in cache:
            cache[key] = wanted(
                device,
                config,
                person,
                cards.get(person.pk, []),
                faces.get(person.pk),
                now,
                person.pk in black,
                monitored,
            )
        yield who, cache[key]
    for code in _code_candidates(device, now):
        who = code_subject(code)
        key = (config, who.key)
        if key not in cache:
            cache[key] = wanted_code(device, config, code, now)
        yield who, cache[key]


@transaction.atomic
def sync_device(
    device: Device,
    now: datetime,
    *,
    reason: str = "",
    judged: Judged | None = None,
    black: set[int] | None = None,
) -> Queued:
    """Queue what ``device`` needs to hold what it should, judged from Gatehouse's side only
    (the digests of what was last queued); :func:`reconcile_device` also asks the terminal."""
    result = Queued()
    entries = {e.subject: e for e in _entries(device)}
    told = _told(device, None)
    for who, state in _wanted_states(device, now, judged=judged, black=black):
        result.add(_queue(device, who, state, entries.get(who.key), told, now, reason))
    return result


def _told(device: Device, subjects: list[str] | None) -> set[str]:
    """The subjects ``device`` was ever sent a command about (one it may hold already)."""
    rows = DeviceCommand.objects.filter(device=device).exclude(subject="")
    if subjects is not None:
        rows = rows.filter(subject__in=subjects)
    return set(rows.values_list("subject", flat=True).distinct())


def _queue(
    device: Device,
    who: Subject,
    state: isapi.Person | None,
    entry: TerminalEntry | None,
    told: set[str],
    now: datetime,
    reason: str,
    *,
    force: bool = False,
    fresh: bool | None = None,
) -> Queued:
    result = Queued()
    if state is None:
        if entry is None and not force:
            result.unchanged += 1
            return result
        outbox.enqueue(
            device=device,
            kind=CommandKind.PERSON_DELETE,
            subject=who.key,
            payload={"employeeNo": who.number},
            reason=reason or "不再具备通行资格",
            now=now,
        )
        if entry is not None:
            entry.delete()
        result.deleted += 1
        return result
    wanted_digest = digest(state)
    if entry is not None and entry.digest == wanted_digest and not force:
        result.unchanged += 1
        return result
    # Fresh: the terminal was never told about this subject, so it holds no card or face of
    # theirs to clear first (a queued delete superseded by this sync counts as told).
    is_fresh = who.key not in told if fresh is None else fresh
    state = replace(state, fresh=is_fresh, had_face=not is_fresh)
    outbox.enqueue(
        device=device,
        kind=CommandKind.PERSON_SYNC,
        subject=who.key,
        payload=state.as_payload(),
        reason=reason or "人员名单变更",
        now=now,
    )
    _remember(device, who, entry, wanted_digest, now)
    result.synced += 1
    return result


def _remember(
    device: Device, who: Subject, entry: TerminalEntry | None, value: str, now: datetime
) -> None:
    """Record the digest last queued (or found right) for the subject at the terminal."""
    if entry is None:
        TerminalEntry.objects.create(
            device=device, subject=who.key, person_id=who.person_id, digest=value, queued_at=now
        )
    elif entry.digest != value:
        entry.digest, entry.queued_at = value, now
        entry.save(update_fields=["digest", "queued_at"])


# --------------------------------------------------------------------------------------------
# Reconciliation: ask the terminal
# --------------------------------------------------------------------------------------------


@dataclass
class Held:
    """What a terminal holds, from its own searches: people by number with their cards."""

    users: dict[str, dict[str, Any]]
    cards: dict[str, list[str]]
    faces: set[str] | None = None  # None: the terminal has no face library

    def state(self, number: str) -> dict[str, Any] | None:
        info = self.users.get(number)
        if info is None:
            return None
        face = None if self.faces is None else number in self.faces
        return isapi.user_state(info, self.cards.get(number, []), face)


def reconcile_device(device: Device, now: datetime, held: Held) -> Queued:
    """Compare what ``device`` holds (``held``, from :func:`read_terminal`) with what it should
    and queue the repairs: subjects missing or different are sent whole, subjects it should not
    hold are deleted (numbers Gatehouse does not know too). The initial sync of a new terminal
    is the same comparison against an empty list."""
    result = Queued()
    with transaction.atomic():
        entries = {e.subject: e for e in _entries(device)}
        known: set[str] = set()
        for who, state in _wanted_states(device, now):
            known.add(who.number)
            there = held.state(who.number)
            entry = entries.get(who.key)
            if state is None:
                if there is None:
                    if entry is not None:
                        entry.delete()
                    result.unchanged += 1
                    continue
                result.add(
                    _queue(device, who, None, entry, set(), now, "对账：删除多余人员", force=True)
                )
                result.details.append(f"多余：{who.number}")
                continue
            if there == state.state(faces=held.faces is not None):
                # The terminal holds them right: record it, so the next change is incremental.
                _remember(device, who, entry, digest(state), now)
                result.unchanged += 1
                continue
            result.add(
                _queue(
                    device,
                    who,
                    state,
                    entry,
                    set(),
                    now,
                    "对账：补发人员" if there is None else "对账：更正人员",
                    force=True,
                    fresh=there is None and not held.cards.get(who.number),
                )
            )
            result.details.append(f"{'缺少' if there is None else '不一致'}：{who.number}")
        for number in sorted(set(held.users) - known):
            _delete_unknown(device, number, now)
            result.deleted += 1
            result.details.append(f"未知人员：{number}")
    return result


def _delete_unknown(device: Device, number: str, now: datetime) -> None:
    """A number on the terminal that no candidate has: a person who left long ago, a code long
    ended, or someone added at the terminal by hand. Deleted, so the terminal admits only whom
    the gate would."""
    key = subject_of_number(number)
    outbox.enqueue(
        device=device,
        kind=CommandKind.PERSON_DELETE,
        subject=(key or subject_of(number))[:64],
        payload={"employeeNo": number},
        reason="对账：删除未登记人员",
        now=now,
    )
    if key is not None:
        _entries(device, [key]).delete()


def read_terminal(client: Any) -> Held:
    """What the terminal behind ``client`` (:class:`.adapters.hikvision.client.Client`) holds:
    its people (``UserInfo/Search``), cards (``CardInfo/Search``) and faces (``FDSearch``; a
    terminal without a face library refuses it), every page."""
    users = {str(u.get("employeeNo", "")): u for u in client.users() if u.get("employeeNo")}
    cards: dict[str, list[str]] = defaultdict(list)
    for card in client.cards():
        cards[str(card.get("employeeNo", ""))].append(str(card.get("cardNo", "")))
    try:
        faces: set[str] | None = set(client.faces())
    except outbox.Refused:
        faces = None
    return Held(users, dict(cards), faces)
