"""README's "Using it" names the drawer's panels as the app builds them."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

from trame_slicer_app.web.features import feature_classes

README = Path(__file__).resolve().parents[1] / "README.md"


def panels_paragraph() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"^- \*\*Panels\*\*(.*?)(?=^- |\Z)", text, flags=re.S | re.M)
    assert found, "README has no Panels item"
    return found.group(1)


def test_the_readme_lists_the_drawer_panels_in_order_and_nothing_else():
    paragraph = panels_paragraph()
    in_drawer = [f.title for f in feature_classes() if hasattr(f, "build_panel")]
    # Toolbar items and overlays (the Data Probe) are no panels.
    not_in_drawer = {f.title for f in feature_classes() if not hasattr(f, "build_panel")} - set(in_drawer)
    positions = [paragraph.find(f"{title} (") for title in in_drawer]
    assert -1 not in positions, dict(zip(in_drawer, positions, strict=True))
    assert positions == sorted(positions), f"the drawer's order is {in_drawer}"
    for title in sorted(not_in_drawer):
        assert title not in paragraph, f"{title!r} is no panel of the drawer"


# -- what a newcomer copies from README: the wheel's install, Slicer's module path ---------------------
REPO = README.parent
MODULE_FILE = REPO / "slicer_module" / "TrameWebServer" / "TrameWebServer.py"


def test_the_readme_wheel_install_names_the_built_wheel_once_the_shell_has_read_it(tmp_path):
    # A quoted `*` reaches pip unexpanded ("not a valid wheel filename"): run README's command through bash
    # in a folder holding a wheel, with `pip install` swapped for printing what pip would be given.
    text = README.read_text(encoding="utf-8")
    found = re.search(r"`pip wheel --no-deps \.` then `(pip install [^`]*)`", text)
    assert found, "README has no wheel install command"
    wheel = "trame_slicer_app-0.1.0-py3-none-any.whl"
    (tmp_path / wheel).write_bytes(b"")
    command = found.group(1).replace("pip install", "printf '%s\\n'", 1)
    printed = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert printed.stdout.splitlines() == [f"{wheel}[standalone]"]


def test_the_readme_module_path_is_the_folder_slicer_registers_the_module_from():
    # Slicer registers the modules found directly in each "Additional module paths" folder, not below it
    # (qSlicerAbstractModuleFactoryManager::registerModules lists that folder's files only).
    text = README.read_text(encoding="utf-8")
    found = re.search(r"the scripted module: add `([^`]+)`", text)
    assert found, "README has no module path step"
    folder = REPO / found.group(1)
    assert folder.resolve() == MODULE_FILE.parent.resolve(), f"{folder} does not hold {MODULE_FILE.name} itself"
    classes = {node.name for node in ast.parse(MODULE_FILE.read_text(encoding="utf-8")).body
               if isinstance(node, ast.ClassDef)}
    assert MODULE_FILE.stem in classes  # Slicer's scripted module factory: the class named as its file


def test_the_module_tells_the_same_install_as_the_readme():
    readme_install = re.search(r"Python console, `(slicer\.util\.pip_install\('[^']+'\))`",
                               README.read_text(encoding="utf-8"))
    assert readme_install, "README has no install step for Slicer's Python"
    tree = ast.parse(MODULE_FILE.read_text(encoding="utf-8"))
    hint = next(ast.literal_eval(node.value) for node in tree.body
                if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "INSTALL_HINT")
    assert readme_install.group(1) in hint
