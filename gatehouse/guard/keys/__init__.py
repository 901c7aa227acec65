"""Guard: keys (SPEC S-08: who holds which key, handed over with the shift)."""
