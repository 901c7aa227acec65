"""The server's side of edge agents (issue 15): the signed, site-scoped snapshot and its deltas
an edge decides from offline, and the journal of decisions it uploads when it is back."""
