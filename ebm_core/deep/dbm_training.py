r"""Training a DBM: greedy pretraining with the doubled-input correction, then Algorithm 20.1.

1. Greedy pretraining with the doubled-input correction (Salakhutdinov & Hinton 2009, §3.1):
   the bottom RBM (v, h¹) is trained by CD with p(h¹|v) = σ(c + 2vᵀW¹) and p(v|h¹) = σ(b + W¹h¹)
   (v counted twice going up, because in the DBM h¹ will also hear from h² above); the top RBM
   (h¹, h²) with p(h²|h¹) = σ(c² + h¹ᵀW²) and p(h¹|h²) = σ(a + 2W²h²) (h² counted twice going
   down). Composed into the DBM, h¹ hears W¹ from below and W² from above: the two doubled inputs
   are halved. The DBM's c¹ is the mean of the two RBMs' biases for h¹, (c + a)/2, so its input
   to h¹ is the average of the two RBMs' inputs.
2. Joint training by Algorithm 20.1 (variational stochastic maximum likelihood): mean field for
   the data term, persistent chains updated by k two-block Gibbs sweeps for the model term,
   ΔW¹ = (1/m)(Vᵀμ¹ − ṼᵀH̃¹), ΔW² = (1/m)(μ¹ᵀμ² − H̃¹ᵀH̃²), with momentum and weight decay
   ("in practice use a more effective algorithm", as the algorithm's own note says). The slide
   (as printed in the Deep Learning book) writes VᵀH̃¹ in the negative term; the model expectation
   ⟨v h¹ᵀ⟩ comes from the chains, so it is ṼᵀH̃¹ (the data V paired with the chains' H̃¹ estimates
   nothing).

The model: ``ebm_core.deep.dbm``.
"""


from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch

from ebm_core.deep.dbm import DBM
from ebm_core.deep.dbn import LAYER_UNITS
from ebm_core.deep.phases import PhasedTrainer
from ebm_core.ranges import SEED, ranged, validate
from ebm_core.rbm.model import bernoulli

# ---------------------------------------------------------------------------------- training
@dataclass
class DBMConfig:
    """Everything that decides a DBM run (stored in the checkpoint's config).

    Each number's allowed range is declared on its field (``ebm_core.ranges``); ``check`` enforces
    them, the CLI's flags and the page's controls derive theirs from them.
    """

    n_h1: int = ranged(500, LAYER_UNITS.lo, LAYER_UNITS.hi)
    n_h2: int = ranged(500, LAYER_UNITS.lo, LAYER_UNITS.hi)
    pretrain_epochs: int = ranged(20, 0, 10_000)  # per layer, by CD-1 with the doubled-input correction
    epochs: int = ranged(30, 0, 10_000)  # joint training (Algorithm 20.1)
    pretrain_lr: float = ranged(0.05, 1e-6, 10.0)
    lr: float = ranged(0.001, 1e-6, 10.0)  # with momentum 0.9; 0.005 made the persistent chains collapse onto one digit
    momentum: float = ranged(0.9, 0.0, 0.99)
    weight_decay: float = ranged(1e-4, 0.0, 0.1)
    batch_size: int = ranged(100, 1, 100_000)
    n_chains: int = ranged(100, 1, 100_000)  # persistent chains, Ṽ, H̃¹, H̃² with this many rows
    gibbs_steps: int = ranged(1, 1, 1000)  # k sweeps per update
    mf_tol: float = ranged(1e-3, 1e-12, 0.5)  # mean-field tolerance during training
    mf_max_iter: int = ranged(30, 1, 10_000)
    lr_decay: float = ranged(0.0, 0.0, 100.0)  # η_t = η / (1 + lr_decay · epoch)
    # The last ``anneal_epochs`` joint epochs lower η linearly to 0, update by update: while η is large the
    # persistent chains are carried between modes by the changing weights (they look balanced while the model's
    # own distribution is not); as η falls they sample the model itself, so the model term corrects the modes
    # that hold too much mass (issue 15: the shipped DBM's chains drifted into sixes once training stopped).
    anneal_epochs: int = ranged(0, 0, 10_000)
    propagate: str = "probs"  # what the top RBM is pretrained on: h¹ probabilities or samples
    seed: int = ranged(0, SEED.lo, SEED.hi)
    binarization: str = "threshold"

    def check(self) -> None:
        validate(self)
        if self.propagate not in ("probs", "samples"):
            raise ValueError(f"propagate must be 'probs' or 'samples', got {self.propagate!r}")
        if self.binarization not in ("threshold", "stochastic"):
            raise ValueError(f"binarization must be 'threshold' or 'stochastic', got {self.binarization!r}")

    def as_dict(self) -> dict:
        return asdict(self)


