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
``exact_log_z`` sums the second over all 2^{n₁} states h¹ (tiny models). ``ais_log_z`` anneals h¹
alone, with {v, h²} summed out: Salakhutdinov & Hinton (2009) sum out one side of the 2-layer DBM
the same way; annealing the n₁ units of h¹ rather than the m + n₂ units of [v, h²] gave clearly
larger (hence closer, AIS being biased low) estimates on the shipped model at equal cost.
``dbm_bound`` is the whole evaluation protocol (base rates, AIS, the mean-field bound on test and
training digits, its bracket): the page and ``python -m ebm_core evaluate`` both call it.

**Training** (``DBMTrainer``):

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

References: R. Salakhutdinov & G. Hinton, "Deep Boltzmann machines", AISTATS 2009; "An efficient
learning procedure for deep Boltzmann machines", Neural Computation 24(8), 2012; Goodfellow,
Bengio & Courville, *Deep Learning*, §20.4 and Algorithm 20.1.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F

from ebm_core.deep.phases import PhasedTrainer
from ebm_core.data.mnist import SUBSET_SEED
from ebm_core.deep.dbn import LAYER_UNITS
from ebm_core.ranges import SEED, Range, ranged, validate
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
        frames = [self.p_v(h1, T)] if every is not None else None
        for t in range(1, int(sweeps) + 1):
            v, h1, h2, _ = self.gibbs_sweep(v, h1, h2, generator, T)
            if frames is not None and (t % int(every) == 0 or t == int(sweeps)):
                frames.append(self.p_v(h1, T))
        pv = self.p_v(h1, T)
        return pv, frames, (v, h1, h2)

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


# ---------------------------------------------------------------------------------- exact (tiny)
MAX_EXACT_H1 = 20


def _all_states(n: int, dtype) -> torch.Tensor:
    """Every binary vector of length n, (2**n, n)."""
    idx = torch.arange(2 ** n).unsqueeze(1)
    return ((idx >> torch.arange(n)) & 1).to(dtype)


def exact_log_z(dbm: DBM, batch: int = 4096) -> float:
    """log Z by enumerating h¹ (n₁ ≤ 20): given h¹, v and h² are independent and sum out in closed form,
    Σ_{v,h²} e^{−E} = exp(c¹ᵀh¹) Πᵢ (1 + e^{bᵢ + W¹_{i:}h¹}) Πₖ (1 + e^{c²ₖ + h¹ᵀW²_{:k}})."""
    if dbm.n_h1 > MAX_EXACT_H1:
        raise ValueError(f"exact log Z enumerates 2^n1 states; n1 = {dbm.n_h1} > {MAX_EXACT_H1}")
    terms = []
    W1, W2 = dbm.W1.double(), dbm.W2.double()
    b, c1, c2 = dbm.b.double(), dbm.c1.double(), dbm.c2.double()
    for start in range(0, 2 ** dbm.n_h1, batch):
        idx = torch.arange(start, min(start + batch, 2 ** dbm.n_h1)).unsqueeze(1)
        h1 = ((idx >> torch.arange(dbm.n_h1)) & 1).double()
        terms.append(h1 @ c1 + F.softplus(h1 @ W1.T + b).sum(-1) + F.softplus(h1 @ W2 + c2).sum(-1))
    return float(torch.logsumexp(torch.cat(terms), 0))


def exact_log_prob(dbm: DBM, v, log_z: float | None = None) -> torch.Tensor:
    """log p(v) per row by enumerating h¹ (h² summed out in closed form): float64, (N,)."""
    if dbm.n_h1 > MAX_EXACT_H1:
        raise ValueError(f"exact log p(v) enumerates 2^n1 states; n1 = {dbm.n_h1} > {MAX_EXACT_H1}")
    v = torch.as_tensor(v).double()
    log_z = exact_log_z(dbm) if log_z is None else log_z
    h1 = _all_states(dbm.n_h1, torch.float64)  # (S, n1)
    W1, W2 = dbm.W1.double(), dbm.W2.double()
    # log Σ_{h2} exp(−E(v, h1, h2)) for every (v, h1): (N, S)
    t = (v @ dbm.b.double()).unsqueeze(1) + (h1 @ dbm.c1.double()).unsqueeze(0) + (v @ W1) @ h1.T
    t = t + F.softplus(h1 @ W2 + dbm.c2.double()).sum(-1).unsqueeze(0)
    return torch.logsumexp(t, 1) - log_z


