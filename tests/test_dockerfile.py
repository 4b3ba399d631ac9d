"""The Dockerfile cannot be built here (no Docker engine): it is kept in step with the sources instead.
tests/test_wheel_install.py does what its stages do (build the wheel, install it, run it elsewhere)."""

from __future__ import annotations

import re

from conftest import REPO

DOCKERFILE = (REPO / "Dockerfile").read_text(encoding="utf-8")


def test_what_the_dockerfile_copies_exists():
    for line in re.findall(r"^COPY (?!--from)(.+)$", DOCKERFILE, flags=re.M):
        *sources, _destination = line.split()
        for source in sources:
            assert (REPO / source).exists(), f"Dockerfile copies {source}, which is not in the repository"


def test_the_container_installs_the_wheel_not_the_sources():
    installs = re.findall(r"pip install [^\n&]*", DOCKERFILE)
    assert installs and all(" -e" not in line and "--editable" not in line for line in installs), installs
    assert any(".whl" in line for line in installs), installs
