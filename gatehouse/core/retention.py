"""How long a site keeps its access events, and what a purge leaves behind (issue 18 §4).

SPEC §12: personal data is "kept only as long as its register requires"; the access event log is
a register like the others, so each site may set a retention (in days). Events whose time of
passage is older than the cutoff are removed by the daily purge; a site without a retention keeps
its events for ever. The floor is half a year: the registers built on the log (visitors,
vehicles, night patrols, the monthly and yearly summaries) need at least that much.

A purge takes events out of the site's hash chain. What it removes is a set of chain numbers
(events reach the log out of time order: an offline device uploads late), so it is cut into runs
of consecutive numbers (:func:`runs`). Each run leaves an *anchor*: the run's first and last
number and the seal of its last event, itself sealed with the chain's key
(:func:`gatehouse.core.chain.anchor_seal`), so the chain still verifies across the gap and a gap
nobody sanctioned still shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from gatehouse.core.errors import InvalidInput

MIN_DAYS = 180
MAX_DAYS = 3650


def check_days(days: object) -> int | None:
    """A retention in whole days between :data:`MIN_DAYS` and :data:`MAX_DAYS`, or ``None`` to
    keep the events for ever. Anything else is refused with a machine code."""
    if days is None or days == "":
        return None
    if isinstance(days, bool):
        days = None
    if isinstance(days, str):
        text = days.strip()
        days = int(text) if text.isdigit() else None
    if not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
        raise InvalidInput(
            "retention.days",
            f"通行记录保存期限应为 {MIN_DAYS} 至 {MAX_DAYS} 天，或留空表示长期保存",
            {"field": "days"},
        )
    return days


def cutoff(now: datetime, days: int | None) -> datetime | None:
    """Events that passed before this moment are due for the purge (``None``: none are)."""
    if days is None:
        return None
    return now - timedelta(days=days)


def runs(seqs: Iterable[int]) -> list[tuple[int, int]]:
    """The numbers ``seqs`` (ascending, no repeats) as runs of consecutive numbers:
    ``[1, 2, 3, 7, 9, 10]`` → ``[(1, 3), (7, 7), (9, 10)]``."""
    found: list[tuple[int, int]] = []
    for seq in seqs:
        if found and seq == found[-1][1] + 1:
            found[-1] = (found[-1][0], seq)
        elif found and seq <= found[-1][1]:
            raise ValueError(f"chain numbers out of order: {seq} after {found[-1][1]}")
        else:
            found.append((seq, seq))
    return found


def merged(
    anchors: Iterable[tuple[int, int]], new: Iterable[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Runs already anchored and new ones, adjacent runs joined: the gap they leave together."""
    ordered = sorted([*anchors, *new])
    out: list[tuple[int, int]] = []
    for first, last in ordered:
        if out and first <= out[-1][1] + 1:
            if first <= out[-1][1]:
                raise ValueError(f"runs overlap: {out[-1]} and {(first, last)}")
            out[-1] = (out[-1][0], last)
        else:
            out.append((first, last))
    return out
