"""Guard: night patrols (SPEC S-04: routes of checkpoints, each scan timed, a missed or late
checkpoint flagged; the 夜间安保巡查记录表).
"""
