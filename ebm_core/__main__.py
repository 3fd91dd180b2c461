"""``python -m ebm_core ...``: see ebm_core.cli."""

import sys

from .cli import main

sys.exit(main())
