r"""Deep belief network: greedy stacked RBMs, labels in the top RBM, up-down fine-tuning.

The lecture's DBN section and Hinton, Osindero & Teh (2006), "A fast learning algorithm for deep
belief nets". Layers v = h⁰, h¹, …, h^L (``sizes`` = (n₁, …, n_L)); the top two layers form an
undirected RBM (the "associative memory"), every layer below is directed, top-down:

    p(v, h¹, …, h^L) = p(v | h¹) p(h¹ | h²) ⋯ p(h^{L−2} | h^{L−1}) p(h^{L−1}, h^L),
    p(hᵢ^{l} = 1 | h^{l+1}) = σ(gᵢ^{l} + G^{l}_{i:} h^{l+1})                       (generative, down)

and the top RBM, with the 10 label units y (one-hot, a softmax group) beside h^{L−1} when
``labels`` is on:

    E(h^{L−1}, y, h^L) = −bᵀh^{L−1} − dᵀy − cᵀh^L − h^{L−1}ᵀW h^L − yᵀU h^L.

**Greedy layer-wise training** (the lecture's 训练过程): RBM 1 (v ↔ h¹) is trained by CD
(``ebm_core.rbm.cd``), then frozen; its hidden probabilities p(h¹ | v) on the training digits are the
data of RBM 2, and so on; the top RBM learns [h^{L−1}, y] ↔ h^L. We pass up the hidden
*probabilities* p(h | v), not sampled states: Hinton and Salakhutdinov's published MATLAB code for
these nets trains each next RBM on ``batchposhidprobs``, and Hinton's practical guide (§3.3)
recommends probabilities for the data of the next layer (less sampling noise). The lecture's
objective 𝔼_{h ~ p(h|v)} log p⁽²⁾(h) and the 2006 paper's argument are stated for sampled states:
``DBNConfig.propagate = "samples"`` draws one state per digit instead. After greedy training the
recognition weights (up) equal the generative ones (down): R^{l} = G^{l} = W of RBM l+1.

**Up-down fine-tuning** (contrastive wake-sleep, the paper's Appendix B): the directed layers
get untied recognition weights R^{l}, r^{l} (up) and generative weights G^{l}, g^{l} (down).
Wake: a stochastic up-pass with R from a training digit gives states s⁰ = v, s¹, …; the generative
weights learn to reconstruct each layer from the one above, ΔG^{l} ∝ (s^{l} − σ(g^{l} + G^{l}s^{l+1}))
s^{l+1}ᵀ. Top: CD-k in the top RBM from the wake states (label clamped in the positive phase).
Sleep: from the end of that Gibbs run a stochastic down-pass with G gives "dreams" s̃; the
recognition weights learn to infer them, ΔR^{l} ∝ s̃^{l}(s̃^{l+1} − σ(r^{l} + R^{l}ᵀs̃^{l}))ᵀ.

**Classification** (``classify``): an up-pass with R (probabilities) to h^{L−1}, then the exact
p(y | h^{L−1}) of the top RBM from its free energy per label,
F(x, y) = −bᵀx − d_y − Σⱼ softplus(cⱼ + xᵀW_{:j} + U_{yj}),   p(y | x) = softmax_y(−F(x, y)).

**Generation** (``generate``): alternating Gibbs in the top RBM, h^L ~ p(h^L | h^{L−1}, y) and
(h^{L−1}, y) ~ p(· | h^L), with y clamped to a chosen digit (or sampled with the rest), then one
top-down pass through the directed layers. Frames show that down-pass of the current h^{L−1}
after every few Gibbs steps, so a class can watch "a 3" form.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ebm_core.rbm.cd import CDConfig, CDTrainer
from ebm_core.deep.phases import PhasedTrainer
from ebm_core.rbm import gibbs
from ebm_core.rbm.model import RBM, bernoulli, log_odds
from ebm_core.ranges import SEED, Range, ranged, validate

N_LABELS = 10
#: Units in one hidden layer of a DBN or DBM (config, CLI --sizes, page choices).
LAYER_UNITS = Range(1, 4096, integer=True)
#: Hidden layers of a DBN (the last is the top RBM's).
N_LAYERS = (2, 4)
#: Gibbs steps (DBN: in the top RBM) or sweeps (DBM) of one generation: CLI --gibbs-steps, page choices.
SAMPLING_STEPS = Range(1, 100_000, integer=True)


def _one_hot(labels, n: int = N_LABELS, dtype=torch.float32) -> torch.Tensor:
    y = torch.tensor(np.asarray(labels), dtype=torch.int64).reshape(-1)
    if y.numel() and (y.min() < 0 or y.max() >= n):
        raise ValueError(f"labels must be in 0..{n - 1}")
    return F.one_hot(y, n).to(dtype)


def _sample_softmax(p: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One-hot draws from the rows of p (a softmax group: exactly one unit on)."""
    idx = torch.multinomial(p, 1, generator=generator).squeeze(1)
    return F.one_hot(idx, p.shape[1]).to(p.dtype)


