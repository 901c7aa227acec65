"""What the decision path reports: a counter by site, source, outcome and reason code, and an
INFO line (site, gate, outcome, reason — no names, plates or card numbers). Cheap: a labelled
counter's increment, and the log line only built when INFO is on."""

from __future__ import annotations

import logging

from gatehouse.ops.logs import log_event
from gatehouse.ops.metrics import decision_counted

logger = logging.getLogger("gatehouse.decisions")


def observed_decision(site: int, gate: int, source: str, outcome: str, reason: str) -> None:
    decision_counted(site, source, outcome, reason)
    log_event(
        logger,
        logging.INFO,
        "decision",
        f"decision {outcome} {reason}",
        site=site,
        gate=gate,
        source=source,
        outcome=outcome,
        reason=reason,
    )
