"""Guard: roster and duty (SPEC S-01 posts and staffing, S-02 the leader on duty)."""
