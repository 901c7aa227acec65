"""Behind a reverse proxy the client's address comes from X-Forwarded-For, but only when the
request came from a trusted proxy (``GATEHOUSE_TRUSTED_PROXIES``), and only as far as the trusted
hops go: a client cannot choose the address its failed logins are counted against."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from django.test import RequestFactory

from gatehouse.throttle import address_of, client_address

PROXIES = [ip_network("10.0.0.0/24"), ip_network("::1/128")]


@pytest.mark.parametrize(
    "remote, forwarded, expected",
    [
        # no proxy in between: the header is the client's own words and is ignored
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # through the proxy: the address the proxy saw
        ("10.0.0.2", "198.51.100.7", "198.51.100.7"),
        # a forged left part is skipped: the proxy appended the real one at the right
        ("10.0.0.2", "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        # two trusted hops (a load balancer, then nginx)
        ("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.3", "198.51.100.7"),
        # IPv6 proxy, IPv6 client
        ("::1", "2001:db8::5", "2001:db8::5"),
        # the proxy sent no header: the proxy itself
        ("10.0.0.2", "", "10.0.0.2"),
        # garbage stops the walk at the last vouched-for address
        ("10.0.0.2", "198.51.100.7, not-an-ip", "10.0.0.2"),
        ("10.0.0.2", "not-an-ip, 198.51.100.7", "198.51.100.7"),
    ],
)
def test_the_client_address_behind_trusted_proxies(settings, remote, forwarded, expected):
    settings.GATEHOUSE_TRUSTED_PROXIES = PROXIES
    meta = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}
    assert address_of(meta) == expected


def test_no_trusted_proxy_means_remote_addr(settings):
    settings.GATEHOUSE_TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "10.0.0.2"


def test_a_misspelt_proxy_stops_the_start(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from gatehouse import settings as module

    monkeypatch.setenv("GATEHOUSE_TRUSTED_PROXIES", "10.0.0.0/24, 10.0.0.300")
    with pytest.raises(ImproperlyConfigured, match="GATEHOUSE_TRUSTED_PROXIES"):
        module._networks("GATEHOUSE_TRUSTED_PROXIES")
    monkeypatch.setenv("GATEHOUSE_TRUSTED_PROXIES", "10.0.0.0/24,::1")
    assert [str(n) for n in module._networks("GATEHOUSE_TRUSTED_PROXIES")] == [
        "10.0.0.0/24",
        "::1/128",
    ]
