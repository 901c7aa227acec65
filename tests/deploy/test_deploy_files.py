"""The shipped deployment files agree with the code (issue 18 §1): the CI machine cannot build
the image (no container daemon, no registry), so what can be checked without one is checked
here — every command they run exists, every variable they set is one the settings read, the
keys the settings require are the ones the key generator writes, the image carries what the
PDFs need, and the health check asks a URL that answers."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = (ROOT / "gatehouse/settings.py").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
UNITS = sorted((ROOT / "deploy/systemd").glob("*.service"))


def _commands() -> list[list[str]]:
    found = []
    for service in COMPOSE["services"].values():
        if "command" in service:
            found.append(service["command"])
    for unit in UNITS:
        for line in unit.read_text(encoding="utf-8").splitlines():
            if line.startswith(("ExecStart=", "ExecStartPre=")):
                command = shlex.split(line.split("=", 1)[1])
                if command[:2] == ["/bin/sh", "-c"]:
                    command = shlex.split(command[2].removeprefix("exec "))
                found.append(command)
    found.append(re.findall(r'"([^"]+)"', DOCKERFILE[DOCKERFILE.index('CMD ["granian"') :]))
    return found


def test_every_management_command_they_run_exists():
    known = get_commands()
    used = set()
    for command in _commands():
        if "manage.py" in command:
            used.add(command[command.index("manage.py") + 1])
    assert used, "no manage.py command found: the parser is wrong"
    assert used - set(known) == set()
    # the background roles of the demo are the roles of production
    assert {"device_worker", "export_worker", "migrate"} <= used


def test_the_web_server_is_the_wsgi_application_the_project_has():
    from django.conf import settings

    servers = [c for c in _commands() if Path(c[0]).name == "granian"]
    assert len(servers) >= 3  # compose, the unit, the image's default
    for command in servers:
        assert command[-1] == "gatehouse.wsgi:application"
        assert command[command.index("--interface") + 1] == "wsgi"
    assert settings.WSGI_APPLICATION == "gatehouse.wsgi.application"


def test_every_variable_they_set_is_read_by_the_settings():
    set_here = set()
    for service in COMPOSE["services"].values():
        set_here |= {k for k in (service.get("environment") or {}) if k.startswith("GATEHOUSE_")}
    set_here |= set(COMPOSE["x-app"]["environment"])
    set_here.discard("GATEHOUSE_HOST")  # compose's own: the host name the others are built from
    set_here.discard("GATEHOUSE_UPSTREAM")  # nginx's template
    assert "GATEHOUSE_TRUSTED_PROXIES" in set_here
    unread = {name for name in set_here if f'"{name}"' not in SETTINGS}
    assert unread == set()


def test_the_keys_the_settings_require_are_the_keys_the_generator_writes():
    required = set(re.findall(r'_require\("([A-Z_]+)"\)', SETTINGS))
    generator = (ROOT / "scripts/make-env.py").read_text(encoding="utf-8")
    written = set(re.findall(r'^\s+"([A-Z_]+)": lambda', generator, flags=re.MULTILINE))
    assert required and required <= written


def test_the_trusted_proxy_is_nginx():
    nginx = COMPOSE["services"]["nginx"]["networks"]["default"]["ipv4_address"]
    trusted = COMPOSE["x-app"]["environment"]["GATEHOUSE_TRUSTED_PROXIES"]
    subnet = COMPOSE["networks"]["default"]["ipam"]["config"][0]["subnet"]
    from ipaddress import ip_address, ip_network

    assert trusted == nginx
    assert ip_address(nginx) in ip_network(subnet)


def test_the_image_has_what_the_pdfs_and_backups_need():
    assert re.search(r"^FROM python:3\.13-slim", DOCKERFILE, flags=re.MULTILINE)
    for package in ("fonts-noto-cjk", "libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"):
        assert package in DOCKERFILE
    # pg_dump of the same major version as the compose database
    db = COMPOSE["services"]["db"]["image"]
    major = re.match(r"postgres:(\d+)", db)
    assert major and f"postgresql-client-{major.group(1)}" in DOCKERFILE
    assert "pip install -r requirements.txt" in DOCKERFILE
    assert "USER gatehouse" in DOCKERFILE


def test_the_devices_http_paths_are_the_ones_the_server_exempts_from_https():
    from django.conf import settings

    conf = (ROOT / "deploy/nginx/gatehouse.conf").read_text(encoding="utf-8")
    match = re.search(r"location ~ \^/api/v1/\(([^)]*)\)", conf)
    assert match
    nginx_paths = {"api/v1/" + alt for alt in match.group(1).split("|")}
    exempt = {pattern.removeprefix("^") for pattern in settings.SECURE_REDIRECT_EXEMPT}
    assert nginx_paths == exempt


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_each_unit_reads_the_environment_file_and_runs_as_gatehouse(unit):
    text = unit.read_text(encoding="utf-8")
    assert "EnvironmentFile=/etc/gatehouse/gatehouse.env" in text
    assert "User=gatehouse" in text
    assert "WorkingDirectory=/opt/gatehouse" in text


def test_the_target_starts_every_long_running_unit():
    target = (ROOT / "deploy/systemd/gatehouse.target").read_text(encoding="utf-8")
    long_running = {u.name for u in UNITS if "Type=oneshot" not in u.read_text(encoding="utf-8")}
    wants = set(re.search(r"^Wants=(.*)$", target, flags=re.MULTILINE).group(1).split())
    assert wants == long_running


def test_the_web_servers_workers_add_their_metrics_up_in_a_fresh_private_directory():
    # granian runs two workers: without the multiprocess directory a scrape sees one of them.
    web = COMPOSE["services"]["web"]
    directory = web["environment"]["PROMETHEUS_MULTIPROC_DIR"]
    assert any(mount.split(":", 1)[0] == directory for mount in web["tmpfs"])  # empty each start
    assert web["environment"]["DATABASE_URL"] == COMPOSE["x-app"]["environment"]["DATABASE_URL"]
    others = [s for name, s in COMPOSE["services"].items() if name != "web"]
    assert all("PROMETHEUS_MULTIPROC_DIR" not in (s.get("environment") or {}) for s in others)
    unit = (ROOT / "deploy/systemd/gatehouse-web.service").read_text(encoding="utf-8")
    runtime = re.search(r"^RuntimeDirectory=(\S+)$", unit, flags=re.MULTILINE)
    assert runtime
    assert f"Environment=PROMETHEUS_MULTIPROC_DIR=/run/{runtime.group(1)}" in unit
    for other in UNITS:
        if other.name != "gatehouse-web.service":
            assert "PROMETHEUS_MULTIPROC_DIR" not in other.read_text(encoding="utf-8")
