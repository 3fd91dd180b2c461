r"""log Z of a two-layer DBM by annealing h¹ (v and h² summed out), forward and in reverse, from a base
fitted to the data.

**The annealed variable.** Write z = h¹ and x = [v, h²] (the DBM as the RBM x ↔ z, ``DBM.as_rbm_state``:
weights W_x = [W¹; W²ᵀ], bias b_x = [b; c²] on x, c¹ on z). x sums out given z, so the DBM's
marginal of z is f₁(z) = exp(c¹ᵀz) Πᵢ (1 + exp(b_x,i + (W_x z)ᵢ)), and Z = Σ_z f₁(z).

**The base, fitted to the data.** A mixture of N product distributions, one per training digit vₙ:
its mean-field posterior μ¹(vₙ) (``DBM.mean_field``), clipped to [ε, 1 − ε], with log-odds aₙ:

    p₀(z) = (1/N) Σₙ Πⱼ Bernoulli(zⱼ; μ¹ₙⱼ),     normalised (Z = 1), exact draws.

N = 1 with the mean of μ¹ over the data is the product ("base-rate") model the RBM's AIS uses; the
mixture starts the annealing from the hidden states the data actually use, which are near the DBM's
modes. (Measured on the shipped DBM: see ``dbm_bound``.)

**The path.** A joint over (z, x, n) (n the mixture component) tempers the base and the DBM's energy:

    f_β(z, x, n) = (1/N) exp((1 − β)(aₙᵀz − Aₙ) − β E(x, z)),        Aₙ = Σⱼ softplus(aₙⱼ),

so f₀ is the base with x uniform (Z₀ = 2^{m + n₂}) and f₁ the DBM with n uniform (Z₁ = Z). Summing
x and n out,

    log f_β(z) = logsumexpₙ[(1 − β)(aₙᵀz − Aₙ)] − log N + β c¹ᵀz + Σᵢ softplus(β (b_x + W_x z)ᵢ).

Given z, x and n are independent (x ~ σ(β(b_x + W_x z)), n ~ softmax((1 − β)(aₙᵀz − Aₙ))); given
(x, n), z is factorial (σ((1 − β)aₙ + β(c¹ + W_xᵀx))). So the kernel T_β "draw (x, n) | z, then
z | (x, n)" leaves f_β(z) invariant and is reversible (a data-augmentation kernel), as AIS and its
reverse need.

**Forward AIS** (``forward``): z₀ ~ p₀, then for k = 1…K: log w += log f_{β_k}(z) − log f_{β_{k−1}}(z) and
z ~ T_{β_k}. log Ẑ = log Z₀ + log mean w; E[Ẑ] = Z, so log Ẑ tends to be low: a stochastic lower bound.

**Reverse AIS** (``reverse``, RAISE-style: Burda, Grosse & Salakhutdinov 2015). For a test digit v:
z_K ~ q(z | v) = Πⱼ Bernoulli(μ¹ⱼ(v)) (its mean-field posterior, clipped as the base), then
z_{k−1} ~ T_{β_k}(· | z_k) for k = K…1, and

    log p̂(v) = log p*(v, z_K) − log q(z_K | v) − log Z₀ + Σ_{k<K} [log f_{β_k}(z_k) − log f_{β_{k+1}}(z_k)],

with p*(v, z) = Σ_{h²} e^{−E} in closed form. p̂(v) is an unbiased estimate of the annealing model's
p_ann(v) (the forward chain followed by v ~ p(v | z_K)) for *any* q, so mean log p̂(v) is a stochastic
lower bound of its log-likelihood: conservative (p_ann → p as K grows). The sum alone gives
log Z_rev = log Z₀ − mean Σ[…]: were the z_K exact draws of the DBM, E[log Z_rev] ≥ log Z (an
upper-type estimate, as in the RBM's bracket); here they are the data's hidden states.

Both accumulate their log weights in float64 from float32 products (as ``ebm_core.rbm.ais``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from ebm_core.deep.dbm import DBM
from ebm_core.rbm.ais import beta_schedule

#: Mean-field rates are clipped to [EPS, 1 − EPS] in the base and in q(z | v): every state keeps some mass.
EPS = 1e-3
#: Training digits whose posteriors make the mixture base (a fixed random subset).
N_COMPONENTS = 500


@dataclass
class Base:
    """The base p₀(z): a mixture of products with log-odds ``a`` (N, n₁)."""

    a: torch.Tensor  # (N, n1) float32
    A: torch.Tensor  # (N,) float32, Σⱼ softplus(aₙⱼ)
    description: str
    log_pi: torch.Tensor | None = None  # (N,) float32 log mixture weights, None: 1/N each

    @property
    def n(self) -> int:
        return self.a.shape[0]

    def log_weights(self) -> torch.Tensor:
        return self.log_pi if self.log_pi is not None else torch.full((self.n,), -math.log(self.n))


def _logits(mu: torch.Tensor, eps: float = EPS) -> torch.Tensor:
    p = mu.double().clamp(eps, 1 - eps)
    return (torch.log(p) - torch.log1p(-p)).to(torch.float32)


def posterior_means(dbm: DBM, data, batch: int = 1000) -> torch.Tensor:
    """Mean-field μ¹(v) for every row of ``data`` (float32, (N, n₁))."""
    v = dbm._as(torch.as_tensor(data))
    return torch.cat([dbm.mean_field(v[s:s + batch], tol=1e-3, max_iter=30).mu1.float()
                      for s in range(0, v.shape[0], batch)])


def data_base(dbm: DBM, data, n_components: int = N_COMPONENTS, seed: int = 0) -> Base:
    """The mixture base from ``n_components`` training digits (a fixed random subset); with
    ``n_components`` = 1 the product of the mean posterior rates (the base-rate model)."""
    data = torch.as_tensor(data)
    if int(n_components) == 1:
        a = _logits(posterior_means(dbm, data).double().mean(0, keepdim=True))
        desc = "independent h¹ at the mean mean-field rates of the data (base-rate model)"
    else:
        pick = torch.randperm(data.shape[0], generator=torch.Generator().manual_seed(int(seed)))[:int(n_components)]
        a = _logits(posterior_means(dbm, data[pick]))
        desc = (f"mixture of the mean-field posteriors q(h¹ | v) of {a.shape[0]} training digits "
                f"(rates clipped to [{EPS:g}, {1 - EPS:g}])")
    return Base(a=a.contiguous(), A=F.softplus(a.double()).sum(1).float(), description=desc)


class _Path:
    """The annealing path of one DBM and one base: log f_β(z) and the kernel T_β."""

    def __init__(self, dbm: DBM, base: Base):
        self.Wx = torch.cat([dbm.W1, dbm.W2.T], 0).float().contiguous()  # (m + n2, n1)
        self.bx = torch.cat([dbm.b, dbm.c2]).float()
        self.c1 = dbm.c1.float()
        self.base = base
        self.log_z0 = self.Wx.shape[0] * math.log(2.0)
        self.log_pi = base.log_weights().float()

    def inputs(self, z):
        """(b_x + W_x z, aₙᵀz − Aₙ): the two inputs z sends, (R, m + n2) and (R, N), float32."""
        return torch.addmm(self.bx, z, self.Wx.T), torch.addmm(-self.base.A, z, self.base.a.T)

    def _n_logits(self, L64, beta: float):
        return (1.0 - beta) * L64 + self.log_pi.double()

    def log_f(self, z, y, L, beta: float) -> torch.Tensor:
        """log f_β(z) in float64 (R,)."""
        y64, L64 = y.double(), L.double()
        return (torch.logsumexp(self._n_logits(L64, beta), 1) + beta * (z.double() @ self.c1.double())
                + F.softplus(beta * y64).sum(1))

    def delta(self, z, y, L, beta_new: float, beta_old: float) -> torch.Tensor:
        return self.log_f(z, y, L, beta_new) - self.log_f(z, y, L, beta_old)

    def step(self, y, L, beta: float, g: torch.Generator) -> torch.Tensor:
        """z' ~ T_β(· | z), given z's inputs (y, L): (x, n) | z, then z | (x, n)."""
        x = (torch.rand(y.shape, generator=g) < torch.sigmoid(beta * y)).float()
        if self.base.n == 1:
            n = torch.zeros(y.shape[0], dtype=torch.int64)
        else:  # Gumbel-max: argmax of the logits minus the log of Exp(1) draws is a softmax draw
            e = torch.empty(L.shape).exponential_(generator=g)
            n = ((1.0 - beta) * L + self.log_pi - torch.log(e)).argmax(1)
        zin = torch.addmm(self.c1, x, self.Wx).mul_(beta).add_(self.base.a[n], alpha=1.0 - beta)
        return (torch.rand(zin.shape, generator=g) < torch.sigmoid(zin)).float()

    def draw_base(self, r: int, g: torch.Generator) -> torch.Tensor:
        if self.base.log_pi is None:
            if r < self.base.n:
                raise ValueError(f"{r} runs cannot start once from each of the base's {self.base.n} components")
            # Stratified: component i mod N for run i; ``forward`` averages within components, then over
            # them, so Ẑ stays unbiased and which components were drawn no longer adds to its variance.
            n = torch.arange(r) % self.base.n
        else:
            n = torch.multinomial(self.log_pi.double().exp(), r, replacement=True, generator=g)
        return (torch.rand(r, self.Wx.shape[1], generator=g) < torch.sigmoid(self.base.a[n])).float()


@dataclass
class Forward:
    log_z: float
    log_z_low: float    # log(Ẑ − 3σ̂), −inf when Ẑ ≤ 3σ̂
    log_z_high: float   # log(Ẑ + 3σ̂)
    std_err: float      # delta-method s.e. of log Ẑ
    ess: float          # effective runs, (Σw)²/Σw²
    runs: int
    betas: int
    log_w: np.ndarray = field(repr=False)
    resamples: int = 0
    min_ess: float = 0.0


@dataclass
class Reverse:
    log_z: float           # log Z₀ − mean Σ[…]: the upper-type estimate
    log_z_std_err: float
    log_p: np.ndarray = field(repr=False)  # per digit, the RAISE estimate log p̂(v)
    avg_log_likelihood: float = 0.0         # mean log p̂(v): conservative
    std_err: float = 0.0
    n: int = 0
    betas: int = 0


def _band(log_w: np.ndarray):
    a = float(log_w.max())
    w = np.exp(log_w - a)
    m = w.mean()
    se = w.std(ddof=1) / math.sqrt(w.size)
    lo = a + math.log(m - 3 * se) if m - 3 * se > 0 else -math.inf
    return a + math.log(m), lo, a + math.log(m + 3 * se), se / m, float(w.sum() ** 2 / (w ** 2).sum())


def forward(dbm: DBM, base: Base, runs: int, betas, generator: torch.Generator, resample: float = 0.0,
            progress=None) -> Forward:
    """Forward AIS for log Z (module docstring); ``betas`` an int K or a schedule (``beta_schedule``).

    With ``resample`` > 0 the runs are a population (sequential Monte Carlo, Del Moral, Doucet & Jasra
    2006): whenever the effective runs fall below ``resample`` × runs, log mean w is banked and the runs
    are redrawn in proportion to w (multinomial), their weights reset to 1. Ẑ = Π (banked means) stays
    unbiased; runs stuck in modes that lose mass are moved to those that gain it.
    """
    runs = int(runs)
    if runs < 2:
        raise ValueError(f"AIS needs at least 2 runs, got {runs}")
    sched = beta_schedule(betas)
    K = len(sched) - 1
    path = _Path(dbm, base)
    every = max(1, K // 50)
    z = path.draw_base(runs, generator)
    lw = torch.zeros(runs, dtype=torch.float64)
    banked, resamples, min_ess = 0.0, 0, float(runs)
    for k in range(1, K + 1):
        y, L = path.inputs(z)
        lw += path.delta(z, y, L, float(sched[k]), float(sched[k - 1]))
        if resample > 0 and k < K:
            w = torch.exp(lw - lw.max())
            ess = float(w.sum() ** 2 / (w ** 2).sum())
            min_ess = min(min_ess, ess)
            if ess < resample * runs:
                banked += float(torch.logsumexp(lw, 0)) - math.log(runs)
                idx = torch.multinomial(w, runs, replacement=True, generator=generator)
                z, y, L = z[idx], y[idx], L[idx]
                lw = torch.zeros(runs, dtype=torch.float64)
                resamples += 1
        if k < K:
            z = path.step(y, L, float(sched[k]), generator)
        if progress is not None and k % every == 0:
            progress(k / K)
    log_w = lw.numpy()
    m, lo, hi, se, ess = _band(log_w)
    if base.log_pi is None and resamples == 0:
        # The stratified estimate: the mean weight within each starting component, averaged over the
        # components (the plain mean when every component started the same number of runs).
        comp = np.arange(runs) % base.n
        lw_t = torch.as_tensor(log_w)
        per = torch.stack([torch.logsumexp(lw_t[torch.as_tensor(comp == c)], 0) - math.log(int((comp == c).sum()))
                           for c in range(min(base.n, runs))])
        m = float(torch.logsumexp(per, 0)) - math.log(per.numel())
    z0 = path.log_z0 + banked
    return Forward(log_z=z0 + m, log_z_low=z0 + lo, log_z_high=z0 + hi, std_err=se, ess=ess, runs=runs, betas=K,
                   log_w=log_w, resamples=resamples, min_ess=min_ess if resample > 0 else ess)


def log_joint(dbm: DBM, v, z) -> torch.Tensor:
    """log p*(v, h¹) = bᵀv + c¹ᵀh¹ + vᵀW¹h¹ + Σₖ softplus(c²ₖ + h¹ᵀW²_{:k}) (h² summed out), float64."""
    v, z = torch.as_tensor(v).double(), torch.as_tensor(z).double()
    W1, W2 = dbm.W1.double(), dbm.W2.double()
    return (v @ dbm.b.double() + z @ dbm.c1.double() + ((v @ W1) * z).sum(1)
            + F.softplus(z @ W2 + dbm.c2.double()).sum(1))


def reverse(dbm: DBM, base: Base, v, betas, generator: torch.Generator, chunk: int = 500,
            progress=None, start: torch.Tensor | None = None) -> Reverse:
    """Reverse AIS from each row of ``v`` (module docstring). ``start`` (rows of z) replaces the draws from
    q(z | v) (then log p̂ is not returned meaningfully: a test starts from exact model draws this way)."""
    sched = beta_schedule(betas)
    K = len(sched) - 1
    path = _Path(dbm, base)
    v = torch.as_tensor(v).float()
    nv = v.shape[0]
    if nv < 2:
        raise ValueError("reverse AIS needs at least 2 digits")
    mu = None if start is not None else torch.sigmoid(_logits(posterior_means(dbm, v)))
    sums, heads, every = [], [], max(1, K // 50)
    for s in range(0, nv, int(chunk)):
        vb = v[s:s + int(chunk)]
        r = vb.shape[0]
        if start is not None:
            z = torch.as_tensor(start[s:s + int(chunk)]).float()
            head = torch.zeros(r, dtype=torch.float64)
        else:
            q = mu[s:s + int(chunk)].double()
            z = (torch.rand(q.shape, generator=generator, dtype=torch.float64) < q).float()
            log_q = (z.double() * torch.log(q) + (1 - z.double()) * torch.log1p(-q)).sum(1)
            head = log_joint(dbm, vb, z) - log_q
        acc = torch.zeros(r, dtype=torch.float64)
        y, L = path.inputs(z)
        for k in range(K, 0, -1):
            z = path.step(y, L, float(sched[k]), generator)  # z_{k−1} ~ T_{β_k}(· | z_k)
            y, L = path.inputs(z)
            acc += path.delta(z, y, L, float(sched[k - 1]), float(sched[k]))
            if progress is not None and (K - k + 1) % every == 0:
                progress((s * K + (K - k + 1) * r) / (nv * K))
        sums.append(acc.numpy())
        heads.append(head.numpy())
    acc, head = np.concatenate(sums), np.concatenate(heads)
    log_p = head + acc - path.log_z0
    log_z = path.log_z0 - float(acc.mean())
    return Reverse(log_z=log_z, log_z_std_err=float(acc.std(ddof=1) / math.sqrt(nv)), log_p=log_p,
                   avg_log_likelihood=float(log_p.mean()), std_err=float(log_p.std(ddof=1) / math.sqrt(nv)),
                   n=nv, betas=K)
