r"""Contrastive divergence (CD-k) and persistent CD (PCD) for ``ebm_core.rbm.model.RBM``.

**Gradient estimate — the lecture's Algorithm 1 (k-step contrastive divergence).** For each
training vector v⁽⁰⁾ of a mini-batch S, run k block-Gibbs steps
v⁽⁰⁾ → h⁽⁰⁾ ~ p(h|v⁽⁰⁾) → v⁽¹⁾ ~ p(v|h⁽⁰⁾) → … → v⁽ᵏ⁾ and accumulate

    ΔW_ij += p(H_j=1|v⁽⁰⁾) v_i⁽⁰⁾ − p(H_j=1|v⁽ᵏ⁾) v_i⁽ᵏ⁾
    Δb_i  += v_i⁽⁰⁾ − v_i⁽ᵏ⁾
    Δc_j  += p(H_j=1|v⁽⁰⁾) − p(H_j=1|v⁽ᵏ⁾)

(positive phase = data expectation, negative phase = the chain's stand-in for the model
expectation). h⁽ᵗ⁾ and v⁽ᵗ⁾ are binary draws; the statistics use the probabilities p(H=1|·), as
in the Algorithm. We divide the sums by |S| (a batch mean), so η does not depend on the batch
size. **PCD** (Tieleman 2008) is the same update except that the negative chains do not restart
at the data: ``n_chains`` fantasy particles ``self.chains`` carry over from one update to the
next, each update advancing them by k steps.

**Update rule — the lecture's slide** θ⁽ᵗ⁺¹⁾ = θ⁽ᵗ⁾ + η ∂/∂θ ln L − λθ⁽ᵗ⁾ + νΔθ⁽ᵗ⁻¹⁾: with ĝ the CD
estimate of the gradient,

    Δθ⁽ᵗ⁾ = η ĝ⁽ᵗ⁾ − λ θ⁽ᵗ⁾ + ν Δθ⁽ᵗ⁻¹⁾,      θ⁽ᵗ⁺¹⁾ = θ⁽ᵗ⁾ + Δθ⁽ᵗ⁾,

i.e. Δθ⁽ᵗ⁾ is the whole step taken at update t (as in Fischer & Igel, "Training restricted
Boltzmann machines: an introduction", 2014, whose formula the slide reproduces), so ν carries the
previous step forward (heavy-ball momentum). λ multiplies θ directly (not η λ θ). Weight decay is
applied to W only: the biases are not shrunk towards 0, as Hinton's practical guide (§10)
recommends — decaying b would pull the never-inked border pixels away from their base rate.

Everything random comes from generators seeded by ``CDConfig.seed``: the same seed and data give
the same parameters bit for bit (on the same machine and thread count). Monitoring (pseudo-LL)
uses its own generator, so looking at a run never changes it.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F

from ebm_core.ranges import SEED, Range, ranged
from ebm_core.ranges import validate as check_ranges
from ebm_core.rbm.model import RBM

BINARIZATIONS = ("threshold", "stochastic", "none")
#: Digits a run may train on (``--train-size``, the page's "digits").
TRAIN_SIZE = Range(2, 10_000_000, integer=True)


@dataclass
class CDConfig:
    """Settings of a CD-k / PCD run.

    The defaults are the recipe of the model shipped before issue 15: CD-3, η = 0.05, ν = 0.5,
    λ = 3e-4, batch 20, 5 epochs over the 5,000 shipped digits (about 20 s on one core). On this
    data, CD-1 or λ = 1e-4 gave models whose long Gibbs chains drift into spurious blob-like modes;
    PCD at these short budgets with a constant η collapsed onto one or two digit classes. That
    CD-3 model's chains from noise drew no 8 or 9 and 44 % sixes; the shipped model
    (assets/models/rbm_mnist.pt, issue 15) is PCD-1 with 100 chains, η falling linearly from 0.05
    to 0 (``lr_final``), 20 epochs, the rest as here: its chains from noise draw every digit.
    """

    n_hidden: int = ranged(500, 1, 10_000)
    k: int = ranged(3, 1, 1000)
    persistent: bool = False
    lr: float = ranged(0.05, 1e-6, 10.0)            # η
    momentum: float = ranged(0.5, 0.0, 0.99)        # ν
    weight_decay: float = ranged(3e-4, 0.0, 0.1)    # λ (W only)
    batch_size: int = ranged(20, 1, 100_000)
    epochs: int = ranged(5, 1, 10_000)
    seed: int = ranged(0, SEED.lo, SEED.hi)
    #: How the training data were binarised (recorded with every number; the trainer uses the
    #: data as given — see ``ebm_core.data.mnist.binarize``). "none": grey levels in [0, 1].
    binarization: str = "threshold"
    #: PCD fantasy particles; None means one per example of a batch.
    n_chains: int | None = ranged(None, 1, 100_000, integer=True, optional=True)
    init_std: float = ranged(0.01, 0.0, 1.0)
    #: η at the last update: η falls linearly from ``lr`` to ``lr_final`` over the run (None: constant η).
    #: With PCD a decaying η lets the persistent chains catch up with the model (Tieleman 2008).
    #: The weight decay λ is scaled by the same factor η_t / η.
    lr_final: float | None = ranged(None, 0.0, 10.0, optional=True)

    def validate(self) -> "CDConfig":
        """``self`` when every number lies in its declared range (``ranged``; the CLI's argparse and
        the page's controls derive from the same declarations), else ValueError."""
        check_ranges(self)
        if self.binarization not in BINARIZATIONS:
            raise ValueError(f"binarization must be one of {', '.join(BINARIZATIONS)}, got {self.binarization!r}")
        return self

    @property
    def chains(self) -> int:
        return int(self.n_chains) if self.n_chains is not None else int(self.batch_size)

    def to_dict(self) -> dict:
        return asdict(self)


def _check_data(x, n_visible: int, what: str) -> torch.Tensor:
    t = torch.as_tensor(x)
    if t.ndim != 2 or t.shape[1] != n_visible or t.shape[0] < 1:
        raise ValueError(f"{what} must have shape (N, {n_visible}) with N >= 1, got {tuple(t.shape)}")
    t = t.to(torch.float32).contiguous()
    if not torch.isfinite(t).all() or t.min() < 0 or t.max() > 1:
        raise ValueError(f"{what} must lie in [0, 1]")
    return t


def negative_phase(rbm: RBM, v0: torch.Tensor, k: int, generator: torch.Generator, ph0: torch.Tensor | None = None):
    """Lines 4–6 of Algorithm 1: k block-Gibbs steps from v0 (data for CD, the chains for PCD).

    h⁽ᵗ⁾ ~ p(h|v⁽ᵗ⁾), v⁽ᵗ⁺¹⁾ ~ p(v|h⁽ᵗ⁾) for t = 0..k−1 (``ph0`` = p(h|v0) when already known).
    Returns (p(v|h⁽⁰⁾), v⁽ᵏ⁾, c + v⁽ᵏ⁾ᵀW): the one-step reconstruction probabilities, the binary
    negative samples and their hidden inputs (p(H=1|v⁽ᵏ⁾) = σ of the latter).
    """
    W, b, c = rbm.W, rbm.b, rbm.c
    v = v0
    p = ph0 if ph0 is not None else torch.sigmoid(torch.addmm(c, v, W))
    pv1 = None
    for t in range(int(k)):
        if t > 0:
            p = torch.sigmoid(torch.addmm(c, v, W))
        h = (torch.rand(p.shape, generator=generator, dtype=p.dtype) < p).to(p.dtype)
        pv = torch.sigmoid(torch.addmm(b, h, W.T))
        if t == 0:
            pv1 = pv
        v = (torch.rand(pv.shape, generator=generator, dtype=pv.dtype) < pv).to(pv.dtype)
    return pv1, v, torch.addmm(c, v, W)


class CDTrainer:
    """Trains an RBM by CD-k or PCD in bounded steps (a page can tick it), or all at once (``fit``).

    ``step(n)`` does n mini-batch updates and returns one dict of statistics per update;
    at the end of every epoch a summary is appended to ``history``. ``progress`` goes from 0 to 1
    and ``done`` turns True after ``config.epochs`` epochs.
    """

    def __init__(self, rbm: RBM, data, config: CDConfig, test_data=None, monitor_size: int = 1000):
        """``monitor_size``: examples of train (and test) data used by the end-of-epoch monitors
        (pseudo-LL, reconstruction error, free energies), bounded work; 0 turns them off."""
        self.config = config.validate()
        if rbm.n_hidden != config.n_hidden:
            raise ValueError(f"the RBM has {rbm.n_hidden} hidden units but config.n_hidden = {config.n_hidden}")
        if rbm.dtype != torch.float32:
            raise ValueError("CDTrainer trains float32 RBMs")
        self.rbm = rbm
        self.data = _check_data(data, rbm.n_visible, "data")
        self.test_data = None if test_data is None else _check_data(test_data, rbm.n_visible, "test_data")
        n = self.data.shape[0]
        self.batch_size = min(int(config.batch_size), n)
        self.batches_per_epoch = math.ceil(n / self.batch_size)
        self.generator = torch.Generator().manual_seed(int(config.seed))
        self._monitor_gen = torch.Generator().manual_seed(int(config.seed) + 7919)
        # Momentum "velocities": the previous steps Δθ⁽ᵗ⁻¹⁾, zero before the first update.
        self.dW = torch.zeros_like(rbm.W)
        self.db = torch.zeros_like(rbm.b)
        self.dc = torch.zeros_like(rbm.c)
        self.chains: torch.Tensor | None = None
        if config.persistent:
            # Fantasy particles start on random training vectors (a cheap "burn-in").
            idx = torch.randint(0, n, (config.chains,), generator=self.generator)
            self.chains = self.data[idx].clone()
        self.last_negatives: torch.Tensor | None = None  # v⁽ᵏ⁾ of the last update, for display
        self.epoch_index = 0  # epochs completed
        self.batch_index = 0  # batches done in the current epoch
        self.updates = 0
        self.seconds = 0.0    # time spent in updates (monitoring excluded)
        self.history: list[dict] = []
        self._perm: torch.Tensor | None = None
        self._epoch_stats: list[dict] = []
        g = torch.Generator().manual_seed(int(config.seed) + 104729)
        self.monitor_size = max(0, int(monitor_size))
        m = min(self.monitor_size, n)
        self._monitor_train = self.data[torch.randperm(n, generator=g)[:m]]
        self._monitor_test = None
        if self.test_data is not None:
            nt = self.test_data.shape[0]
            self._monitor_test = self.test_data[torch.randperm(nt, generator=g)[:min(self.monitor_size, nt)]]

    # ------------------------------------------------------------------ progress
    @property
    def total_batches(self) -> int:
        return self.config.epochs * self.batches_per_epoch

    @property
    def progress(self) -> float:
        return min(1.0, (self.epoch_index * self.batches_per_epoch + self.batch_index) / self.total_batches)

    @property
    def done(self) -> bool:
        return self.epoch_index >= self.config.epochs

    @property
    def lr(self) -> float:
        """η of the next update: ``config.lr``, or on the straight line to ``config.lr_final``."""
        cfg = self.config
        if cfg.lr_final is None:
            return float(cfg.lr)
        f = min(1.0, self.updates / max(1, self.total_batches - 1))
        return float(cfg.lr) + (float(cfg.lr_final) - float(cfg.lr)) * f

    # ------------------------------------------------------------------ one update
    def _update(self, v0: torch.Tensor) -> dict:
        rbm, cfg, g = self.rbm, self.config, self.generator
        W, b, c = rbm.W, rbm.b, rbm.c
        # Positive phase: p(H=1|v⁽⁰⁾) and the free energy of the data (from the same input).
        x0 = torch.addmm(c, v0, W)
        ph0 = torch.sigmoid(x0)
        if cfg.persistent:
            # Monitoring only: a one-step reconstruction of the data through a sampled h⁽⁰⁾.
            h = (torch.rand(ph0.shape, generator=g) < ph0).to(v0.dtype)
            recon = torch.sigmoid(torch.addmm(b, h, W.T))
            _, v, xk = negative_phase(rbm, self.chains, cfg.k, g)
        else:
            recon, v, xk = negative_phase(rbm, v0, cfg.k, g, ph0=ph0)  # CD: step 1 is the reconstruction
        phk = torch.sigmoid(xk)

        n, m = v0.shape[0], v.shape[0]
        pos_v, neg_v = v0.mean(0), v.mean(0)
        pos_h, neg_h = ph0.mean(0), phk.mean(0)
        # Statistics before the parameters move (they describe the chains that made ĝ).
        # mean_ij ⟨v_i h_j⟩ = mean over rows of (Σ_i v_i)(Σ_j p_j) / (m_v n_h): no (m_v, n_h) pass needed.
        size = W.numel()
        stats = {
            "recon_error": float(((v0 - recon) ** 2).mean()),
            "pos_vh": float((v0.sum(1) * ph0.sum(1)).mean()) / size,
            "neg_vh": float((v.sum(1) * phk.sum(1)).mean()) / size,
            "pos_v": float(pos_v.mean()), "neg_v": float(neg_v.mean()),
            "pos_h": float(pos_h.mean()), "neg_h": float(neg_h.mean()),
            "free_energy_data": float((-(v0 @ b) - F.softplus(x0).sum(1)).mean()),
            "free_energy_neg": float((-(v @ b) - F.softplus(xk).sum(1)).mean()),
        }
        # ĝ_W = v⁽⁰⁾ᵀp(H|v⁽⁰⁾)/n − v⁽ᵏ⁾ᵀp(H|v⁽ᵏ⁾)/m, the second product accumulated into the first.
        gW = torch.addmm(v0.T @ ph0, v.T, phk, beta=1.0 / n, alpha=-1.0 / m)
        stats["grad_W_norm"] = float(gW.norm())
        # Δθ = η ĝ − λθ + ν Δθ_prev (decay on W only), θ += Δθ.
        lr = self.lr
        self.dW.mul_(cfg.momentum).add_(gW, alpha=lr)
        if cfg.weight_decay:
            # λ falls with η (a decaying η alone would leave the decay to shrink W once η is small).
            self.dW.add_(W, alpha=-cfg.weight_decay * (lr / cfg.lr))
        self.db.mul_(cfg.momentum).add_(pos_v - neg_v, alpha=lr)
        self.dc.mul_(cfg.momentum).add_(pos_h - neg_h, alpha=lr)
        W.add_(self.dW)
        b.add_(self.db)
        c.add_(self.dc)
        if cfg.persistent:
            self.chains = v
        self.last_negatives = v
        return stats

    # ------------------------------------------------------------------ public loop
    def step(self, n_batches: int = 1) -> list[dict]:
        """Do up to ``n_batches`` updates (fewer when training ends); one stats dict per update.

        Each dict: epoch, batch, update, recon_error (mean squared error per pixel of the
        one-step reconstruction p(v|h⁽⁰⁾), h⁽⁰⁾ ~ p(h|v⁽⁰⁾)), pos_vh / neg_vh (mean over i, j of
        ⟨v_i h_j⟩ in the data and negative phase), pos_v / neg_v, pos_h / neg_h (mean unit
        activities), free_energy_data / free_energy_neg (mean F of the batch and of the
        negative samples v⁽ᵏ⁾), grad_W_norm (‖ĝ_W‖), seconds (of this update).
        """
        out = []
        for _ in range(int(n_batches)):
            if self.done:
                break
            if self.batch_index == 0:
                self._perm = torch.randperm(self.data.shape[0], generator=self.generator)
                self._epoch_stats = []
                self._epoch_t0 = self.seconds
            lo = self.batch_index * self.batch_size
            v0 = self.data[self._perm[lo:lo + self.batch_size]]
            t0 = time.perf_counter()
            stats = self._update(v0)
            dt = time.perf_counter() - t0
            self.seconds += dt
            self.updates += 1
            stats = {"epoch": self.epoch_index + 1, "batch": self.batch_index + 1, "update": self.updates,
                     **stats, "seconds": dt}
            self._epoch_stats.append(stats)
            out.append(stats)
            self.batch_index += 1
            if self.batch_index == self.batches_per_epoch:
                self.batch_index = 0
                self.epoch_index += 1
                self.history.append(self._epoch_summary())
        return out

    def epoch(self) -> dict:
        """Finish the current epoch (a whole one when at a boundary); returns its summary."""
        if self.done:
            raise RuntimeError("training is done: all epochs have run")
        self.step(self.batches_per_epoch - self.batch_index)
        return self.history[-1]

    def fit(self, callback=None) -> list[dict]:
        """Run the remaining epochs; ``callback(summary)`` after each. Returns ``history``."""
        while not self.done:
            summary = self.epoch()
            if callback is not None:
                callback(summary)
        return self.history

    # ------------------------------------------------------------------ monitors
    def monitor(self) -> dict:
        """Pseudo-LL, reconstruction error and free energies on fixed subsets of train and test data.

        The free-energy gap mean F(test) − mean F(train) grows when the model starts to overfit
        (Hinton's guide §6): F is low on what the model has memorised.
        """
        rbm = self.rbm
        tr = self._monitor_train
        if tr.shape[0] == 0:
            return {}
        out = {
            "pseudo_log_likelihood": rbm.pseudo_log_likelihood(tr, self._monitor_gen),
            "train_recon_error": rbm.reconstruction_error(tr),
            "free_energy_train": float(rbm.free_energy(tr).mean()),
        }
        if self._monitor_test is not None:
            te = self._monitor_test
            out["test_pseudo_log_likelihood"] = rbm.pseudo_log_likelihood(te, self._monitor_gen)
            out["test_recon_error"] = rbm.reconstruction_error(te)
            out["free_energy_test"] = float(rbm.free_energy(te).mean())
            out["free_energy_gap"] = out["free_energy_test"] - out["free_energy_train"]
        return out

    def _epoch_summary(self) -> dict:
        s = self._epoch_stats
        mean = lambda key: sum(d[key] for d in s) / len(s)  # noqa: E731
        return {
            "epoch": self.epoch_index, "updates": self.updates,
            "recon_error": mean("recon_error"),  # training batches, sampled h⁽⁰⁾
            **self.monitor(),
            "free_energy_data": mean("free_energy_data"), "free_energy_neg": mean("free_energy_neg"),
            "pos_vh": mean("pos_vh"), "neg_vh": mean("neg_vh"),
            "seconds": self.seconds, "epoch_seconds": self.seconds - self._epoch_t0,
        }