# ------------------------------------------------------------------------------------ top RBM
class TopRBM:
    """The undirected top level: input units x (h^{L−1}) and label units y (softmax) ↔ top units h^L."""

    def __init__(self, n_in: int, n_top: int, n_labels: int = N_LABELS, seed: int = 0, init_std: float = 0.01,
                 in_rates: torch.Tensor | None = None):
        g = torch.Generator().manual_seed(int(seed))
        self.W = torch.randn(n_in, n_top, generator=g) * init_std
        self.U = torch.randn(n_labels, n_top, generator=g) * init_std
        self.b = log_odds(torch.as_tensor(in_rates, dtype=torch.float32)) if in_rates is not None else torch.zeros(n_in)
        self.d = torch.zeros(n_labels)  # equal label priors (the shipped data has 500 of each digit)
        self.c = torch.zeros(n_top)

    KEYS = ("W", "U", "b", "d", "c")

    @property
    def n_in(self) -> int:
        return self.W.shape[0]

    @property
    def n_top(self) -> int:
        return self.W.shape[1]

    @property
    def n_labels(self) -> int:
        return self.U.shape[0]

    def state(self) -> dict:
        return {k: getattr(self, k).clone() for k in self.KEYS}

    @classmethod
    def from_state(cls, s: dict) -> "TopRBM":
        t = cls.__new__(cls)
        for k in cls.KEYS:
            setattr(t, k, torch.as_tensor(s[k]).detach().clone().float())
        if (t.U.shape[1] != t.n_top or t.b.shape != (t.n_in,) or t.d.shape != (t.n_labels,)
                or t.c.shape != (t.n_top,)):
            raise ValueError("inconsistent top RBM state")
        return t

    # conditionals
    def top_input(self, x, y=None) -> torch.Tensor:
        a = torch.addmm(self.c, x, self.W)
        return a if y is None or self.n_labels == 0 else torch.addmm(a, y, self.U)

    def p_top(self, x, y=None, T: float = 1.0) -> torch.Tensor:
        """p(h^L_j = 1 | x, y) = σ((c_j + xᵀW_{:j} + yᵀU_{:j}) / T)."""
        return torch.sigmoid(self.top_input(x, y) / T)

    def p_in(self, h, T: float = 1.0) -> torch.Tensor:
        """p(x_i = 1 | h^L) = σ((b_i + W_{i:}h^L) / T)."""
        return torch.sigmoid(torch.addmm(self.b, h, self.W.T) / T)

    def p_label(self, h, T: float = 1.0) -> torch.Tensor:
        """p(y = k | h^L) = softmax_k((d_k + U_{k:}h^L) / T): the label units form one softmax group."""
        return torch.softmax(torch.addmm(self.d, h, self.U.T) / T, dim=1)

    def energy(self, x, y, h) -> torch.Tensor:
        e = -(x @ self.b) - (h @ self.c) - ((x @ self.W) * h).sum(-1)
        if self.n_labels:
            e = e - (y @ self.d) - ((y @ self.U) * h).sum(-1)
        return e

    def free_energy(self, x, y=None) -> torch.Tensor:
        """F(x, y) = −bᵀx − dᵀy − Σⱼ softplus(cⱼ + xᵀW_{:j} + yᵀU_{:j})."""
        f = -(x @ self.b) - F.softplus(self.top_input(x, y)).sum(-1)
        return f if y is None or self.n_labels == 0 else f - y @ self.d

    def label_free_energies(self, x) -> torch.Tensor:
        """F(x, e_k) for every label k: (N, n_labels)."""
        base = torch.addmm(self.c, x, self.W)  # (N, n_top)
        sp = F.softplus(base.unsqueeze(1) + self.U.unsqueeze(0)).sum(-1)  # (N, n_labels)
        return -(x @ self.b).unsqueeze(1) - self.d.unsqueeze(0) - sp

    def label_probs(self, x) -> torch.Tensor:
        """The exact p(y | x) = softmax(−F(x, y)) of the top RBM."""
        return torch.softmax(-self.label_free_energies(x), dim=1)

    def gibbs_step(self, x, y, generator, T: float = 1.0, clamp_y: bool = False):
        """h ~ p(h | x, y), then x ~ p(x | h) and (unless clamped) y ~ p(y | h). Returns (x, y, h, p(x|h))."""
        h = bernoulli(self.p_top(x, y, T), generator)
        px = self.p_in(h, T)
        x = bernoulli(px, generator)
        if self.n_labels and not clamp_y:
            y = _sample_softmax(self.p_label(h, T), generator)
        return x, y, h, px


