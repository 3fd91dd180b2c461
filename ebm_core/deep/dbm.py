r"""Deep Boltzmann machine with two hidden layers (the lecture's DBM section, Algorithm 20.1).

Visible v ∈ {0,1}^m, hidden layers h¹ ∈ {0,1}^{n₁} and h² ∈ {0,1}^{n₂}; weights ``W1`` (m, n₁),
``W2`` (n₁, n₂), biases ``b`` (m,), ``c1`` (n₁,), ``c2`` (n₂,). Every connection is undirected:

    E(v, h¹, h²) = −bᵀv − c¹ᵀh¹ − c²ᵀh² − vᵀW¹h¹ − h¹ᵀW²h²,     p = exp(−E/T) / Z.

**Conditionals.** The layers form a bipartite graph, odd layer {h¹} against even layers {v, h²}
(the lecture's "奇数层在一侧，偶数层在另一侧"), so given one side the other factorises:

    p(h¹_j = 1 | v, h²) = σ(c¹_j + vᵀW¹_{:j} + W²_{j:} h²),
    p(v_i = 1 | h¹) = σ(b_i + W¹_{i:} h¹),        p(h²_k = 1 | h¹) = σ(c²_k + h¹ᵀW²_{:k}).

Two-block Gibbs (``gibbs_sweep``) alternates "sample {v, h²} given h¹" and "sample h¹ given
{v, h²}": each block is an exact conditional draw, so each leaves p invariant.

**The hidden posterior is not factorial** (p(h¹, h² | v) couples h¹ and h²), so the data term of
the gradient uses the mean-field approximation Q(h¹, h² | v) = Πⱼ Q(h¹ⱼ) Πₖ Q(h²ₖ) with
means μ¹, μ², iterated to a fixed point (``mean_field``):

    μ¹ = σ(c¹ + vᵀW¹ + W²μ²),        μ² = σ(c² + μ¹ᵀW²).

Each update is the exact maximiser of the evidence lower bound over that layer (units inside a
layer do not interact), so the bound never decreases from one iteration to the next:

    log p(v) ≥ 𝓛(Q) = bᵀv + c¹ᵀμ¹ + c²ᵀμ² + vᵀW¹μ¹ + μ¹ᵀW²μ² + 𝓗(μ¹) + 𝓗(μ²) − log Z.

**Equivalent RBM.** Because the graph is bipartite, the DBM *is* an RBM between the two sides:
x = [v, h²] on one, h¹ on the other, with weights [W¹; W²ᵀ] ((m+n₂), n₁), bias [b; c²] for x
and c¹ for h¹ (``as_rbm_state``). Either side sums out analytically given the other:
p*(v, h²) = exp(bᵀv + c²ᵀh²) Πⱼ (1 + exp(c¹ⱼ + vᵀW¹_{:j} + W²_{j:}h²)), and
p*(h¹) = exp(c¹ᵀh¹) Πᵢ (1 + exp(bᵢ + W¹_{i:}h¹)) Πₖ (1 + exp(c²ₖ + h¹ᵀW²_{:k})).
``dbm_likelihood.exact_log_z`` sums the second over all 2^{n₁} states h¹ (tiny models); AIS anneals h¹
alone, with {v, h²} summed out (Salakhutdinov & Hinton 2009 sum out one side of the 2-layer DBM the same way):
``dbm_ais`` does it from a base fitted to the data (a mixture of the training digits' mean-field posteriors),
forward and in reverse. ``dbm_likelihood.dbm_bound`` is the whole evaluation protocol (base, forward AIS at
K and K/2, reverse AIS, the mean-field bound on test and training digits, the bracket): the page and
``python -m ebm_core evaluate`` both call it.

Likelihoods (exact for tiny models, AIS, the mean-field bound and the evaluation protocol
``dbm_bound``) are in ``ebm_core.deep.dbm_likelihood``; training (``DBMConfig``, ``DBMTrainer``)
in ``ebm_core.deep.dbm_training``.

References: R. Salakhutdinov & G. Hinton, "Deep Boltzmann machines", AISTATS 2009; "An efficient
learning procedure for deep Boltzmann machines", Neural Computation 24(8), 2012; Goodfellow,
Bengio & Courville, *Deep Learning*, §20.4 and Algorithm 20.1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ebm_core.rbm import gibbs
from ebm_core.rbm.model import RBM, bernoulli, log_odds

#: Mean field stops when no mean moves by more than this between two iterations (max-norm).
MF_TOL = 1e-4
MF_MAX_ITER = 50


def _entropy(mu: torch.Tensor) -> torch.Tensor:
    """Σ of Bernoulli entropies −μ log μ − (1−μ) log(1−μ) per row (0 log 0 = 0)."""
    return -(torch.xlogy(mu, mu) + torch.xlogy(1.0 - mu, 1.0 - mu)).sum(-1)


@dataclass
class MeanField:
    """The result of ``DBM.mean_field``: the means, and how they got there."""

    mu1: torch.Tensor  # (N, n1)
    mu2: torch.Tensor  # (N, n2)
    deltas: list[float]  # max |change| of any mean at iterations 1, 2, …
    converged: bool
    history: list[tuple[torch.Tensor, torch.Tensor]] | None = None  # (μ¹, μ²) after iterations 0, 1, …

    @property
    def iterations(self) -> int:
        return len(self.deltas)


class DBM:
    """A two-hidden-layer DBM: ``W1`` (m, n1), ``W2`` (n1, n2), ``b`` (m,), ``c1`` (n1,), ``c2`` (n2,)."""

    def __init__(self, n_visible: int = 784, n_h1: int = 500, n_h2: int = 500, seed: int = 0,
                 init_std: float = 0.01, visible_rates: torch.Tensor | None = None,
                 dtype: torch.dtype = torch.float32):
        if min(int(n_visible), int(n_h1), int(n_h2)) < 1:
            raise ValueError(f"every layer needs at least one unit, got {n_visible}, {n_h1}, {n_h2}")
        g = torch.Generator().manual_seed(int(seed))
        self.W1 = (torch.randn(int(n_visible), int(n_h1), generator=g, dtype=torch.float64) * init_std).to(dtype)
        self.W2 = (torch.randn(int(n_h1), int(n_h2), generator=g, dtype=torch.float64) * init_std).to(dtype)
        self.b = (log_odds(torch.as_tensor(visible_rates, dtype=torch.float64)).to(dtype) if visible_rates is not None
                  else torch.zeros(int(n_visible), dtype=dtype))
        self.c1 = torch.zeros(int(n_h1), dtype=dtype)
        self.c2 = torch.zeros(int(n_h2), dtype=dtype)

    # ------------------------------------------------------------------ shape and state
    @property
    def n_visible(self) -> int:
        return self.W1.shape[0]

    @property
    def n_h1(self) -> int:
        return self.W1.shape[1]

    @property
    def n_h2(self) -> int:
        return self.W2.shape[1]

    @property
    def dtype(self) -> torch.dtype:
        return self.W1.dtype

    def state(self) -> dict:
        return {k: getattr(self, k).clone() for k in ("W1", "W2", "b", "c1", "c2")}

    @classmethod
    def from_state(cls, state: dict) -> "DBM":
        try:
            W1, W2, b, c1, c2 = (torch.as_tensor(state[k]) for k in ("W1", "W2", "b", "c1", "c2"))
        except KeyError as e:
            raise ValueError(f"DBM state lacks {e.args[0]!r}") from None
        if (W1.ndim != 2 or W2.ndim != 2 or W2.shape[0] != W1.shape[1] or b.shape != (W1.shape[0],)
                or c1.shape != (W1.shape[1],) or c2.shape != (W2.shape[1],)):
            raise ValueError(f"inconsistent DBM state: W1 {tuple(W1.shape)}, W2 {tuple(W2.shape)}, b {tuple(b.shape)}, "
                             f"c1 {tuple(c1.shape)}, c2 {tuple(c2.shape)}")
        if not all(torch.isfinite(t).all() for t in (W1, W2, b, c1, c2)):
            raise ValueError("DBM state holds NaN or infinite values")
        dt = W1.dtype if W1.is_floating_point() else torch.float32
        d = cls.__new__(cls)
        for k, t in zip(("W1", "W2", "b", "c1", "c2"), (W1, W2, b, c1, c2)):
            setattr(d, k, t.detach().to(dt).clone().contiguous())
        return d

    def copy(self) -> "DBM":
        return DBM.from_state(self.state())

    def _as(self, x) -> torch.Tensor:
        x = torch.as_tensor(x)
        return x.to(self.dtype) if x.dtype != self.dtype else x

    # ------------------------------------------------------------------ energy and conditionals
    def energy(self, v, h1, h2) -> torch.Tensor:
        """E(v, h¹, h²) = −bᵀv − c¹ᵀh¹ − c²ᵀh² − vᵀW¹h¹ − h¹ᵀW²h², one value per row."""
        v, h1, h2 = self._as(v), self._as(h1), self._as(h2)
        return (-(v @ self.b) - (h1 @ self.c1) - (h2 @ self.c2)
                - ((v @ self.W1) * h1).sum(-1) - ((h1 @ self.W2) * h2).sum(-1))

    def h1_input(self, v, h2) -> torch.Tensor:
        """c¹ + vᵀW¹ + W²h² (N, n1): what h¹ hears from both neighbours."""
        return torch.addmm(torch.addmm(self.c1, self._as(v), self.W1), self._as(h2), self.W2.T)

    def p_h1(self, v, h2, T: float = 1.0) -> torch.Tensor:
        """p(h¹ⱼ = 1 | v, h²) = σ((c¹ⱼ + vᵀW¹_{:j} + W²_{j:}h²) / T)."""
        return torch.sigmoid(self.h1_input(v, h2) / T)

    def p_v(self, h1, T: float = 1.0) -> torch.Tensor:
        """p(vᵢ = 1 | h¹) = σ((bᵢ + W¹_{i:}h¹) / T)."""
        return torch.sigmoid(torch.addmm(self.b, self._as(h1), self.W1.T) / T)

    def p_h2(self, h1, T: float = 1.0) -> torch.Tensor:
        """p(h²ₖ = 1 | h¹) = σ((c²ₖ + h¹ᵀW²_{:k}) / T)."""
        return torch.sigmoid(torch.addmm(self.c2, self._as(h1), self.W2) / T)

    # ------------------------------------------------------------------ two-block Gibbs
    def sample_even(self, h1, generator: torch.Generator, T: float = 1.0):
        """Block 1: v ~ p(v | h¹) and h² ~ p(h² | h¹), independently. Returns (pv, v, h2)."""
        pv = self.p_v(h1, T)
        return pv, bernoulli(pv, generator), bernoulli(self.p_h2(h1, T), generator)

    def sample_odd(self, v, h2, generator: torch.Generator, T: float = 1.0) -> torch.Tensor:
        """Block 2: h¹ ~ p(h¹ | v, h²)."""
        return bernoulli(self.p_h1(v, h2, T), generator)

    def gibbs_sweep(self, v, h1, h2, generator: torch.Generator, T: float = 1.0):
        """One sweep: {v, h²} | h¹, then h¹ | {v, h²}. Returns (v, h1, h2, p(v|h¹) of block 1).

        (The v passed in is replaced: given h¹ it carries no information the sweep needs.)
        """
        pv, v, h2 = self.sample_even(h1, generator, T)
        h1 = self.sample_odd(v, h2, generator, T)
        return v, h1, h2, pv

    def init_chains(self, n: int, generator: torch.Generator, v_rates: torch.Tensor | None = None):
        """Fresh chains: v ~ Bernoulli(v_rates) (default ½), then h¹ and h² by one upward pass
        (h¹ ~ σ(c¹ + 2vᵀW¹), the doubled input that stands in for the missing h²; h² ~ p(h²|h¹))."""
        rates = (torch.full((self.n_visible,), 0.5, dtype=self.dtype) if v_rates is None
                 else self._as(v_rates).reshape(-1))
        v = bernoulli(rates.expand(int(n), -1).contiguous(), generator)
        h1 = bernoulli(torch.sigmoid(torch.addmm(self.c1, v, 2.0 * self.W1)), generator)
        h2 = bernoulli(self.p_h2(h1), generator)
        return v, h1, h2

    def sample(self, n: int, sweeps: int, generator: torch.Generator, T: float = 1.0,
               chains: tuple | None = None, every: int | None = None, v_rates: torch.Tensor | None = None):
        """Run ``n`` two-block Gibbs chains for ``sweeps`` sweeps.

        Returns ``(probs, frames, chains)``: p(v | h¹) after the last sweep (n, m); ``frames`` (when
        ``every`` is set) the start and p(v|h¹) after every ``every`` sweeps and the last one;
        ``chains`` the final (v, h¹, h²) to continue from.
        """
        if int(n) < 1 or int(sweeps) < 1:
            raise ValueError(f"need n >= 1 chains and sweeps >= 1, got {n}, {sweeps}")
        if not (T > 0 and math.isfinite(T)):
            raise ValueError(f"temperature must be a positive number, got {T}")
        v, h1, h2 = chains if chains is not None else self.init_chains(int(n), generator, v_rates)
        if h1.shape != (int(n), self.n_h1):
            raise ValueError(f"chains hold {tuple(h1.shape)} hidden states, expected ({int(n)}, {self.n_h1})")
        n, sweeps, m = int(n), int(sweeps), self.n_visible
        frames = [self.p_v(h1, T)] if every is not None else None
        # The sweep as one block-Gibbs step of the equivalent RBM x = [v, h²] ↔ h¹ (``as_rbm_state``): two
        # products per sweep instead of four, on preallocated buffers, uniforms drawn in blocks
        # (``ebm_core.rbm.gibbs``). Each half is still an exact conditional draw.
        Wx = torch.cat([self.W1, self.W2.T], 0)
        bx = torch.cat([self.b, self.c2])
        Wxt = Wx.T
        h1 = self._as(h1).clone()
        x = torch.empty(n, m + self.n_h2, dtype=self.dtype)
        px, ph1 = torch.empty_like(x), torch.empty_like(h1)
        u_x = gibbs.Uniforms(generator, tuple(x.shape), sweeps)
        u_h1 = gibbs.Uniforms(generator, tuple(h1.shape), sweeps)
        for t in range(1, sweeps + 1):
            gibbs.draw_(x, gibbs.conditional_(px, bx, h1, Wxt, T), u_x.next())      # {v, h²} | h¹
            gibbs.draw_(h1, gibbs.conditional_(ph1, self.c1, x, Wx, T), u_h1.next())  # h¹ | {v, h²}
            if frames is not None and (t % int(every) == 0 or t == sweeps):
                frames.append(self.p_v(h1, T))
        pv = frames[-1] if frames is not None else self.p_v(h1, T)
        return pv, frames, (x[:, :m].contiguous(), h1, x[:, m:].contiguous())

    # ------------------------------------------------------------------ mean field
    def mean_field(self, v, tol: float = MF_TOL, max_iter: int = MF_MAX_ITER, init: tuple | None = None,
                   record: bool = False) -> MeanField:
        """Iterate μ¹ = σ(c¹ + vᵀW¹ + W²μ²), μ² = σ(c² + μ¹ᵀW²) until max |Δμ| < ``tol``.

        Starts from ``init`` = (μ¹, μ²) or, by default, from the upward pass
        μ¹ = σ(c¹ + 2vᵀW¹), μ² = σ(c² + μ¹ᵀW²) (Salakhutdinov & Hinton's initialisation: the
        doubled bottom-up input stands in for the top-down input not yet known).
        """
        v = self._as(v)
        if init is None:
            mu1 = torch.sigmoid(torch.addmm(self.c1, v, 2.0 * self.W1))
            mu2 = self.p_h2(mu1)
        else:
            mu1, mu2 = (self._as(x).clone() for x in init)
        history = [(mu1.clone(), mu2.clone())] if record else None
        vw = torch.addmm(self.c1, v, self.W1)  # the data's part of h¹'s input does not change
        deltas: list[float] = []
        converged = False
        for _ in range(int(max_iter)):
            new1 = torch.sigmoid(torch.addmm(vw, mu2, self.W2.T))
            new2 = self.p_h2(new1)
            delta = max(float((new1 - mu1).abs().max()), float((new2 - mu2).abs().max()))
            mu1, mu2 = new1, new2
            deltas.append(delta)
            if record:
                history.append((mu1.clone(), mu2.clone()))
            if delta < tol:
                converged = True
                break
        return MeanField(mu1, mu2, deltas, converged, history)

    def elbo_unnormalised(self, v, mu1, mu2) -> torch.Tensor:
        """𝓛(Q) + log Z = −E_Q[E(v, h¹, h²)] + 𝓗(Q) per row: the bound before subtracting log Z.

        With Q factorial and no connections inside a layer, E_Q[E] is E evaluated at the means.
        """
        v = self._as(v)
        return -self.energy(v, mu1, mu2) + _entropy(mu1) + _entropy(mu2)

    # ------------------------------------------------------------------ the equivalent RBM
    def as_rbm_state(self, h1_visible: bool = False) -> dict:
        """The DBM as an RBM (see the module docstring): visible x = [v, h²] and hidden h¹, or with
        ``h1_visible`` the same RBM the other way round (visible h¹, hidden [v, h²])."""
        W = torch.cat([self.W1, self.W2.T], 0)
        x_bias = torch.cat([self.b, self.c2])
        if h1_visible:
            return {"W": W.T.contiguous(), "b": self.c1.clone(), "c": x_bias}
        return {"W": W, "b": x_bias, "c": self.c1.clone()}

    def as_rbm(self, h1_visible: bool = False) -> RBM:
        return RBM.from_state(self.as_rbm_state(h1_visible))

    def free_energy_vh2(self, v, h2) -> torch.Tensor:
        """−log Σ_{h¹} exp(−E(v, h¹, h²)) = −bᵀv − c²ᵀh² − Σⱼ softplus(c¹ⱼ + vᵀW¹_{:j} + W²_{j:}h²)."""
        v, h2 = self._as(v), self._as(h2)
        return -(v @ self.b) - (h2 @ self.c2) - F.softplus(self.h1_input(v, h2)).sum(-1)

    # ------------------------------------------------------------------ monitoring
    def reconstruction_error(self, v, mf: MeanField | None = None) -> float:
        """Mean squared error per pixel between v and p(v | μ¹) after mean field."""
        v = self._as(v)
        mf = mf or self.mean_field(v, tol=1e-3, max_iter=30)
        return float(((v - self.p_v(mf.mu1)) ** 2).mean())


CHAIN_KEYS = ("chain_v", "chain_h1", "chain_h2")


def chains_state(chains) -> dict:
    """Persistent chains (Ṽ, H̃¹, H̃²) as uint8 tensors for a checkpoint (binary states, 1 byte each)."""
    return {k: t.to(torch.uint8).clone() for k, t in zip(CHAIN_KEYS, chains)}


def chains_from_state(dbm: DBM, state: dict, n: int | None = None):
    """The stored chains (as the DBM's dtype), repeated or cut to ``n`` rows; None when absent or malformed."""
    if not all(k in state for k in CHAIN_KEYS):
        return None
    v, h1, h2 = (torch.as_tensor(state[k]).to(dbm.dtype) for k in CHAIN_KEYS)
    if (v.ndim != 2 or v.shape[1] != dbm.n_visible or h1.shape != (v.shape[0], dbm.n_h1)
            or h2.shape != (v.shape[0], dbm.n_h2) or v.shape[0] < 1):
        return None
    if n is not None:
        idx = torch.arange(int(n)) % v.shape[0]
        v, h1, h2 = v[idx], h1[idx], h2[idx]
    return v.contiguous(), h1.contiguous(), h2.contiguous()
