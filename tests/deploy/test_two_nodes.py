"""Two web nodes behind the shipped nginx sample, over TLS (issue 18 §5).

The nginx configuration the product ships (deploy/nginx/) is rendered with a throwaway
certificate and two granian nodes as its upstream, both on the test database. A manager logs in
once through nginx and keeps being served, alternately by each node: the nodes keep nothing of
their own (sessions live in the database). nginx's access log names the node that answered
each request, and both must appear. The same run checks what the sample promises: people are
sent to HTTPS, the gate devices' API stays on plain HTTP, and the client's address reaches the
server through X-Forwarded-For from a trusted proxy only.

Skipped where nginx or openssl is missing (``.ci/run`` installs both)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
import urllib3

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
HOST = "gate.test"
PASSWORD = "two-nodes-1234"

pytestmark = [
    pytest.mark.real_clock,
    pytest.mark.skipif(not NGINX or not shutil.which("openssl"), reason="nginx/openssl missing"),
]


# Pauses are an Event's wait, never time.sleep nor a subprocess wait with a timeout (which
# sleeps): under CI's shifted clock (libfaketime preloaded) time.sleep fails with EINVAL.
_PAUSE = threading.Event()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _wait_for(port: int, process: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            _PAUSE.wait(0.2)
    raise AssertionError(f"{what} did not listen on {port} within {timeout} s")


def _render_nginx(tmp: Path, http: int, https: int, nodes: list[int]) -> Path:
    """The shipped sample with the test's ports, certificate and upstreams: the listen ports, the
    upstream line and the include path are the only things replaced."""
    site = (ROOT / "deploy/nginx/gatehouse.conf").read_text(encoding="utf-8")
    site = site.replace("${GATEHOUSE_HOST}", HOST)
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in nodes)
    site = site.replace("    server ${GATEHOUSE_UPSTREAM};\n", servers)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http};")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;")
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    site = site.replace("/etc/nginx/certs/", f"{tmp}/certs/")
    site = site.replace("/etc/nginx/gatehouse_proxy.conf", f"{tmp}/gatehouse_proxy.conf")
    live = [line for line in site.splitlines() if not line.lstrip().startswith("#")]
    assert not any("${" in line for line in live), "a placeholder of the sample was not filled"
    shutil.copy(ROOT / "deploy/nginx/gatehouse_proxy.conf", tmp / "gatehouse_proxy.conf")
    (tmp / "site.conf").write_text(site, encoding="utf-8")
    main = f"""
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
worker_processes 1;
events {{ worker_connections 64; }}
http {{
    log_format node '$status $upstream_addr $request_uri';
    access_log {tmp}/access.log node;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""
    if os.geteuid() == 0:
        main = "user root;\n" + main
    (tmp / "nginx.conf").write_text(main, encoding="utf-8")
    return tmp / "nginx.conf"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    deadline = time.monotonic() + 10
    while process.poll() is None and time.monotonic() < deadline:
        _PAUSE.wait(0.1)
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.fixture
def two_nodes(file_database, tmp_path, manager_a):
    from django.contrib.auth.hashers import make_password

    # A hash both nodes can check (the suite's fast hasher exists only in this process).
    manager_a.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    manager_a.save(update_fields=["password"])

    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(tmp_path / "certs/privkey.pem"),
            "-out", str(tmp_path / "certs/fullchain.pem"),
            "-subj", f"/CN={HOST}",
        ],
        check=True,
        capture_output=True,
        cwd=(tmp_path / "certs").mkdir() or tmp_path,
    )  # fmt: skip
    http, https = _free_port(), _free_port()
    nodes = [_free_port(), _free_port()]
    env = os.environ | {
        "DATABASE_URL": _database_url(),
        "GATEHOUSE_ALLOWED_HOSTS": HOST,
        "GATEHOUSE_CSRF_ORIGINS": f"https://{HOST}:{https}",
        "GATEHOUSE_SECURE_COOKIES": "1",
        "GATEHOUSE_TRUSTED_PROXIES": "127.0.0.1",
    }
    # The nodes and nginx are servers of their own, on the machine's clock: under CI's shifted
    # clock libfaketime is not preloaded into them (the test is ``real_clock`` anyway).
    env.pop("LD_PRELOAD", None)
    if "postgres" in env["DATABASE_URL"]:
        env["GATEHOUSE_PG_POOL"] = "1,4"  # each node pools its connections (README "PostgreSQL")
    processes = []
    try:
        for port in nodes:
            processes.append(
                subprocess.Popen(
                    [
                        str(Path(sys.executable).with_name("granian")),
                        "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
                        "--workers", "1", "--log-level", "warning",
                        "gatehouse.wsgi:application",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=open(tmp_path / f"node-{port}.log", "wb"),  # noqa: SIM115
                )
            )  # fmt: skip
        conf = _render_nginx(tmp_path, http, https, nodes)
        check = subprocess.run(
            [NGINX, "-t", "-c", str(conf), "-p", str(tmp_path)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stderr
        proxy = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(proxy)
        for port, process in zip(nodes, processes, strict=False):
            _wait_for(port, process, f"node {port}")
        _wait_for(https, proxy, "nginx")
        yield {"http": http, "https": https, "nodes": nodes, "tmp": tmp_path}
    finally:
        for process in processes:
            _stop(process)


def _session(https: int) -> requests.Session:
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    session = requests.Session()
    session.trust_env = False  # no proxy or CA bundle from the environment
    session.verify = False  # the throwaway certificate
    session.headers["Host"] = HOST
    return session


def test_two_nodes_behind_nginx_share_the_login(two_nodes):
    https = two_nodes["https"]
    base = f"https://127.0.0.1:{https}"
    session = _session(https)
    login = session.get(f"{base}/accounts/login/", timeout=30)
    assert login.status_code == 200
    token = session.cookies["csrftoken"]
    answer = session.post(
        f"{base}/accounts/login/",
        data={"username": "manager_a", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"https://{HOST}:{https}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:500]
    assert "secure" in answer.headers["Set-Cookie"].lower()  # told it is behind HTTPS

    for _ in range(6):  # round robin: three requests on each node
        page = session.get(f"{base}/registers/events/", allow_redirects=False, timeout=30)
        assert page.status_code == 200, page.status_code
        assert "manager_a" in page.text or "退出" in page.text

    log = (two_nodes["tmp"] / "access.log").read_text(encoding="utf-8")
    served = {line.split()[1] for line in log.splitlines() if "/registers/events/" in line}
    assert served == {f"127.0.0.1:{port}" for port in two_nodes["nodes"]}


def test_people_are_sent_to_https_and_devices_stay_on_http(two_nodes):
    http = f"http://127.0.0.1:{two_nodes['http']}"
    session = _session(two_nodes["https"])
    console = session.get(f"{http}/registers/events/", allow_redirects=False, timeout=30)
    assert console.status_code == 301
    assert console.headers["Location"] == f"https://{HOST}/registers/events/"
    # A gate device without a key: refused by Gatehouse itself (401), not redirected by nginx.
    device = session.post(f"{http}/api/v1/gate/decisions", json={}, timeout=30)
    assert device.status_code == 401, device.status_code
    assert device.json()["code"] == "unauthenticated"


class _FromAddress(requests.adapters.HTTPAdapter):
    """Connect from another loopback address (Linux answers on all of 127.0.0.0/8): a client
    that is not the trusted proxy (127.0.0.1), as a browser on the site's network would be."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def test_failed_logins_count_against_the_client_not_the_proxy(two_nodes):
    """Through nginx a failed login is recorded against the client's address, taken from
    X-Forwarded-For because the request came from the trusted proxy, and only as far as trust
    goes: the address the client forged at the left of the header is not the one recorded."""
    from axes.models import AccessAttempt

    https = two_nodes["https"]
    session = _session(https)
    session.mount("https://", _FromAddress("127.0.0.5"))
    base = f"https://127.0.0.1:{https}"
    session.get(f"{base}/accounts/login/", timeout=30)
    session.post(
        f"{base}/accounts/login/",
        data={
            "username": "manager_a",
            "password": "wrong",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={
            "Referer": f"https://{HOST}:{https}/accounts/login/",
            "X-Forwarded-For": "203.0.113.66",
        },
        timeout=30,
    )
    attempts = list(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert attempts == ["127.0.0.5"]