# ------------------------------------------------------------------------------------ the DBN
class DBN:
    """Directed layers (recognition R, r up; generative G, g down) under a top ``TopRBM``.

    ``sizes`` = (n₁, …, n_L): hidden layer sizes, n_L the top RBM's hidden layer (L ≥ 2).
    Layer l's weights (l = 0 … L−2) connect h^{l} (n_l units, h⁰ = v) and h^{l+1}; both R^{l} and
    G^{l} are stored (n_l, n_{l+1}).
    """

    def __init__(self, n_visible: int = 784, sizes=(300, 300, 800), labels: bool = True, seed: int = 0):
        sizes = tuple(int(s) for s in sizes)
        if len(sizes) < 2 or min(sizes) < 1 or int(n_visible) < 1:
            raise ValueError(f"a DBN needs at least two hidden layers of at least one unit, got {sizes}")
        self.n_visible = int(n_visible)
        self.sizes = sizes
        dims = (self.n_visible,) + sizes
        g = torch.Generator().manual_seed(int(seed))
        self.R = [torch.randn(dims[l], dims[l + 1], generator=g) * 0.01 for l in range(len(sizes) - 1)]
        self.r = [torch.zeros(dims[l + 1]) for l in range(len(sizes) - 1)]
        self.G = [w.clone() for w in self.R]
        self.g = [torch.zeros(dims[l]) for l in range(len(sizes) - 1)]
        self.top = TopRBM(sizes[-2], sizes[-1], N_LABELS if labels else 0, seed=int(seed) + 1)

    # ------------------------------------------------------------------ state
    @property
    def labels(self) -> bool:
        return self.top.n_labels > 0

    @property
    def n_directed(self) -> int:
        return len(self.sizes) - 1

    @property
    def dims(self) -> tuple:
        return (self.n_visible,) + self.sizes

    @property
    def tied(self) -> bool:
        """True while recognition and generative weights are equal (before fine-tuning)."""
        return all(torch.equal(a, b) for a, b in zip(self.R, self.G))

    def state(self) -> dict:
        s = {}
        for l in range(self.n_directed):
            s[f"R{l}"], s[f"r{l}"] = self.R[l].clone(), self.r[l].clone()
            s[f"G{l}"], s[f"g{l}"] = self.G[l].clone(), self.g[l].clone()
        for k, v in self.top.state().items():
            s[f"top_{k}"] = v
        return s

    @classmethod
    def from_state(cls, state: dict) -> "DBN":
        try:
            n = 0
            while f"R{n}" in state:
                n += 1
            if n < 1:
                raise ValueError("DBN state holds no directed layer (R0)")
            d = cls.__new__(cls)
            d.R = [torch.as_tensor(state[f"R{l}"]).float().clone() for l in range(n)]
            d.r = [torch.as_tensor(state[f"r{l}"]).float().clone() for l in range(n)]
            d.G = [torch.as_tensor(state[f"G{l}"]).float().clone() for l in range(n)]
            d.g = [torch.as_tensor(state[f"g{l}"]).float().clone() for l in range(n)]
            d.top = TopRBM.from_state({k: state[f"top_{k}"] for k in TopRBM.KEYS})
        except KeyError as e:
            raise ValueError(f"DBN state lacks {e.args[0]!r}") from None
        d.n_visible = d.R[0].shape[0]
        d.sizes = tuple(w.shape[1] for w in d.R) + (d.top.n_top,)
        for l in range(n):
            want = (d.dims[l], d.dims[l + 1])
            if (tuple(d.R[l].shape) != want or tuple(d.G[l].shape) != want or d.r[l].shape != (want[1],)
                    or d.g[l].shape != (want[0],)):
                raise ValueError(f"inconsistent DBN state at layer {l}")
        if d.top.n_in != d.sizes[-2]:
            raise ValueError("inconsistent DBN state: the top RBM does not sit on the last directed layer")
        every = d.R + d.r + d.G + d.g + [getattr(d.top, k) for k in TopRBM.KEYS]
        if not all(torch.isfinite(t).all() for t in every):
            raise ValueError("DBN state holds NaN or infinite values")
        return d

    def copy(self) -> "DBN":
        return DBN.from_state(self.state())

    def set_layer(self, l: int, rbm: RBM) -> None:
        """Freeze RBM l+1 as directed layer l: recognition and generative weights tied."""
        self.R[l], self.G[l] = rbm.W.clone(), rbm.W.clone()
        self.r[l], self.g[l] = rbm.c.clone(), rbm.b.clone()

    # ------------------------------------------------------------------ passes
    def up(self, v, generator: torch.Generator | None = None) -> list[torch.Tensor]:
        """Recognition pass: [p(h¹|v), p(h²|h¹), …] up to h^{L−1} (probabilities; with a generator each
        layer is sampled and the states are passed up)."""
        x = torch.as_tensor(v, dtype=torch.float32)
        out = []
        for R, r in zip(self.R, self.r):
            p = torch.sigmoid(torch.addmm(r, x, R))
            x = p if generator is None else bernoulli(p, generator)
            out.append(x)
        return out

    def down(self, h, generator: torch.Generator | None = None) -> torch.Tensor:
        """Generative pass from h^{L−1} to p(v | h¹): probabilities all the way (mean-field), or, with a
        generator, sampled hidden states and the visible probabilities at the end."""
        x = torch.as_tensor(h, dtype=torch.float32)
        for l in range(self.n_directed - 1, -1, -1):
            p = torch.sigmoid(torch.addmm(self.g[l], x, self.G[l].T))
            x = p if (generator is None or l == 0) else bernoulli(p, generator)
        return x

    def classify(self, v, batch: int = 2000) -> tuple[torch.Tensor, torch.Tensor]:
        """(predicted labels (N,), p(y | v) (N, 10)) from the top RBM's free energy per label."""
        if not self.labels:
            raise ValueError("this DBN was trained without label units")
        v = torch.as_tensor(v, dtype=torch.float32)
        probs = torch.cat([self.top.label_probs(self.up(v[s:s + batch])[-1]) for s in range(0, v.shape[0], batch)])
        return probs.argmax(1), probs

    def accuracy(self, v, labels) -> float:
        pred, _ = self.classify(v)
        return float((pred == torch.as_tensor(labels)).float().mean())

    def generate(self, n: int, gibbs_steps: int, generator: torch.Generator, label=None, T: float = 1.0,
                 every: int | None = None, sampled_down: bool = False):
        """``n`` samples: ``gibbs_steps`` alternating Gibbs steps in the top RBM (label clamped when
        ``label`` is an int 0–9 or a sequence of n of them), then a top-down pass.

        With a clamped label the chains start from h^L ~ p(h^L | h^{L−1} = 0, y); without one, h^{L−1}
        is drawn from σ(b) (the top RBM's input biases, the digits' "average" features) and y uniformly. Returns
        ``(images, frames, labels)``: p(v | …) (n, 784) in [0, 1]; ``frames`` (when ``every`` is set)
        the down-pass of p(h^{L−1} | h^L) at the start, every ``every`` steps and at the end; ``labels``
        the label units' final state (the clamped or the sampled digit).
        The down-pass passes probabilities (the mean image); ``sampled_down`` passes the sampled state
        h^{L−1} and samples every hidden layer on the way down (v stays p(v | h¹)).
        """
        n, gibbs_steps = int(n), int(gibbs_steps)
        if n < 1 or gibbs_steps < 1:
            raise ValueError(f"need n >= 1 and gibbs_steps >= 1, got {n}, {gibbs_steps}")
        if not (T > 0 and math.isfinite(T)):
            raise ValueError(f"temperature must be a positive number, got {T}")
        top = self.top
        clamp = label is not None
        if clamp and not self.labels:
            raise ValueError("this DBN has no label units to clamp")
        if clamp:
            lab = torch.as_tensor(label, dtype=torch.int64).reshape(-1)
            y = _one_hot(lab.expand(n) if lab.numel() == 1 else lab)
            if y.shape[0] != n:
                raise ValueError(f"label must be one digit or n = {n} of them")
        elif self.labels:
            y = _sample_softmax(torch.full((n, top.n_labels), 1.0 / top.n_labels), generator)
        else:
            y = None
        if clamp:
            # Start where the label points: h^L ~ p(h^L | x = 0, y), x ~ p(x | h^L). Any start is a valid
            # Gibbs start; this one lets the clamped label act from the first step.
            x = bernoulli(top.p_in(bernoulli(top.p_top(torch.zeros(n, top.n_in), y, T), generator), T), generator)
        else:
            x = bernoulli(torch.sigmoid(top.b).expand(n, -1).contiguous(), generator)
        def picture(x, px):
            # Mean image: the probabilities p(h^{L−1} | h^L) passed down; sampled: the state x passed down
            # with every hidden layer sampled (then E[picture] is exactly E[p(v | h¹)] under the model).
            return self.down(x, generator) if sampled_down else self.down(px)

        frames = [picture(x, x)] if every is not None else None
        # ``top.gibbs_step`` repeated, on preallocated buffers with uniforms drawn in blocks
        # (``ebm_core.rbm.gibbs``). Free labels: [x, y] is one buffer, so h hears both in one product;
        # clamped labels: c + yU is constant, a bias per chain.
        free_y = y is not None and not clamp
        n_in = top.n_in
        if free_y:
            xy = torch.cat([x, y], 1)
            x, W_up, c_up = xy[:, :n_in], torch.cat([top.W, top.U], 0), top.c
        else:
            xy, W_up = x.clone(), top.W
            x = xy
            c_up = top.c if y is None else torch.addmm(top.c, y, top.U)
        h, ph = torch.empty(n, top.n_top), torch.empty(n, top.n_top)
        px = torch.empty(n, n_in)
        u_h = gibbs.Uniforms(generator, (n, top.n_top), gibbs_steps)
        u_x = gibbs.Uniforms(generator, (n, n_in), gibbs_steps)
        Wt = top.W.T
        for t in range(1, gibbs_steps + 1):
            gibbs.draw_(h, gibbs.conditional_(ph, c_up, xy, W_up, T), u_h.next())  # h ~ p(h | x, y)
            gibbs.draw_(x, gibbs.conditional_(px, top.b, h, Wt, T), u_x.next())   # x ~ p(x | h)
            if free_y:                                                             # y ~ p(y | h)
                xy[:, n_in:] = _sample_softmax(top.p_label(h, T), generator)
            if frames is not None and (t % int(every) == 0 or t == gibbs_steps):
                frames.append(picture(x, px))
        images = frames[-1] if frames is not None else picture(x, px)
        if free_y:
            y = xy[:, n_in:]
        labels_out = y.argmax(1) if y is not None else None
        return images, frames, labels_out


