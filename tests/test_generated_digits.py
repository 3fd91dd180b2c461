"""Do the shipped models dream every digit? A small classifier trained on the shipped real digits reads
generated digits (issue 15): a model passes when, of 300 samples, at least 80 % are read with confidence
(top class probability ≥ 0.9), every class appears, and no class takes more than 25 %; a DBN with the label
clamped passes when ≥ 85 % of its digits are read as their label. Held-out real test digits are the
reference: the judge must itself be accurate and confident on them.

Generation is what ``python -m ebm_core generate`` does by default (RBM: 1,000 block-Gibbs steps from
noise, also the RBM page's default, read from the page so that lowering it fails here; DBM: 1,000
sweeps from the checkpoint's persistent chains; DBN: 200 top-level steps, label clamped).
The module takes ~30 s (generation and the judge's training): marked slow.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from ebm_core.data import mnist
from ebm_core.deep import dbm as dbm_mod
from ebm_core.deep.dbm import DBM
from ebm_core.deep.dbn import DBN
from ebm_core.io import checkpoint
from ebm_core.cli.rbm import DEFAULT_GIBBS_STEPS
from ebm_core.rbm.model import RBM
from ui.rbm.specs import SPECS as RBM_PAGE

pytestmark = pytest.mark.slow

MODELS = Path(__file__).resolve().parents[1] / "assets" / "models"
N = 300
CONFIDENT = 0.9  # top class probability for a sample to count as a readable digit
MIN_CONFIDENT, MAX_SHARE, MIN_LABEL_AGREEMENT = 0.80, 0.25, 0.85


def _train_judge(x: torch.Tensor, y: torch.Tensor, seed: int = 0):
    """A 784-256-10 MLP, Adam, 20 epochs of mini-batches of 100, on grey levels x/255: returns x -> p(class)."""
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-5)
    for _ in range(20):
        for idx in torch.randperm(x.shape[0], generator=g).split(100):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(x[idx]), y[idx]).backward()
            opt.step()
    net.eval()

    def judge(images: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return torch.softmax(net(torch.as_tensor(images, dtype=torch.float32)), 1)
    return judge


@pytest.fixture(scope="module")
def judge():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the machine is shared; reproducible sums
    try:
        tr, te = mnist.load("train", "shipped"), mnist.load("test", "shipped")
        j = _train_judge(mnist.to_float(tr.images), torch.tensor(tr.labels, dtype=torch.int64))
        p = j(mnist.to_float(te.images))
        ref = {"accuracy": float((p.argmax(1) == torch.tensor(te.labels)).float().mean()),
               "confident": float((p.max(1).values >= CONFIDENT).float().mean())}
        yield j, ref
    finally:
        torch.set_num_threads(threads)


def read(judge_fn, images) -> dict:
    """What the judge reads in ``images``: confident share, class counts, the largest class's share."""
    p = judge_fn(images)
    top, cls = p.max(1)
    counts = torch.bincount(cls, minlength=10)
    return {"confident": float((top >= CONFIDENT).float().mean()), "counts": counts.tolist(),
            "classes": int((counts > 0).sum()), "max_share": float(counts.max()) / images.shape[0], "classes_of": cls}


def _load(kind):
    return checkpoint.load(str(MODELS / f"{kind}_mnist.pt"), kind)


def test_the_judge_reads_real_digits(judge):
    _, ref = judge
    print("judge on real test digits:", ref)
    assert ref["accuracy"] > 0.90 and ref["confident"] > 0.80, ref  # measured: 0.933 and 0.866 (10,000 test digits)


def _assert_covers(r: dict):
    assert r["confident"] >= MIN_CONFIDENT, r
    assert r["classes"] == 10, r
    assert r["max_share"] <= MAX_SHARE, r


def test_shipped_rbm_dreams_every_digit(judge):
    # The CD-3 model shipped before issue 15 failed (87.3 % confident, read [5, 31, 21, 6, 8, 41, 132, 56, 0, 0]:
    # no 8 or 9, 44 % sixes). Measured 2026-12-05 on the PCD-1 model (η 0.05 → 0, 20 epochs), seed 0: 89.7 %
    # confident, read [7, 15, 41, 28, 36, 24, 17, 58, 23, 51], largest class 19.3 % (the 7s).
    # The RBM page's default steps (ui.rbm.specs): at 200 the same model read 80 % confident, 35 % eights.
    j, _ = judge
    steps = RBM_PAGE["gibbs"].default
    # (not fewer than `generate`'s: at 500 the judge still passed, barely — 85 % confident, 24 % nines)
    assert steps >= DEFAULT_GIBBS_STEPS
    rbm = RBM.from_state(_load("rbm")["state"])
    probs, _ = rbm.sample(N, steps, torch.Generator().manual_seed(0))
    r = read(j, probs)
    print("RBM:", {k: v for k, v in r.items() if k != "classes_of"})
    _assert_covers(r)


def test_shipped_dbm_dreams_every_digit(judge):
    j, _ = judge
    ck = _load("dbm")
    d = DBM.from_state(ck["state"])
    chains = dbm_mod.chains_from_state(d, ck["state"], N)
    probs, _, _ = d.sample(N, 1000, torch.Generator().manual_seed(0), chains=chains)
    r = read(j, probs)
    print("DBM:", {k: v for k, v in r.items() if k != "classes_of"})
    # measured 2026-12-05 on the shipped dbm_mnist.pt (retrained with --anneal-epochs 10, issue 15), seed 0: 95.0 %
    # confident, classes 0-9 read [27, 33, 40, 26, 16, 31, 26, 33, 25, 43], largest 14.3 % (before: 28.3 % sixes)
    _assert_covers(r)


def test_shipped_dbn_draws_the_clamped_label(judge):
    j, _ = judge
    d = DBN.from_state(_load("dbn")["state"])
    labels = torch.arange(10).repeat_interleave(N // 10)
    images, _, _ = d.generate(N, 200, torch.Generator().manual_seed(0), label=labels)
    r = read(j, images)
    agree = float((r["classes_of"] == labels).float().mean())
    print("DBN:", {"agreement": agree, "confident": r["confident"], "counts": r["counts"]})
    assert agree >= MIN_LABEL_AGREEMENT, agree  # measured 2026-12-05: 0.910
