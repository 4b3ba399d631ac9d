"""Load-time library pages given back (trame_slicer_app/load_time_pages.py, docs/decisions/0027): which
pages qualify, when the app does it, and a real engine that renders the same pixels afterwards."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REPO

from trame_slicer_app.load_time_pages import PageGiveBackPolicy, load_time_mappings, load_time_runs

SMAPS = """\
7f0000000000-7f0000004000 r--p 00000000 fe:00 11 /venv/vtkmodules/libvtkCommonCore-9.4.so.1
Rss:                  16 kB
Anonymous:             0 kB
Swap:                  0 kB
VmFlags: rd mr mw me
7f0000004000-7f0000008000 r-xp 00004000 fe:00 11 /venv/vtkmodules/libvtkCommonCore-9.4.so.1
Rss:                  16 kB
Anonymous:             0 kB
Swap:                  0 kB
VmFlags: rd ex mr mw me
7f0000008000-7f000000a000 r--p 00008000 fe:00 11 /venv/vtkmodules/libvtkCommonCore-9.4.so.1
Rss:                   8 kB
Anonymous:             4 kB
Swap:                  0 kB
VmFlags: rd mr mw me ac
7f000000a000-7f000000c000 r--p 0000a000 fe:00 12 /venv/vtkmodules/vtkCommonCore.cpython-311-x86_64-linux-gnu.so
Rss:                   8 kB
Anonymous:             0 kB
Swap:                  4 kB
VmFlags: rd mr mw me
7f000000c000-7f000000e000 r--p 00000000 fe:00 13 /venv/slicer_core/libMRMLCore.so
Rss:                   4 kB
Anonymous:             0 kB
Swap:                  0 kB
VmFlags: rd mr mw me
7f000000e000-7f0000010000 r--p 00000000 fe:00 14 /data/ct.nrrd
Rss:                   8 kB
Anonymous:             0 kB
Swap:                  0 kB
VmFlags: rd mr mw me
7f0000010000-7f0000012000 r--s 00000000 00:01 15 /memfd:voxels (deleted)
Rss:                   8 kB
Anonymous:             0 kB
Swap:                  0 kB
VmFlags: rd sh mr mw me
7f0000012000-7f0000014000 rw-p 00000000 00:00 0
Rss:                   8 kB
Anonymous:             8 kB
Swap:                  0 kB
VmFlags: rd wr mr mw me ac
"""


def test_measuring_counts_only_read_only_library_mappings_with_nothing_written():
    found = load_time_mappings(SMAPS)
    # Not the code, not a relocated (written) table, not one with a page swapped out, not a data file.
    assert [(m.start, m.resident_kib) for m in found] == [(0x7F0000000000, 16), (0x7F000000C000, 4)]


def _mappings(maps_text: str) -> list[tuple[int, int, str, str]]:
    found = []
    for line in maps_text.splitlines():
        fields = line.split(maxsplit=5)
        start, end = (int(address, 16) for address in fields[0].split("-"))
        found.append((start, end, fields[1], fields[5].strip() if len(fields) == 6 else ""))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the loader's list and /proc are Linux's")
def test_every_page_given_back_lies_in_a_read_only_private_mapping_of_its_own_library_code_only_if_asked():
    import vtkmodules.vtkRenderingCore  # noqa: F401 (large C++ libraries, loaded)

    mappings = _mappings(Path("/proc/self/maps").read_text())
    for code, allowed in ((False, {"r--p"}), (True, {"r--p", "r-xp"})):
        runs = load_time_runs(code=code)
        assert any("libvtkCommonCore" in library for library, _start, _end in runs)
        for library, start, end in runs:
            holding = [m for m in mappings if m[0] <= start and end <= m[1]]
            assert len(holding) == 1, (library, hex(start), hex(end))
            _, _, permissions, path = holding[0]
            assert permissions in allowed, (library, permissions)  # never data the process writes
            assert Path(path).resolve() == Path(library).resolve()


def test_the_policy_waits_for_quiet_and_for_new_pages():
    policy = PageGiveBackPolicy(regrowth_mib=8, quiet_s=5)
    assert policy.due(now=100.0, resident_file=240.0)  # the first time: as soon as it is quiet
    assert not policy.code_given_back
    policy.given_back(100.0, resident_file=140.0)
    assert policy.code_given_back  # the code loading ran goes once; later, the code interactions run stays
    assert not policy.due(now=110.0, resident_file=144.0)  # a render drew a few pages back: left alone
    assert policy.due(now=120.0, resident_file=150.0)  # a reader or module loaded since
    policy.on_activity(now=118.0)
    assert not policy.due(now=120.0, resident_file=150.0)  # a drag is going on
    assert policy.due(now=123.5, resident_file=150.0)
    policy.given_back(None, resident_file=150.0)  # the system cannot: never asked again
    assert not policy.due(now=200.0, resident_file=400.0)


def test_growth_counts_from_the_lowest_point_since_the_last_give_back():
    policy = PageGiveBackPolicy(regrowth_mib=8, quiet_s=5)
    policy.given_back(100.0, resident_file=300.0)  # a memory-mapped data file was resident then
    assert not policy.due(now=10.0, resident_file=140.0)  # the data file's pages went
    assert policy.due(now=20.0, resident_file=150.0)  # libraries loaded since: 10 MiB above the low


ENGINE_SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    from pathlib import Path
    from trame_slicer_app.engine.io.volumes import load_volume, show_volume
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine
    from trame_slicer_app.load_time_pages import give_back_load_time_pages, load_time_resident_mib

    engine = SlicerEngine()
    show_volume(engine, load_volume(engine, Path(sys.argv[1])))
    def frames():
        shots = []
        for name in ("Red", "Yellow", "Green", "1"):
            view = engine.view(name)
            view.resize(300, 240)
            for still in (False, True):
                view.set_still(still)
                shots.append(view.capture().copy())
        return shots
    before = frames()
    resident_before = load_time_resident_mib()
    given = give_back_load_time_pages(code=True)
    resident_after = load_time_resident_mib()
    after = frames()
    print(json.dumps({"before": resident_before, "after": resident_after, "given": given,
                      "same": all(np.array_equal(a, b) for a, b in zip(before, after))}))
    engine.close()
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and madvise are Linux's")
def test_an_engine_gives_back_its_load_time_pages_and_renders_the_same_pixels(a_ct_path):
    done = subprocess.run([sys.executable, "-c", ENGINE_SCRIPT, str(a_ct_path)], cwd=REPO, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["before"] > 40  # VTK's, MRML's and ITK's relocation and symbol tables, read while loading
    assert figures["after"] < 5  # pages a segment shares with its neighbour stay
    assert figures["given"] > 40
    assert figures["same"]
