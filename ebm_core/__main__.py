"""``python -m ebm_core ...``: see ebm_core.cli.main."""

import sys

from ebm_core.cli.main import main

sys.exit(main())
