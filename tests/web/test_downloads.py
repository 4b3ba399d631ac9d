"""Names of the files the browser downloads, built from node names a user typed."""

from __future__ import annotations

import pytest

from trame_slicer_app.web.downloads import download_name


@pytest.mark.parametrize("title, expected", [
    ("Head CT <b>bold</b> é", "Head CT _b_bold_b_ é.nrrd"),
    ("Cerveau é\u0301ẞ 頭部 Ölçüm", "Cerveau é_ẞ 頭部 Ölçüm.nrrd"),
    ("Tête", "Tête.nrrd"),
    ("Te\u0302te", "Tête.nrrd"),  # typed with a combining accent
    ("../../etc/passwd", "etc_passwd.nrrd"),
    ('a<b>c:d"e/f\\g|h?i*j\x00k\nl', "a_b_c_d_e_f_g_h_i_j_k_l.nrrd"),
    ("  ...  ", "slicer.nrrd"),
])
def test_download_names_keep_letters_of_any_script_and_nothing_unsafe(title, expected):
    assert download_name(title, ".nrrd") == expected
