"""The browser's JavaScript run by node in the tests: the scripts in ``tests/js/`` load the app's
own files and print what they found as JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

NODE = shutil.which("node")
JS = Path(__file__).resolve().parent / "js"
#: mark a test that runs node (skipped where node is not installed)
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


def run_json(script: str, *args: str, stdin=None):
    """``tests/js/<script>`` run by node with ``args`` (and ``stdin`` as JSON): what it printed, read as JSON."""
    out = subprocess.run([NODE, str(JS / script), *args], input=None if stdin is None else json.dumps(stdin),
                         capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout)
