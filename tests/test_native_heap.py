"""The C heap tuning that keeps a long session's RSS flat (benchmarks/ shows the figures)."""

from __future__ import annotations

import platform

import pytest

from trame_slicer_app.native_heap import keep_heap_compact


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_glibc_takes_the_fixed_mmap_threshold_and_arena_cap():
    assert keep_heap_compact() is True
