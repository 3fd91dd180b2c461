"""What every command group shares: the one-line user error, JSON out, range checks, atomic
array writes, the thread count, and MNIST loaded and binarised as in training."""

from __future__ import annotations

import argparse
import json
import math
import os

import numpy as np
import torch

from ebm_core.io.atomic import write_atomic
from ebm_core.ranges import Range


class CliError(Exception):
    """A user mistake: printed as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would print the whole usage; one line is enough
        raise CliError(message)


def jsonable(x):
    """``x`` with numpy values as Python ones and NaN/inf as None (strict JSON has neither)."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return jsonable(x.tolist())
    if isinstance(x, np.generic):
        return jsonable(x.item())
    return x


def print_json(obj: dict) -> None:
    """One JSON object on one line of stdout, flushed (lines are read as they come)."""
    print(json.dumps(jsonable(obj), ensure_ascii=False), flush=True)


def check_flag(flag: str, r: Range, value):
    """``value`` when the engine's range ``r`` allows it, else a one-line CliError naming ``flag``
    (for the flags argparse cannot type: shared by several commands, or defaulted per model)."""
    if not r.ok(value):
        raise CliError(r.message(flag, value))
    return value


def save_npz_atomic(path: str, **arrays) -> None:
    """Write an .npz atomically (temporary file, then rename)."""
    write_atomic(path, lambda f: np.savez_compressed(f, **arrays), suffix=".npz")


def save_npy_atomic(path: str, array: np.ndarray) -> None:
    """Write an .npy atomically (temporary file, then rename)."""
    write_atomic(path, lambda f: np.save(f, array), suffix=".npy")


def save_array(path: str, array: np.ndarray) -> None:
    """``array`` to ``path`` as .npy, or as .npz under the name ``samples``."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in (".npy", ".npz"):
        raise CliError(f"--out must end in .npy or .npz, got {path!r}")
    try:
        if ext == ".npy":
            save_npy_atomic(path, array)
        else:
            save_npz_atomic(path, samples=array)
    except OSError as e:
        raise CliError(f"cannot write {path}: {e.strerror or e}") from None


def set_threads(args) -> None:
    """``--threads`` when given (capped at the cores); otherwise torch's own choice stands."""
    if getattr(args, "threads", None) is not None:
        if args.threads < 1:
            raise CliError(f"--threads must be at least 1, got {args.threads}")
        torch.set_num_threads(min(args.threads, os.cpu_count() or 1))


def idle_threads() -> int:
    """Torch threads for a long chain of small steps: the cores the last minute left idle (cores − the
    1-minute load average, rounded), at least 1.

    Every step of a Gibbs chain is a handful of parallel regions; a torch thread that waits for a core
    another process holds stalls each of them. Measured (``bench/bench_generate.py``, issue 15): with
    one core busy elsewhere, 300 RBM chains ran ~4× slower with 2 threads than with 1.
    """
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:  # no load average on this platform: assume the machine is shared
        return 1
    return max(1, min(cores, int(cores - load + 0.5)))


def generation_threads(args) -> dict:
    """Set the threads of ``generate``: ``--threads`` when given, else ``idle_threads()``; returns
    what was chosen and why (for the command's JSON)."""
    if getattr(args, "threads", None) is not None:
        set_threads(args)
        return {"threads": torch.get_num_threads(), "threads_from": "--threads"}
    torch.set_num_threads(idle_threads())
    return {"threads": torch.get_num_threads(), "threads_from": "idle cores (cores - 1-minute load average)"}


def load_binary(split: str, source: str, method: str, seed: int, limit: int | None = None):
    """(binary float32 tensor, MNIST record, resolved source) for a split, binarised as in training.

    With ``limit``, the record holds only the digits used (images and labels row for row).
    """
    from ebm_core.data import mnist  # only the MNIST commands pay for it
    try:
        d = mnist.load(split, source)
    except mnist.MNISTError as e:
        raise CliError(str(e)) from None
    resolved = "full" if d.source.startswith("full") else "shipped" if d.source.startswith("shipped") else source
    if limit is not None:  # the same fixed random subset as the page (the shipped file is sorted by class)
        idx = mnist.subset_indices(len(d.images), limit)
        d = mnist.MNIST(d.images[idx], d.labels[idx], d.source, d.split)
    # Stochastic binarisation: the test split gets its own seeded draw (seed + 1).
    v = mnist.binarize(d.images, method, seed=seed + (split == "test"))
    return v, d, resolved
