"""What machine a benchmark ran on, shared by every bench script."""

import json
import platform
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (falls back to the platform's name)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def emit(result: dict, out=None, **dumps_kw) -> None:
    """Print the bench's one JSON object and, with ``out``, write it there too."""
    text = json.dumps(result, indent=dumps_kw.pop("indent", 1), **dumps_kw)
    print(text)
    if out:
        Path(out).write_text(text + "\n")