# ------------------------------------------------------------------------------------ up-down
def updown_states(d: DBN, v, y, k: int, generator: torch.Generator) -> dict:
    """The random states of one up-down update (Hinton et al. 2006, Appendix B).

    wake: a stochastic up-pass with the recognition weights, [v, s¹, …, s^{L−1}]; top_s: h^L ~ p(h^L |
    s^{L−1}, y); then k Gibbs steps in the top RBM from there (neg_pen, neg_y = the label
    probabilities, as in the paper, neg_top); sleep: a stochastic down-pass with the generative
    weights from neg_pen, [p(v | s̃¹), s̃¹, …, s̃^{L−1} = neg_pen].
    """
    top, L = d.top, d.n_directed
    wake = [torch.as_tensor(v, dtype=torch.float32)]
    for l in range(L):
        wake.append(bernoulli(torch.sigmoid(torch.addmm(d.r[l], wake[-1], d.R[l])), generator))
    top_s = bernoulli(top.p_top(wake[-1], y), generator)
    neg_top, neg_pen, neg_y = top_s, wake[-1], y
    for _ in range(int(k)):
        neg_pen = bernoulli(top.p_in(neg_top), generator)
        neg_y = top.p_label(neg_top) if top.n_labels else None
        neg_top = bernoulli(top.p_top(neg_pen, neg_y), generator)
    sleep = [None] * (L + 1)
    sleep[L] = neg_pen
    for l in range(L - 1, -1, -1):
        p = torch.sigmoid(torch.addmm(d.g[l], sleep[l + 1], d.G[l].T))
        sleep[l] = p if l == 0 else bernoulli(p, generator)  # the visible layer: probabilities, as in the paper
    return {"wake": wake, "y": y, "top_s": top_s, "neg_pen": neg_pen, "neg_y": neg_y, "neg_top": neg_top,
            "sleep": sleep}