# ---------------------------------------------------------------------------------- AIS and the bound
@dataclass
class DBMAIS:
    """log Z of a DBM by AIS over h¹ with {v, h²} summed out analytically."""

    log_z: float
    log_z_low: float
    log_z_high: float
    runs: int
    betas: int
    method: str
    ess: float  # effective sample size of the importance weights, (Σw)²/Σw²: near ``runs`` when reliable


def ais_log_z(dbm: DBM, runs: int = 100, betas: int = 10_000, generator: torch.Generator | None = None,
              base_rates: torch.Tensor | None = None, progress=None) -> DBMAIS:
    """AIS for the DBM's log Z, annealing h¹ with {v, h²} summed out analytically.

    The DBM is the RBM h¹ ↔ [v, h²] (``as_rbm(h1_visible=True)``: h¹ in the role of the visible layer),
    so the project's RBM AIS (``ebm_core.rbm.ais``) applies: a base model over h¹ with W = 0, annealed
    to the DBM through p*_β(h¹), each step one block-Gibbs move h¹ → {v, h²} → h¹ at β.
    ``base_rates`` (n₁,) sets the base model's probabilities for h¹ (``base_rates_from``: the mean of
    the mean-field μ¹ on data); default ½ everywhere. ``progress(fraction)`` is passed on.
    """
    from ebm_core.rbm import ais

    rbm = dbm.as_rbm(h1_visible=True)
    base_bias = None if base_rates is None else log_odds(torch.as_tensor(base_rates, dtype=dbm.dtype))
    res = ais.ais_log_z(rbm, runs=runs, betas=betas, base_visible_bias=base_bias,
                        generator=generator or torch.Generator().manual_seed(0), progress=progress)
    method = ("AIS over h¹ with {v, h²} summed out analytically (the DBM as the RBM h¹ ↔ [v, h²]; base model: "
              f"independent h¹ at the mean-field rates of the data), {res.runs} runs × {res.betas} inverse "
              "temperatures; " + str(getattr(res, "method", "")))
    return DBMAIS(float(res.log_z), float(res.log_z_low), float(res.log_z_high), int(res.runs), int(res.betas),
                  method.rstrip("; "), float(res.ess))


def base_rates_from(dbm: DBM, data) -> torch.Tensor:
    """Base-model rates for h¹: the mean over the data of the mean-field μ¹ (clipped to [10⁻³, 1 − 10⁻³])."""
    v = dbm._as(data)
    mu1 = torch.cat([dbm.mean_field(v[s:s + 1000], tol=1e-3, max_iter=30).mu1 for s in range(0, v.shape[0], 1000)])
    return mu1.double().mean(0).clamp(1e-3, 1 - 1e-3).to(dbm.dtype)


def lower_bound(dbm: DBM, v, log_z: float, tol: float = MF_TOL, max_iter: int = MF_MAX_ITER,
                batch: int = 1000) -> torch.Tensor:
    """The mean-field variational lower bound 𝓛(Q) ≤ log p(v) per row (float64, (N,)), given log Z."""
    v = torch.as_tensor(v)
    out = []
    for s in range(0, v.shape[0], batch):
        vb = dbm._as(v[s:s + batch])
        mf = dbm.mean_field(vb, tol=tol, max_iter=max_iter)
        out.append(dbm.elbo_unnormalised(vb, mf.mu1, mf.mu2).double() - log_z)
    return torch.cat(out)


