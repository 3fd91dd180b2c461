"""``python -m ebm_core data mnist [--download] [--dir D] [--url BASE] [--idx-dir D]``.

Prints one JSON object: what the shipped copy holds, whether the full MNIST is in the download
folder, and (with ``--download``) what was fetched; ``--idx-dir`` checks a folder of IDX files
the user points to. Offline or on a bad checksum it exits 2 with one line.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

from ebm_core.cli.common import CliError, jsonable
from ebm_core.data import mnist


def _summary(ds: mnist.MNIST) -> dict:
    return {"n": len(ds), "source": ds.source, "per_class": np.bincount(ds.labels, minlength=10).tolist()}


def _check_idx_dir(path: str) -> dict:
    """Each split the folder holds, read and validated; a folder with neither split is an error."""
    from pathlib import Path
    d = Path(path).expanduser()
    if not d.is_dir():
        raise mnist.MNISTError(f"--idx-dir {path}: no such folder")
    report = {}
    for split in ("train", "test"):
        missing = mnist.find_idx_files(d, split)[1]
        report[split] = {"missing": missing} if missing else _summary(mnist.load(split, str(d)))
    if all("missing" in r for r in report.values()):
        raise mnist.MNISTError(f"{d} holds no MNIST IDX files (looked for train-images-idx3-ubyte[.gz] "
                               "and t10k-images-idx3-ubyte[.gz] with their labels)")
    return report


def cmd_data(args) -> int:
    out: dict = {"dataset": "mnist"}
    try:
        if args.download:
            last = [0.0]

            def progress(name, done, total):  # to stderr, at most twice a second: stdout stays JSON
                now = time.monotonic()
                if now - last[0] >= 0.5 or (total is not None and done == total):
                    last[0] = now
                    print(f"{name}: {done}/{total if total is not None else '?'} bytes", file=sys.stderr)

            out["download"] = mnist.download(args.dir, base_url=args.url, timeout=args.timeout,
                                             progress=progress)
        out["shipped"] = {split: _summary(mnist.load(split, "shipped")) for split in ("train", "test")}
        out["full"] = mnist.full_status(args.dir)
        if args.idx_dir:
            out["idx_dir"] = _check_idx_dir(args.idx_dir)
    except mnist.MNISTError as e:
        raise CliError(str(e)) from None
    print(json.dumps(jsonable(out), ensure_ascii=False))
    return 0


def add_data_parser(subparsers) -> None:
    d = subparsers.add_parser("data", help="datasets: status, download, check IDX files (JSON)")
    dsub = d.add_subparsers(dest="dataset", parser_class=type(d))
    dsub.required = True
    m = dsub.add_parser("mnist", help="MNIST: shipped 5k/10k digits; the full 70k by download or IDX files")
    m.add_argument("--download", action="store_true", help="fetch the 4 standard files, MD5-verified")
    m.add_argument("--dir", default=None, help=f"download folder (default $EBM_MNIST_DIR or {mnist.default_dir()})")
    m.add_argument("--url", default=mnist.DEFAULT_URL, help="mirror base URL (default %(default)s)")
    m.add_argument("--timeout", type=float, default=30.0, help="seconds per connection (default 30)")
    m.add_argument("--idx-dir", default=None, help="check a folder holding the IDX files and report what it holds")
    m.set_defaults(func=cmd_data)
