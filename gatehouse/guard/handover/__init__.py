"""Guard: shift handover (SPEC S-03: the 交接班记录表; the keys pass with it, S-08)."""
