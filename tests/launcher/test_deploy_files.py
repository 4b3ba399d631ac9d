"""deploy/ and the Dockerfile kept in step with the launcher: their options parse, the container runs
the launcher without opening it to all, nginx upgrades websockets, the Kubernetes objects carry what
the issue asks (limits, readiness, websocket-friendly affinity). No container engine runs here:
tests/launcher/test_launcher_from_the_wheel.py and test_nginx.py run what they describe."""

from __future__ import annotations

import json
import re

import pytest
from conftest import REPO

from trame_slicer_app.launcher.settings import parse_settings

DEPLOY = REPO / "deploy"


def _launcher_settings(args: list[str]):
    settings = parse_settings(args)
    assert settings.pool_size >= 1 and settings.max_sessions >= settings.pool_size
    return settings


def test_the_container_runs_the_launcher_and_does_not_serve_everyone_by_default():
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", dockerfile, re.M).group(1))
    command = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.M).group(1))
    assert entrypoint == ["trame-slicer-app-launcher"]
    settings = _launcher_settings(command)
    assert settings.host == "0.0.0.0" and not settings.public and settings.access_token is None  # token made at start
    assert "libegl1" in dockerfile and "USER slicer" in dockerfile


def test_compose_runs_nginx_before_the_launcher():
    compose = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    command = json.loads(re.search(r"command: (\[.*?\])", compose, re.S).group(1).replace("\n", " "))
    _launcher_settings(command)
    assert "./nginx/slicer.conf:/etc/nginx/conf.d/default.conf" in compose
    assert '"127.0.0.1:8080:80"' in compose  # published on loopback until TLS is put in front
    nginx = (DEPLOY / "nginx" / "slicer.conf").read_text(encoding="utf-8")
    for line in ("proxy_set_header Upgrade $http_upgrade;", "proxy_set_header Connection $connection_upgrade;",
                 "proxy_set_header Host $http_host;", "proxy_http_version 1.1;", "server launcher:8080;"):
        assert line in nginx


def test_the_kubernetes_objects_have_limits_readiness_and_affinity():
    yaml = pytest.importorskip("yaml")
    objects = {o["kind"]: o for o in yaml.safe_load_all((DEPLOY / "kubernetes" / "slicer.yaml").read_text())}
    assert set(objects) >= {"Deployment", "Service", "Ingress"}
    (container,) = objects["Deployment"]["spec"]["template"]["spec"]["containers"]
    settings = _launcher_settings(container["args"])
    assert container["resources"]["limits"]["memory"] and container["resources"]["requests"]["cpu"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    limit_gi = int(container["resources"]["limits"]["memory"].removesuffix("Gi"))
    assert settings.max_sessions * settings.session_memory_mb <= limit_gi * 1024  # the pod holds its sessions
    annotations = objects["Ingress"]["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 600
