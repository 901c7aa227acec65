"""gatehouse-edge: the agent that keeps a gate deciding when the server or the network is down
(issue 15). Runs beside the devices with a Python interpreter and SQLite; imports the pure core
(:mod:`gatehouse.core`) and no Django. See docs/edge.md."""
