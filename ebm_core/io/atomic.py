"""Atomic file writes: a temporary file in the target's folder, then a rename.

A crash or Ctrl-C never leaves half a checkpoint or half an array where a good one was.
"""

from __future__ import annotations

import os
import tempfile
from typing import Callable, BinaryIO


def write_atomic(path: str, write: Callable[[BinaryIO], None], suffix: str = ".tmp") -> None:
    """Call ``write(f)`` on a temporary file beside ``path``, then rename it to ``path``."""
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=suffix, dir=d)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        # mkstemp makes 0600 files; give the result the usual permissions (0666 minus umask).
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
