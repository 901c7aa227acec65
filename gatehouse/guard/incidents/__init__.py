"""Guard: incidents and monitoring (SPEC S-05 anomalies and their escalation, S-06 the monitoring
centre: dispatch and the live board, S-13 the emergency chain).
"""