def updown_gradients(d: DBN, st: dict) -> dict:
    """The up-down update directions (per example, batch-averaged) from the states of ``updown_states``.

    Wake, generative: ∂/∂G^{l} of log p(s^{l} | s^{l+1}) = (s^{l} − σ(g^{l} + G^{l}s^{l+1})) s^{l+1}ᵀ.
    Sleep, recognition: ∂/∂R^{l} of log q(s̃^{l+1} | s̃^{l}) = s̃^{l} (s̃^{l+1} − σ(r^{l} + R^{l}ᵀs̃^{l}))ᵀ.
    Top: the CD statistics ⟨·⟩_wake − ⟨·⟩_after k steps. Keys: "G0", "g0", …, "R0", "r0", …, "tW", "tb", "tc"
    (and "tU", "td" with labels).
    """
    wake, sleep, L, top = st["wake"], st["sleep"], d.n_directed, d.top
    m = wake[0].shape[0]
    out = {}
    for l in range(L):
        err = wake[l] - torch.sigmoid(torch.addmm(d.g[l], wake[l + 1], d.G[l].T))
        out[f"G{l}"], out[f"g{l}"] = err.T @ wake[l + 1] / m, err.mean(0)
    pen, top_s, neg_pen, neg_top = wake[L], st["top_s"], st["neg_pen"], st["neg_top"]
    out["tW"] = (pen.T @ top_s - neg_pen.T @ neg_top) / m
    out["tb"] = (pen - neg_pen).mean(0)
    out["tc"] = (top_s - neg_top).mean(0)
    if top.n_labels:
        out["tU"] = (st["y"].T @ top_s - st["neg_y"].T @ neg_top) / m
        out["td"] = (st["y"] - st["neg_y"]).mean(0)
    for l in range(L):
        err = sleep[l + 1] - torch.sigmoid(torch.addmm(d.r[l], sleep[l], d.R[l]))
        out[f"R{l}"], out[f"r{l}"] = sleep[l].T @ err / m, err.mean(0)
    return out


