"""In-process throughput of the people decision (issue 3 §9).

A site of 10,000 residents holding 50,000 credentials (owner cards, staff badges, QR codes; a
share lost, revoked or expired; a few hundred people blacklisted) is loaded into memory as the
plain facts a gate keeps; then a stream of reads — the known cards of the day, strangers' cards,
wrong lanes — is decided one by one on one core: look the card up, build the facts, ``decide``.

    python bench/bench_decide.py [--reads 500000] [--seed 7]

Prints decisions per second and the mix of outcomes. No database, no Django.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gatehouse.core.access import (
    CredentialFacts,
    CredentialKind,
    CredentialStatus,
    Direction,
    Facts,
    HolderKind,
    LaneFacts,
    LaneKind,
    Policy,
    decide,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=SHANGHAI)
RESIDENTS = 10_000
CREDENTIALS = 50_000


def build_site(rng: random.Random) -> tuple[dict[str, tuple[CredentialFacts, bool]], list[str]]:
    """card number -> (facts, holder blacklisted); and the list of numbers."""
    kinds = [HolderKind.OWNER, HolderKind.FAMILY, HolderKind.TENANT, HolderKind.EMPLOYEE]
    holders = [rng.choice(kinds) for _ in range(RESIDENTS)]
    blacklisted = set(rng.sample(range(RESIDENTS), 300))
    cards: dict[str, tuple[CredentialFacts, bool]] = {}
    while len(cards) < CREDENTIALS:
        holder = rng.randrange(RESIDENTS)
        roll = rng.random()
        status = CredentialStatus.ACTIVE
        if roll < 0.03:
            status = CredentialStatus.LOST
        elif roll < 0.06:
            status = CredentialStatus.REVOKED
        until = NOW + timedelta(days=365) if rng.random() > 0.05 else NOW - timedelta(days=3)
        kind = (
            CredentialKind.STAFF_BADGE
            if holders[holder] is HolderKind.EMPLOYEE
            else (rng.choice([CredentialKind.OWNER_CARD, CredentialKind.QR]))
        )
        number = f"{rng.getrandbits(32):08X}"
        cards[number] = (
            CredentialFacts(
                kind=kind,
                status=status,
                valid_from=NOW - timedelta(days=400),
                valid_until=until,
                holder_kind=holders[holder],
            ),
            holder in blacklisted,
        )
    return cards, list(cards)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reads", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cards, numbers = build_site(rng)
    walk_in = LaneFacts(LaneKind.NON_MOTOR, Direction.IN, open_when_tightened=True)
    motor_in = LaneFacts(LaneKind.MOTOR, Direction.IN)
    policy = Policy()
    reads = []
    for _ in range(args.reads):
        roll = rng.random()
        number = rng.choice(numbers) if roll < 0.95 else f"{rng.getrandbits(32):08X}"
        lane = walk_in if rng.random() < 0.99 else motor_in
        reads.append((number, lane))

    outcomes: Counter[str] = Counter()
    started = time.perf_counter()
    for number, lane in reads:
        found = cards.get(number)
        facts = Facts(
            lane=lane,
            direction=Direction.IN,
            credential=found[0] if found else None,
            blacklisted=found[1] if found else False,
        )
        outcomes[decide(facts, policy, NOW).reason] += 1
    elapsed = time.perf_counter() - started
    rate = args.reads / elapsed
    print(f"site: {RESIDENTS:,} residents, {len(cards):,} credentials")
    print(f"reads: {args.reads:,} in {elapsed:.2f} s on one core -> {rate:,.0f} decisions/s")
    for reason, count in outcomes.most_common():
        print(f"  {reason:32} {count:8,}")
    print("target >= 50,000 decisions/s:", "met" if rate >= 50_000 else "NOT met")


if __name__ == "__main__":
    main()