class _DoubledRBM:
    """One pretraining RBM with the doubled-input correction: up-input scaled by ``up``, down by ``down``.

    p(hid | vis) = σ(c + up · visᵀW),  p(vis | hid) = σ(b + down · W hid); trained by CD-1 with
    ΔW = ⟨vis hidᵀ⟩_data − ⟨vis hidᵀ⟩_recon (the up/down factors rescale the learning rate only).
    """

    def __init__(self, W: torch.Tensor, b: torch.Tensor, c: torch.Tensor, up: float, down: float):
        self.W, self.b, self.c, self.up, self.down = W, b, c, up, down
        self.vel = [torch.zeros_like(W), torch.zeros_like(b), torch.zeros_like(c)]

    def p_hid(self, x):
        return torch.sigmoid(torch.addmm(self.c, x, self.W, alpha=self.up))

    def p_vis(self, h):
        return torch.sigmoid(torch.addmm(self.b, h, self.W.T, alpha=self.down))

    def cd1(self, x, generator, lr, momentum, weight_decay) -> float:
        ph0 = self.p_hid(x)
        h0 = bernoulli(ph0, generator)
        pv1 = self.p_vis(h0)
        v1 = bernoulli(pv1, generator)
        ph1 = self.p_hid(v1)
        m = x.shape[0]
        grads = ((x.T @ ph0 - v1.T @ ph1) / m - weight_decay * self.W, (x - v1).mean(0), (ph0 - ph1).mean(0))
        for p, vel, g in zip((self.W, self.b, self.c), self.vel, grads):
            vel.mul_(momentum).add_(g, alpha=lr)
            p.add_(vel)
        return float(((x - pv1) ** 2).mean())