# ------------------------------------------------------------------------------------ training
def _units_ok(s) -> bool:
    return isinstance(s, numbers.Integral) and LAYER_UNITS.ok(int(s))


@dataclass
class DBNConfig:
    """Everything that decides a DBN run (stored in the checkpoint's config).

    Each number's allowed range is declared on its field (``ebm_core.ranges``); ``check`` enforces
    them, the CLI's flags and the page's controls derive theirs from them.
    """

    sizes: tuple = (300, 300, 800)  # Hinton et al. used 500-500-2000 on 60,000 digits; this fits 5,000 and 4 MB
    labels: bool = True
    epochs: int = ranged(10, 1, 10_000)  # greedy epochs per layer (the top RBM included)
    finetune_epochs: int = ranged(3, 0, 10_000)  # up-down epochs
    lr: float = ranged(0.05, 1e-6, 10.0)
    momentum: float = ranged(0.9, 0.0, 0.99)
    weight_decay: float = ranged(1e-4, 0.0, 0.1)
    batch_size: int = ranged(100, 1, 100_000)
    k: int = ranged(1, 1, 1000)  # CD-k for the greedy RBMs
    # CD-k for the top RBM during greedy training (CD-1 leaves the labels too weak to steer generation)
    top_k: int = ranged(5, 1, 1000)
    top_lr: float = ranged(0.05, 1e-6, 10.0)  # the top RBM's learning rate
    top_persistent: bool = False  # PCD for the top RBM (fewer spurious modes for label-clamped generation)
    n_chains: int = ranged(100, 1, 100_000)  # the top RBM's persistent chains
    finetune_lr: float = ranged(0.01, 1e-6, 10.0)
    finetune_k: int = ranged(3, 1, 1000)  # Gibbs steps in the top RBM during up-down (Hinton et al.: 3, 6, 10)
    propagate: str = "probs"
    seed: int = ranged(0, SEED.lo, SEED.hi)
    binarization: str = "threshold"

    def check(self) -> None:
        n = len(self.sizes) if isinstance(self.sizes, (tuple, list)) else 0
        if not N_LAYERS[0] <= n <= N_LAYERS[1] or not all(_units_ok(s) for s in self.sizes):
            raise ValueError(f"sizes must be {N_LAYERS[0]} to {N_LAYERS[1]} layer sizes between "
                             f"{LAYER_UNITS.lo:g} and {LAYER_UNITS.hi:g}, got {self.sizes}")
        validate(self)
        if self.propagate not in ("probs", "samples"):
            raise ValueError(f"propagate must be 'probs' or 'samples', got {self.propagate!r}")
        if self.binarization not in ("threshold", "stochastic"):
            raise ValueError(f"binarization must be 'threshold' or 'stochastic', got {self.binarization!r}")

    def as_dict(self) -> dict:
        d = asdict(self)
        d["sizes"] = list(self.sizes)
        return d


