import pytest

from gatehouse.ops import heartbeat


@pytest.fixture(autouse=True)
def _forget_heartbeats():
    """Each test starts as a fresh process would: no heartbeat written yet."""
    heartbeat._last.clear()
    yield
    heartbeat._last.clear()
