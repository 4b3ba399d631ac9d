"""The server holds only the libraries it uses: pydicom (tens of MB of dictionaries, issue 11's memory
figure) is loaded when DICOM is read or written, not by a server that opened a NRRD CT."""

import subprocess
import sys

SERVER_ON_A_CT = """
import sys
import trame_slicer_app.app  # noqa: F401  (the web app's imports too)
from trame_slicer_app.scene_session import SceneSession
session = SceneSession()
session.open_volumes([sys.argv[1]])
session.close()
print("pydicom" in sys.modules)
"""


def test_a_server_that_opened_a_nrrd_ct_has_not_loaded_pydicom(a_ct_path):
    answer = subprocess.run([sys.executable, "-c", SERVER_ON_A_CT, str(a_ct_path)], capture_output=True, text=True,
                            timeout=120)
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.strip().splitlines()[-1] == "False"