class DBNTrainer(PhasedTrainer):
    """Greedy layer-wise training, then up-down fine-tuning, in small steps for a page's ticks.

    Phases: "layer1" … "layer{L−1}" (CD on the directed layers' RBMs, ``ebm_core.rbm.cd.CDTrainer``),
    "top" (CD on the top RBM with labels), "finetune" (up-down). ``step(n)`` does up to n mini-batch
    updates and returns one dict per update; ``epochs_log`` has one summary per finished epoch
    (with test accuracy for a labelled DBN when test data is given); ``greedy_state`` keeps the DBN
    as it was before fine-tuning (for "before vs after").
    """

    def __init__(self, dbn: DBN, data: torch.Tensor, config: DBNConfig, labels=None, test_data=None,
                 test_labels=None, eval_size: int = 2000, finetune_only: bool = False):
        """``finetune_only``: skip the greedy phases and fine-tune ``dbn`` as it is (e.g. a loaded model)
        for ``config.finetune_epochs`` epochs."""
        config.check()
        if tuple(config.sizes) != tuple(dbn.sizes) or bool(config.labels) != dbn.labels:
            raise ValueError("the config's sizes/labels do not match the DBN")
        self.dbn, self.config = dbn, config
        self.data = torch.as_tensor(data, dtype=torch.float32)
        if self.data.ndim != 2 or self.data.shape[1] != dbn.n_visible or self.data.shape[0] < 1:
            raise ValueError(f"data must be (N >= 1, {dbn.n_visible}), got {tuple(self.data.shape)}")
        if dbn.labels:
            if labels is None:
                raise ValueError("a DBN with label units needs the training labels")
            self.y = _one_hot(labels)
            if self.y.shape[0] != self.data.shape[0]:
                raise ValueError("data and labels differ in length")
        else:
            self.y = None
        self.test_data = None if test_data is None else torch.as_tensor(test_data, dtype=torch.float32)[:eval_size]
        self.test_labels = None if test_labels is None else torch.as_tensor(test_labels)[:eval_size]
        self.gen = torch.Generator().manual_seed(int(config.seed))
        self.n_batches = max(1, math.ceil(self.data.shape[0] / config.batch_size))
        L = dbn.n_directed
        self.PHASES = tuple(f"layer{l + 1}" for l in range(L)) + ("top", "finetune")
        self.phase_epochs = {p: 0 if finetune_only else config.epochs for p in self.PHASES}
        self.phase_epochs["finetune"] = config.finetune_epochs
        if finetune_only and config.finetune_epochs < 1:
            raise ValueError("finetune_only needs finetune_epochs >= 1")
        self.history: list[dict] = []
        self.epochs_log: list[dict] = []
        self.updates, self.seconds = 0, 0.0
        self.greedy_state: dict | None = None
        self._rows: list[dict] = []
        self._layer_input = self.data  # what the current phase learns from
        self.done = False
        self._enter("finetune" if finetune_only else self.PHASES[0])

    # ------------------------------------------------------------------ phases
    def _enter(self, phase: str) -> None:
        c, d = self.config, self.dbn
        self.phase, self.epoch, self.batch = phase, 0, 0
        self._cd = None
        if phase.startswith("layer"):
            l = int(phase[5:]) - 1
            rbm = RBM(d.dims[l], d.dims[l + 1], seed=int(c.seed) + l,
                      visible_rates=self._layer_input.mean(0) if l == 0 else None)
            cfg = CDConfig(n_hidden=d.dims[l + 1], k=c.k, lr=c.lr, momentum=c.momentum,
                           weight_decay=c.weight_decay, batch_size=c.batch_size, epochs=max(1, c.epochs),
                           seed=int(c.seed) + l, binarization=c.binarization if l == 0 else "none")
            self._cd = CDTrainer(rbm, self._layer_input, cfg, monitor_size=0)
        elif phase == "top":
            # The top RBM starts from the input's rates as its visible bias (Hinton's guide §8).
            rates = self._layer_input.mean(0)
            d.top = TopRBM(d.sizes[-2], d.sizes[-1], N_LABELS if d.labels else 0, seed=int(c.seed) + 100,
                           in_rates=rates)
            self._vel = {k: torch.zeros_like(getattr(d.top, k)) for k in TopRBM.KEYS}
            if c.top_persistent:
                # PCD fantasy particles: random training inputs with their labels.
                i = torch.randint(0, self._layer_input.shape[0], (c.n_chains,), generator=self.gen)
                self._top_chains = (bernoulli(self._layer_input[i], self.gen),
                                    self.y[i].clone() if self.y is not None else None)
        else:
            self.greedy_state = d.state()
            self._vel = None

    def _leave(self) -> None:
        """The phase ended: freeze its RBM into the DBN and compute the next layer's data."""
        d, c = self.dbn, self.config
        if self.phase.startswith("layer"):
            l = int(self.phase[5:]) - 1
            d.set_layer(l, self._cd.rbm)
            p = torch.sigmoid(torch.addmm(d.r[l], self._layer_input, d.R[l]))
            self._layer_input = p if c.propagate == "probs" else bernoulli(p, self.gen)

    def extend_finetune(self, epochs: int) -> None:
        """Run ``epochs`` more epochs of up-down fine-tuning."""
        if int(epochs) < 1:
            return
        self.phase_epochs["finetune"] += int(epochs)
        if self.done:
            self.done = False
            if self.phase != "finetune":
                self._enter("finetune")

    def _epoch_extras(self, s: dict) -> None:
        if self.phase in ("top", "finetune") and self.dbn.labels and self.test_data is not None:
            s["test_accuracy"] = self.dbn.accuracy(self.test_data, self.test_labels)

    # ------------------------------------------------------------------ updates
    def _batch_idx(self) -> torch.Tensor:
        if self.batch == 0:
            self._order = torch.randperm(self.data.shape[0], generator=self.gen)
        bs = self.config.batch_size
        return self._order[self.batch * bs:(self.batch + 1) * bs]

    def _momentum(self) -> float:
        return 0.5 if self.epoch < 1 else self.config.momentum

    def _top_step(self, idx) -> dict:
        """CD-k on the top RBM: [x, y] ↔ h, labels clamped in the positive phase."""
        top, c, g = self.dbn.top, self.config, self.gen
        x0 = self._layer_input[idx]
        y0 = self.y[idx] if self.y is not None else None
        ph0 = top.p_top(x0, y0)
        if c.top_persistent:
            x, y = self._top_chains
            h = bernoulli(top.p_top(x, y), g)
        else:
            x, y = x0, y0
            h = bernoulli(ph0, g)
        for _ in range(c.top_k):
            px = top.p_in(h)
            x = bernoulli(px, g)
            py = top.p_label(h) if top.n_labels else None
            y = _sample_softmax(py, g) if top.n_labels else None
            ph = top.p_top(x, y)
            h = bernoulli(ph, g)
        if c.top_persistent:
            self._top_chains = (x, y)
        m, mc = x0.shape[0], x.shape[0]
        grads = {"W": x0.T @ ph0 / m - x.T @ ph / mc - c.weight_decay * top.W, "b": x0.mean(0) - x.mean(0),
                 "c": ph0.mean(0) - ph.mean(0)}
        if top.n_labels:
            grads["U"] = y0.T @ ph0 / m - y.T @ ph / mc - c.weight_decay * top.U
            grads["d"] = y0.mean(0) - y.mean(0)
        mom = self._momentum()
        for k, gk in grads.items():
            self._vel[k].mul_(mom).add_(gk, alpha=c.top_lr)
            getattr(top, k).add_(self._vel[k])
        return {"recon_error": float(((x0 - top.p_in(bernoulli(ph0, g))) ** 2).mean())}

    def _updown_step(self, idx) -> dict:
        """One up-down (contrastive wake-sleep) update, as in Hinton, Osindero & Teh (2006), Appendix B."""
        d, c = self.dbn, self.config
        v = self.data[idx]
        y = self.y[idx] if self.y is not None else None
        states = updown_states(d, v, y, c.finetune_k, self.gen)
        grads = updown_gradients(d, states)
        for name, gk in grads.items():
            kind, l = name[0], name[1:]
            target = getattr(d.top, l) if kind == "t" else getattr(d, kind)[int(l)]
            target.add_(gk, alpha=c.finetune_lr)
        pred = torch.sigmoid(torch.addmm(d.g[0], states["wake"][1], d.G[0].T))
        return {"recon_error": float(((v - pred) ** 2).mean())}

    def _update(self) -> dict:
        if self._cd is not None:
            return {"recon_error": self._cd.step(1)[0]["recon_error"]}
        idx = self._batch_idx()
        return self._top_step(idx) if self.phase == "top" else self._updown_step(idx)

    @property
    def layer_rbm(self) -> RBM | None:
        """The RBM being trained greedily right now (None in the top and fine-tuning phases)."""
        return self._cd.rbm if self._cd is not None else None

    def greedy_dbn(self) -> DBN | None:
        """The DBN as it was before up-down fine-tuning (None until fine-tuning starts)."""
        return None if self.greedy_state is None else DBN.from_state(self.greedy_state)
