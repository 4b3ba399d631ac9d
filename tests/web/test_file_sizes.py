"""File sizes shown in the data folder's dialog."""

from __future__ import annotations

import pytest

from trame_slicer_app.web.file_sizes import size_text


@pytest.mark.parametrize("size_bytes, text", [
    (0, "0 B"), (812, "812 B"), (4_200, "4.2 kB"), (14_156_010, "14.2 MB"), (352_000_000, "352 MB"),
    (2_500_000_000, "2.5 GB"), (-5, "0 B"),
])
def test_sizes_read_as_people_read_them(size_bytes, text):
    assert size_text(size_bytes) == text