# ------------------------------------------------------------------------------ the bound protocol
#: Defaults of ``python -m ebm_core evaluate dbm.pt``. On the shipped DBM, forward AIS was still rising from
#: 10,000 β (log Z 813.6) to 30,000 (819.5) and 100,000 (820.7, 20 runs): 30,000 is the default, and the
#: result warns when the weights degenerate.
AIS_RUNS = 100
AIS_BETAS = 30_000
#: Allowed AIS runs and inverse temperatures (CLI --runs/--betas, page choices).
RUNS = Range(2, 100_000, integer=True)
BETAS = Range(3, 1_000_000, integer=True)
#: A warning when the importance weights' effective sample size falls below this share of the runs.
LOW_ESS = 0.1


@dataclass
class DBMBound:
    """The DBM's likelihood bound as the page and the CLI report it (``dbm_bound``)."""

    log_z: float  # forward AIS estimate of log Z
    log_z_low: float  # its band (``ebm_core.rbm.ais``)
    log_z_high: float
    runs: int
    betas: int
    ess: float  # effective sample size of the AIS weights
    method: str
    test: float  # mean mean-field lower bound 𝓛(Q) on the test digits, nats per digit
    train: float  # the same on the training digits
    test_low: float  # the test bound when log Z is at the top of its band
    test_high: float  # … at the bottom (a larger log Z lowers the bound)
    n_test: int
    n_train: int
    seconds: float

    @property
    def low_ess(self) -> bool:
        return self.ess < LOW_ESS * self.runs

    def as_dict(self) -> dict:
        return asdict(self)


def bound_data(train, test, n_eval: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """The digits a bound is measured on: all of them, or ``n_eval`` per split (the first test digits, a
    fixed random subset of the training digits, whose files may be sorted by class)."""
    train, test = torch.as_tensor(train), torch.as_tensor(test)
    if n_eval is None:
        return train, test
    pick = torch.randperm(train.shape[0], generator=torch.Generator().manual_seed(SUBSET_SEED))[:int(n_eval)]
    return train[pick], test[:int(n_eval)]


def dbm_bound(dbm: DBM, train, test, runs: int = AIS_RUNS, betas: int = AIS_BETAS, seed: int = 0,
              n_eval: int | None = None, progress=None) -> DBMBound:
    """The bound protocol, one function for the page and ``evaluate``: on ``bound_data(train, test, n_eval)``,

    1. base-model rates for h¹ from the training digits (``base_rates_from``);
    2. forward AIS for log Z with ``runs`` × ``betas``, seeded by ``seed`` (``ais_log_z``);
    3. the mean-field lower bound per digit, averaged over the test and the training digits
       (``lower_bound``), with the test bound's bracket from the AIS band.

    ``progress(fraction, stage)``, stage one of "rates", "ais", "bound", is called as it goes.
    """
    runs, betas = RUNS.check("runs", runs), BETAS.check("betas", betas)
    report = progress or (lambda fraction, stage: None)
    x, xt = bound_data(train, test, n_eval)
    g = torch.Generator().manual_seed(int(seed))
    t0 = time.perf_counter()
    report(0.0, "rates")
    rates = base_rates_from(dbm, x)
    res = ais_log_z(dbm, runs=int(runs), betas=int(betas), generator=g, base_rates=rates,
                    progress=lambda f: report(0.9 * f, "ais"))
    report(0.9, "bound")
    test_b = float(lower_bound(dbm, xt, res.log_z).mean())
    train_b = float(lower_bound(dbm, x, res.log_z).mean())
    report(1.0, "bound")
    return DBMBound(log_z=res.log_z, log_z_low=res.log_z_low, log_z_high=res.log_z_high, runs=res.runs,
                    betas=res.betas, ess=res.ess, method=res.method, test=test_b, train=train_b,
                    test_low=test_b + res.log_z - res.log_z_high, test_high=test_b + res.log_z - res.log_z_low,
                    n_test=int(xt.shape[0]), n_train=int(x.shape[0]), seconds=time.perf_counter() - t0)


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
        lr = c.lr / (1.0 + c.lr_decay * self.epoch)
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
