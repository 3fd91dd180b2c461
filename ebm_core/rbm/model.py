r"""Bernoulli–Bernoulli restricted Boltzmann machine, in the lecture's notation.

Visible units v ∈ {0,1}^m (m = ``n_visible``), hidden units h ∈ {0,1}^n (n = ``n_hidden``),
weights ``W`` (m, n), visible bias ``b`` (m,), hidden bias ``c`` (n,):

    E(v, h) = −bᵀv − cᵀh − vᵀWh,        p(v, h) = exp(−E(v, h)) / Z.

No connections inside a layer, so both conditionals factorise into sigmoids
(σ(x) = 1 / (1 + e^{−x})):

    p(h_j = 1 | v) = σ(c_j + vᵀW_{:j}),        p(v_i = 1 | h) = σ(b_i + W_{i:} h),

and h sums out of p(v) analytically (the lecture's eq. 22), giving the free energy

    p(v) = exp(−F(v)) / Z,      F(v) = −bᵀv − Σ_j softplus(c_j + vᵀW_{:j}),

with softplus(x) = log(1 + e^x). The log-likelihood gradient is "data expectation − model
expectation", e.g. ∂ log p(v)/∂W_ij = v_i p(h_j=1|v) − E_{p(v)}[v_i p(h_j=1|v)]; the model
expectation is what contrastive divergence (``ebm_core.rbm.cd``) approximates with block Gibbs
sampling v → h → v → … (``gibbs``, ``sample``).

**Temperature.** Sampling at temperature T targets p_T(v, h) ∝ exp(−E(v, h)/T): every
conditional becomes σ(input / T), and the free energy of the marginal p_T(v) ∝ exp(−F_T(v)/T) is
F_T(v) = −bᵀv − T Σ_j softplus((c_j + vᵀW_{:j}) / T). T = 1 is the model itself; T < 1
sharpens it towards its modes, T > 1 flattens it.

Tensors are float32 by default; an RBM built with ``from_state`` keeps the dtype of the state it
is given (the tiny lab uses float64). Randomness always comes from an explicit
``torch.Generator``, so a seed reproduces a run whatever else touched torch's global RNG.

References: G. Hinton, "A Practical Guide to Training Restricted Boltzmann Machines" (2010);
A. Fischer & C. Igel, "Training restricted Boltzmann machines: an introduction" (2014);
scikit-learn's ``neural_network/_rbm.py`` (the pseudo-likelihood estimator below).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ebm_core.ranges import Range
from ebm_core.rbm import gibbs

#: Block-Gibbs steps a user may ask for (``generate --gibbs-steps``, the page's chains).
GIBBS_STEPS = Range(1, 100_000, integer=True)

#: Rates are clipped to [RATE_EPS, 1 − RATE_EPS] before taking log-odds, so a pixel that is
#: never on in the data gets a finite bias (logit(1e-3) ≈ −6.9) instead of −∞.
RATE_EPS = 1e-3


def log_odds(rates: torch.Tensor, eps: float = RATE_EPS) -> torch.Tensor:
    """log(p / (1 − p)) of rates clipped to [eps, 1 − eps]."""
    p = rates.clamp(eps, 1.0 - eps)
    return torch.log(p) - torch.log1p(-p)


def bernoulli(probs: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    # u < p is a Bernoulli(p) draw; as fast as torch.bernoulli and reproducible per generator.
    return (torch.rand(probs.shape, generator=generator, dtype=probs.dtype) < probs).to(probs.dtype)


class RBM:
    """A Bernoulli–Bernoulli RBM with parameters ``W`` (n_visible, n_hidden), ``b``, ``c``."""

    def __init__(self, n_visible: int = 784, n_hidden: int = 500, seed: int = 0, init_std: float = 0.01,
                 visible_rates: torch.Tensor | None = None):
        if int(n_visible) < 1 or int(n_hidden) < 1:
            raise ValueError(f"an RBM needs at least one visible and one hidden unit, got {n_visible}, {n_hidden}")
        if not (init_std >= 0 and math.isfinite(init_std)):
            raise ValueError(f"init_std must be a finite number >= 0, got {init_std}")
        g = torch.Generator().manual_seed(int(seed))
        # Small random weights break the symmetry between hidden units (Hinton's guide §8).
        self.W = torch.randn(int(n_visible), int(n_hidden), generator=g) * float(init_std)
        if visible_rates is not None:
            rates = torch.as_tensor(visible_rates, dtype=torch.float32).reshape(-1)
            if rates.shape[0] != n_visible:
                raise ValueError(f"visible_rates has {rates.shape[0]} entries, expected {n_visible}")
            # b_i = log(p_i / (1 − p_i)): with W ≈ 0 the model starts at the data's pixel rates.
            self.b = log_odds(rates)
        else:
            self.b = torch.zeros(int(n_visible))
        self.c = torch.zeros(int(n_hidden))

    # ------------------------------------------------------------------ shape and state
    @property
    def n_visible(self) -> int:
        return self.W.shape[0]

    @property
    def n_hidden(self) -> int:
        return self.W.shape[1]

    @property
    def dtype(self) -> torch.dtype:
        return self.W.dtype

    def state(self) -> dict:
        """The parameters as a plain dict of tensors (what a checkpoint stores)."""
        return {"W": self.W.clone(), "b": self.b.clone(), "c": self.c.clone()}

    @classmethod
    def from_state(cls, state: dict) -> "RBM":
        """An RBM holding copies of ``state["W"]``, ``["b"]``, ``["c"]`` (shapes checked)."""
        try:
            W, b, c = (torch.as_tensor(state[k]) for k in ("W", "b", "c"))
        except KeyError as e:
            raise ValueError(f"RBM state lacks {e.args[0]!r}") from None
        if W.ndim != 2 or b.shape != (W.shape[0],) or c.shape != (W.shape[1],):
            raise ValueError(f"inconsistent RBM state: W {tuple(W.shape)}, b {tuple(b.shape)}, c {tuple(c.shape)}")
        if not W.is_floating_point():
            W, b, c = W.float(), b.float(), c.float()
        if not all(torch.isfinite(t).all() for t in (W, b, c)):
            raise ValueError("RBM state holds NaN or infinite values")
        rbm = cls.__new__(cls)
        rbm.W = W.detach().clone().contiguous()
        rbm.b = b.detach().clone().to(W.dtype)
        rbm.c = c.detach().clone().to(W.dtype)
        return rbm

    def copy(self) -> "RBM":
        return RBM.from_state(self.state())

    def _as(self, x) -> torch.Tensor:
        x = torch.as_tensor(x)
        return x.to(self.W.dtype) if x.dtype != self.W.dtype else x

    # ------------------------------------------------------------------ conditionals
    def hidden_input(self, v: torch.Tensor) -> torch.Tensor:
        """c_j + vᵀW_{:j} for every hidden unit j: (N, n_hidden)."""
        return torch.addmm(self.c, self._as(v), self.W)

    def visible_input(self, h: torch.Tensor) -> torch.Tensor:
        """b_i + W_{i:} h for every visible unit i: (N, n_visible)."""
        return torch.addmm(self.b, self._as(h), self.W.T)

    def p_h(self, v: torch.Tensor, T: float = 1.0) -> torch.Tensor:
        """p(h_j = 1 | v) = σ((c_j + vᵀW_{:j}) / T)."""
        x = self.hidden_input(v)
        return torch.sigmoid(x if T == 1.0 else x / T)

    def p_v(self, h: torch.Tensor, T: float = 1.0) -> torch.Tensor:
        """p(v_i = 1 | h) = σ((b_i + W_{i:} h) / T)."""
        x = self.visible_input(h)
        return torch.sigmoid(x if T == 1.0 else x / T)

    def sample_h(self, v: torch.Tensor, generator: torch.Generator, T: float = 1.0):
        """(p(h|v), a draw h ~ p(h|v)) — one half of a block-Gibbs step."""
        p = self.p_h(v, T)
        return p, bernoulli(p, generator)

    def sample_v(self, h: torch.Tensor, generator: torch.Generator, T: float = 1.0):
        """(p(v|h), a draw v ~ p(v|h)) — the other half."""
        p = self.p_v(h, T)
        return p, bernoulli(p, generator)

    # ------------------------------------------------------------------ energies
    def energy(self, v: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        """E(v, h) = −bᵀv − cᵀh − vᵀWh, one value per row: (N,)."""
        v, h = self._as(v), self._as(h)
        return -(v @ self.b) - (h @ self.c) - ((v @ self.W) * h).sum(-1)

    def free_energy(self, v: torch.Tensor, T: float = 1.0) -> torch.Tensor:
        """F_T(v) = −bᵀv − T Σ_j softplus((c_j + vᵀW_{:j}) / T); F_1 = F, p(v) = e^{−F(v)}/Z. (N,)"""
        v = self._as(v)
        x = self.hidden_input(v)
        if T == 1.0:
            return -(v @ self.b) - F.softplus(x).sum(-1)
        return -(v @ self.b) - T * F.softplus(x / T).sum(-1)

    # ------------------------------------------------------------------ sampling
    def gibbs(self, v: torch.Tensor, k: int, generator: torch.Generator, T: float = 1.0) -> torch.Tensor:
        """k block-Gibbs steps v → h ~ p(h|v) → v ~ p(v|h); returns the binary v after step k."""
        v = self._as(v)
        for _ in range(int(k)):
            _, h = self.sample_h(v, generator, T)
            _, v = self.sample_v(h, generator, T)
        return v

    def sample(self, n: int, gibbs_steps: int, generator: torch.Generator, T: float = 1.0,
               v0: torch.Tensor | None = None, every: int | None = None, clamp_mask: torch.Tensor | None = None):
        """Run ``n`` block-Gibbs chains for ``gibbs_steps`` steps at temperature ``T``.

        Chains start at ``v0`` (n, n_visible) or, when it is None, at uniform noise
        (each pixel on with probability 1/2). Returns ``(final_probs, frames)``:
        ``final_probs`` (n, n_visible) is the mean-field p(v|h) of the last step (smoother to
        look at than the binary draw, and what "generate" writes); ``frames`` is None unless
        ``every`` is given, then a list: the start v0 followed by p(v|h) after steps
        every, 2·every, … and after the last step (for an animation).

        ``clamp_mask`` (bool, (n_visible,) or (n, n_visible)), for "clamp and fill": where it is
        True the visible units are held at v0 (v0 required), so the chain samples the rest from
        p(v_free | v_clamped).
        """
        n, gibbs_steps = int(n), int(gibbs_steps)
        if n < 1 or gibbs_steps < 1:
            raise ValueError(f"need n >= 1 chains and gibbs_steps >= 1, got {n}, {gibbs_steps}")
        if every is not None and int(every) < 1:
            raise ValueError(f"every must be >= 1, got {every}")
        if not (T > 0 and math.isfinite(T)):
            raise ValueError(f"temperature must be a positive number, got {T}")
        if v0 is None:
            if clamp_mask is not None:
                raise ValueError("clamp_mask needs v0: the clamped pixels are held at v0's values")
            v = (torch.rand(n, self.n_visible, generator=generator, dtype=self.dtype) < 0.5).to(self.dtype)
        else:
            v = self._as(v0).reshape(-1, self.n_visible).clone()
            if v.shape[0] != n:
                raise ValueError(f"v0 has {v.shape[0]} rows, expected n = {n}")
        start = v.clone()
        frames = [start.clone()] if every is not None else None
        # The loop runs on preallocated buffers with uniforms drawn in blocks (``ebm_core.rbm.gibbs``):
        # the same chain as sample_h / sample_v, at a fraction of their overhead.
        u_h = gibbs.Uniforms(generator, (n, self.n_hidden), gibbs_steps)
        u_v = gibbs.Uniforms(generator, (n, self.n_visible), gibbs_steps)
        ph, h = torch.empty(n, self.n_hidden, dtype=self.dtype), torch.empty(n, self.n_hidden, dtype=self.dtype)
        pv = torch.empty(n, self.n_visible, dtype=self.dtype)
        keep = None
        if clamp_mask is not None:
            mask = torch.as_tensor(clamp_mask, dtype=torch.bool).expand(n, self.n_visible)
            keep = (mask, start)
        Wt = self.W.T
        for t in range(1, gibbs_steps + 1):
            gibbs.draw_(h, gibbs.conditional_(ph, self.c, v, self.W, T), u_h.next())
            gibbs.draw_(v, gibbs.conditional_(pv, self.b, h, Wt, T), u_v.next())
            if keep is not None:
                v = torch.where(keep[0], keep[1], v)
            if frames is not None and (t % int(every) == 0 or t == gibbs_steps):
                frames.append(pv.clone() if keep is None else torch.where(keep[0], keep[1], pv))
        if keep is not None:
            pv = torch.where(keep[0], keep[1], pv)
        return pv, frames

    # ------------------------------------------------------------------ monitoring
    def reconstruct(self, v: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """p(v | h) one step from v.

        Without a generator h is mean-field, h = p(h|v) (deterministic: what the page shows);
        with one, h ~ p(h|v) is sampled as in the first step of CD.
        """
        if generator is None:
            return self.p_v(self.p_h(v))
        return self.p_v(self.sample_h(v, generator)[1])

    def reconstruction_error(self, v: torch.Tensor, generator: torch.Generator | None = None) -> float:
        """Mean squared error per pixel between v and ``reconstruct(v, generator)``."""
        v = self._as(v)
        return float(((v - self.reconstruct(v, generator)) ** 2).mean())

    def pseudo_log_likelihood(self, v: torch.Tensor, generator: torch.Generator) -> float:
        """Average pseudo-log-likelihood per example, the stochastic estimator scikit-learn uses.

        PL(v) = Σ_i log p(v_i | v_{−i}); each p(v_i | v_{−i}) = σ(F(ṽ) − F(v)) where ṽ is v with
        bit i flipped. Instead of all m flips it flips ONE random bit i per example and returns
        m · log σ(F(ṽ) − F(v)), an unbiased estimate of PL(v) (m = n_visible). Needs binary v.
        """
        v = self._as(v)
        n = v.shape[0]
        i = torch.randint(0, self.n_visible, (n,), generator=generator)
        flipped = v.clone()
        rows = torch.arange(n)
        flipped[rows, i] = 1.0 - flipped[rows, i]
        fe, fe_flip = self.free_energy(v), self.free_energy(flipped)
        return float((self.n_visible * F.logsigmoid(fe_flip - fe)).mean())
