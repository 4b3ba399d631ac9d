"""``python -m trame_slicer_app.launcher``."""

import sys

from .server import main

sys.exit(main())
