"""Guard: absence from the booth (SPEC S-09: the gate closed or a named cover)."""
