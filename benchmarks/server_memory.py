"""Where the server's memory goes: the app serving the Conventional layout to Chromium at 1600x1000.

Starts the app (``python -m trame_slicer_app``, from this checkout or ``--repo``) on a volume (by default
the 512x512x432 CT the streaming benchmark makes), opens the page, waits until all four views have
painted their still frames and stay quiet, then reads the server's memory from ``/proc/PID``: VmRSS (the
streaming benchmark's figure, ``soak_measures.rss_mb``) once the server has given back its load-time
library pages (decision 0027; as it was before, too) and ``smaps`` summed by what each mapping is
(libraries by family, the C heap, anonymous mappings, GPU-driver and shared-memory mappings), and the
RSS and anonymous memory of the spare sandboxed reader the server keeps. Measured twice: with the page
showing the views, and after it closed (where the streaming benchmark reads it).
With ``--empty``, no data is opened.

Usage: .venv/bin/python benchmarks/server_memory.py [--data FILE | --empty] [--repo DIR] [--runs N]
       [--out result.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))
import browser_measures as bm  # noqa: E402
from conftest import free_port, spare_reader_pid  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from soak_measures import rss_mb, settled_rss_mb  # noqa: E402

from trame_slicer_app.layouts import ALL_VIEWS  # noqa: E402

PAGE_SIZE = (1600, 1000)
LARGE_CT = REPO / "benchmarks" / "results" / "ct_512x512x432.nrrd"  # made by made_volumes.py
START_TIMEOUT_S = 180
# Mapping names, first match wins: the families the addendum of decision 0015 counts.
FAMILIES = [
    ("itk", re.compile(r"libITK|libitk")),
    ("slicer", re.compile(r"/slicer_core/|libMRML|libvtkSlicer|libqSlicer|libvtkAddon|libvtkTeem|libteem")),
    ("vtk", re.compile(r"libvtk|/vtkmodules/")),
    ("llvm", re.compile(r"libLLVM")),
    ("mesa", re.compile(r"libgallium|swrast|dri\.so|libGL|libEGL|libglapi|libgbm|mesa")),
    ("python", re.compile(r"python3|\.cpython-|libpython")),
    ("other_libraries", re.compile(r"\.so")),
    ("heap", re.compile(r"^\[heap\]$")),
    ("memfd", re.compile(r"^/memfd:")),
    ("dev", re.compile(r"^/dev/")),
    ("stack", re.compile(r"^\[stack")),
    ("anonymous", re.compile(r"^$")),
]


def smaps_by_family(pid: int) -> dict[str, float]:
    """RSS (MiB) of each family of mappings, plus the anonymous total over all of them."""
    rss = defaultdict(int)
    anonymous = 0
    family = "other"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            name = fields[5] if len(fields) > 5 else ""
            family = next((f for f, pattern in FAMILIES if pattern.search(name)), "other")
        elif fields[0] == "Rss:":
            rss[family] += int(fields[1])
        elif fields[0] == "Anonymous:":
            anonymous += int(fields[1])
    figures = {family: round(kib / 1024, 1) for family, kib in sorted(rss.items(), key=lambda kv: -kv[1])}
    figures["anonymous_total"] = round(anonymous / 1024, 1)
    return figures


def big_anonymous_mappings(pid: int, at_least_kib: int = 4096) -> list[tuple[str, float]]:
    """Anonymous mappings of at least ``at_least_kib`` resident: (address range, MiB), biggest first."""
    found = []
    current = None
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            name = fields[5] if len(fields) > 5 else ""
            current = (name or fields[0]) if name in ("", "[heap]") else None
        elif fields[0] == "Rss:" and current is not None and int(fields[1]) >= at_least_kib:
            found.append((current, round(int(fields[1]) / 1024, 1)))
    return sorted(found, key=lambda item: -item[1])


def spare_reader_memory(server_pid: int) -> dict | None:
    """The spare sandboxed reader's RSS and anonymous memory (MiB): a second process the server keeps."""
    pid = spare_reader_pid(server_pid)
    if pid is None:
        return None
    settled, _, did_settle = settled_rss_mb(pid)
    return {"rss_mb": round(settled, 1), "anonymous_mb": smaps_by_family(pid)["anonymous_total"], "settled": did_settle}


def start_app(repo: Path, data: list[str], log_path: Path) -> subprocess.Popen:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(repo))
    log = open(log_path, "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "trame_slicer_app", "--server", "--host", "127.0.0.1", "--port", str(port), *data],
        stdout=log, stderr=subprocess.STDOUT, cwd=repo, env=env)
    deadline = time.monotonic() + START_TIMEOUT_S
    while "App running at" not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"app did not start:\n{log_path.read_text()}")
        time.sleep(0.2)
    process.url = f"http://127.0.0.1:{port}/"
    return process


def measure_once(browser, repo: Path, data: list[str], settle_s: float) -> dict:
    log_path = Path("/tmp") / f"server-memory-{os.getpid()}.log"
    app = start_app(repo, data, log_path)
    try:
        page = bm.open_app_page(browser, app.url, PAGE_SIZE)
        bm.wait_all_painted(page, ALL_VIEWS)
        bm.wait_quiet(page, ALL_VIEWS, still=True, timeout_s=60)
        time.sleep(settle_s)  # what the server does once idle has had its turn
        settled, at_still, did_settle = settled_rss_mb(app.pid)  # load-time library pages given back (0027)
        shown = {"rss_mb": round(settled, 1), "rss_at_still_mb": round(at_still, 1), "settled": did_settle,
                 "smaps": smaps_by_family(app.pid), "big_anonymous": big_anonymous_mappings(app.pid),
                 "spare_reader": spare_reader_memory(app.pid)}
        page.close()
        time.sleep(settle_s)
        closed = {"rss_mb": round(rss_mb(app.pid), 1), "smaps": smaps_by_family(app.pid)}
        return {"shown": shown, "page_closed": closed}
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(LARGE_CT))
    parser.add_argument("--empty", action="store_true", help="open no data")
    parser.add_argument("--repo", default=str(REPO), help="the checkout whose app is measured")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--settle-s", type=float, default=3.0, help="idle time before each reading")
    parser.add_argument("--out")
    args = parser.parse_args()
    data = [] if args.empty else ["--data", args.data]
    runs = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"])
        for _ in range(args.runs):
            runs.append(measure_once(browser, Path(args.repo), data, args.settle_s))
            print(json.dumps(runs[-1]), flush=True)
        browser.close()
    report = {"repo": args.repo, "data": data, "runs": runs,
              "rss_shown_mb_median": statistics.median(r["shown"]["rss_mb"] for r in runs),
              "rss_page_closed_mb_median": statistics.median(r["page_closed"]["rss_mb"] for r in runs)}
    print(json.dumps({k: report[k] for k in ("rss_shown_mb_median", "rss_page_closed_mb_median")}))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