class DBMTrainer(PhasedTrainer):
    """Greedy pretraining then Algorithm 20.1, in small steps for a page's ticks.

    ``step(n_batches)`` does up to that many mini-batch updates and returns one dict per update
    (phase, epoch, batch and its numbers); ``progress`` ∈ [0, 1]; ``done`` once every epoch ran;
    ``history`` holds every update's dict and ``epochs_log`` one summary per finished epoch.
    ``data`` is binary (N, m); with ``binarization="stochastic"`` and ``data_probs`` (the grey
    levels in [0, 1]) a fresh binarisation is drawn every epoch.
    """

    PHASES = ("pretrain1", "pretrain2", "joint")

    def __init__(self, dbm: DBM, data: torch.Tensor, config: DBMConfig, test_data: torch.Tensor | None = None,
                 data_probs: torch.Tensor | None = None):
        config.check()
        self.dbm, self.config = dbm, config
        self.data = dbm._as(data)
        if self.data.ndim != 2 or self.data.shape[1] != dbm.n_visible or self.data.shape[0] < 1:
            raise ValueError(f"data must be (N >= 1, {dbm.n_visible}), got {tuple(self.data.shape)}")
        self.data_probs = None if data_probs is None else dbm._as(data_probs)
        self.test_data = None if test_data is None else dbm._as(test_data)
        self.gen = torch.Generator().manual_seed(int(config.seed))
        self.history: list[dict] = []
        self.epochs_log: list[dict] = []
        self.n_batches = max(1, math.ceil(self.data.shape[0] / config.batch_size))
        self.phase_epochs = {"pretrain1": config.pretrain_epochs, "pretrain2": config.pretrain_epochs,
                             "joint": config.epochs}
        self.epoch, self.batch, self.updates, self.seconds = 0, 0, 0, 0.0
        self._rbm: _DoubledRBM | None = None
        self._x = self._order = self._chains = self._vel = None
        self._rows: list[dict] = []
        first = next((p for p in self.PHASES if self.phase_epochs[p] > 0), None)
        self.phase = first or "joint"
        self.done = first is None
        if first is not None:
            self._enter(first)

    # ------------------------------------------------------------------ phases
    def _enter(self, phase: str) -> None:
        d, c = self.dbm, self.config
        self.phase, self.epoch, self.batch = phase, 0, 0
        if phase == "pretrain1":
            # Bottom RBM: v counted twice going up (in the DBM h¹ will also hear h² from above).
            self._rbm = _DoubledRBM(d.W1, d.b, d.c1, up=2.0, down=1.0)
        elif phase == "pretrain2":
            # The top RBM learns the bottom RBM's (doubled) upward pass h¹ | v; h² counted twice going down.
            p = torch.sigmoid(torch.addmm(d.c1, self.data, d.W1, alpha=2.0))
            self._top_data = p if c.propagate == "probs" else bernoulli(p, self.gen)
            self._c1_bottom = d.c1.clone()
            self._a = d.c1.clone()  # the top RBM's own bias for h¹, started from the bottom RBM's
            self._rbm = _DoubledRBM(d.W2, self._a, d.c2, up=1.0, down=2.0)
        else:
            self._rbm = None
            # Persistent chains start from the data's pixel rates and one upward pass.
            self._chains = d.init_chains(c.n_chains, self.gen, self.data.mean(0))
            self._vel = [torch.zeros_like(getattr(d, k)) for k in ("W1", "W2", "b", "c1", "c2")]

    def extend(self, joint_epochs: int) -> None:
        """Train ``joint_epochs`` more epochs of Algorithm 20.1 ("train more")."""
        if int(joint_epochs) < 1:
            return
        self.phase_epochs["joint"] += int(joint_epochs)
        if self.done:
            self.done = False
            if self.phase != "joint":
                self._enter("joint")

    def _leave(self) -> None:
        if self.phase == "pretrain2":
            # Compose the DBM: h¹'s input becomes the mean of the two RBMs' inputs (the halving).
            self.dbm.c1.copy_(0.5 * (self._c1_bottom + self._a))

    def _epoch_extras(self, s: dict) -> None:
        if self.phase == "joint" and self.test_data is not None:
            tv = self.test_data[:500]
            mf = self.dbm.mean_field(tv, tol=self.config.mf_tol, max_iter=self.config.mf_max_iter)
            s["test_elbo_unnormalised"] = float(self.dbm.elbo_unnormalised(tv, mf.mu1, mf.mu2).mean())
            s["test_recon_error"] = self.dbm.reconstruction_error(tv, mf)

    # ------------------------------------------------------------------ updates
    def _batch(self) -> torch.Tensor:
        if self.batch == 0:  # a new epoch: fresh order (and fresh binarisation when stochastic)
            if self.phase == "pretrain2":
                self._x = self._top_data
            elif self.config.binarization == "stochastic" and self.data_probs is not None:
                self._x = bernoulli(self.data_probs, self.gen)
            else:
                self._x = self.data
            self._order = torch.randperm(self._x.shape[0], generator=self.gen)
        bs = self.config.batch_size
        return self._x[self._order[self.batch * bs:(self.batch + 1) * bs]]

    def _momentum(self) -> float:
        # Hinton's guide §9: a smaller momentum while the parameters are still far from their values.
        return 0.5 if self.epoch == 0 else self.config.momentum

    def _pretrain_step(self, x) -> dict:
        c = self.config
        return {"recon_error": self._rbm.cd1(x, self.gen, c.pretrain_lr, self._momentum(), c.weight_decay)}

    def _anneal_factor(self) -> float:
        """1 before the anneal window, then falling linearly: (updates left in the window) / (its updates)."""
        window = min(self.config.anneal_epochs, self.phase_epochs["joint"]) * self.n_batches
        left = (self.phase_epochs["joint"] - self.epoch) * self.n_batches - self.batch
        return 1.0 if left > window or window == 0 else left / window

    def _joint_step(self, v) -> dict:
        """One update of Algorithm 20.1."""
        d, c = self.dbm, self.config
        m = v.shape[0]
        # Data term: mean field iterated to a tolerance.
        mf = d.mean_field(v, tol=c.mf_tol, max_iter=c.mf_max_iter)
        mu1, mu2 = mf.mu1, mf.mu2
        # Model term: k two-block Gibbs sweeps of the persistent chains Ṽ, H̃¹, H̃².
        tv, th1, th2 = self._chains
        for _ in range(c.gibbs_steps):
            tv, th1, th2, _ = d.gibbs_sweep(tv, th1, th2, self.gen)
        self._chains = (tv, th1, th2)
        mc = tv.shape[0]
        grads = (
            v.T @ mu1 / m - tv.T @ th1 / mc - c.weight_decay * d.W1,
            mu1.T @ mu2 / m - th1.T @ th2 / mc - c.weight_decay * d.W2,
            v.mean(0) - tv.mean(0),
            mu1.mean(0) - th1.mean(0),
            mu2.mean(0) - th2.mean(0),
        )
        lr = c.lr / (1.0 + c.lr_decay * self.epoch) * self._anneal_factor()
        mom = self._momentum()
        for k, vel, g in zip(("W1", "W2", "b", "c1", "c2"), self._vel, grads):
            vel.mul_(mom).add_(g, alpha=lr)
            getattr(d, k).add_(vel)
        return {"mf_iters": mf.iterations, "mf_delta": mf.deltas[-1], "mf_converged": float(mf.converged),
                "elbo_unnormalised": float(d.elbo_unnormalised(v, mu1, mu2).mean()),
                "recon_error": float(((v - d.p_v(mu1)) ** 2).mean())}

    def _update(self) -> dict:
        x = self._batch()
        return self._joint_step(x) if self.phase == "joint" else self._pretrain_step(x)

    @property
    def chains(self):
        """The persistent chains (Ṽ, H̃¹, H̃²) of the joint phase, or None before it."""
        return self._chains
