"""Guard: duties (SPEC S-07 the gatehouse cleaning rota, S-10 weekly spot checks and the ledger of
notices and fines, S-11 hazard inspections, S-12 the 24-hour hotline).
"""
