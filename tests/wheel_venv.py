"""The wheel built from a copy of the tracked sources and installed (not editable) into a fresh venv
that borrows the running environment's dependencies (tests/test_wheel_install.py says how and why);
used by the wheel's tests of the app and of the launcher."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from conftest import REPO

SOURCES = ("setup.cfg", "pyproject.toml", "README.md", "trame_slicer_app")
BUILD_TIMEOUT_S = 180


def run(*command, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, **kwargs)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


def build_wheel(tmp: Path) -> Path:
    source = tmp / "source"
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(REPO / name, source / name)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"), str(source))
    (wheel,) = (tmp / "dist").glob("trame_slicer_app-*.whl")
    return wheel


def fresh_venv_with(wheel: Path, tmp: Path) -> Path:
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", str(venv))
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel))
    own = Path(run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    dependencies = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (own / "zz_test_dependencies.pth").write_text("".join(f"{path}\n" for path in dependencies))
    return python


def clean_environment() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)  # nothing of the checkout on the path: the wheel's copy or nothing
    return env
