r"""The partition function of an RBM: exactly (small layers) and by annealed importance sampling.

An RBM's log-likelihood log p(v) = −F(v) − log Z needs log Z = log Σ_{v,h} e^{−E(v,h)}, a sum
over 2^{m+n} states.

**Exact** (``exact_log_z``). Sum out the larger layer analytically and enumerate the smaller one:
with the hidden layer enumerated, log Z = logsumexp_h [cᵀh + Σ_i softplus(b_i + W_{i:}h)]
(2^n terms); symmetric for the visible layer. Feasible up to 20 units (about a million terms);
done in float64, in chunks.

**AIS** (``ais_log_z``; Neal 2001, Salakhutdinov & Murray 2008, "On the quantitative analysis of
deep belief networks"). Anneal from a base model A with W = 0, hidden bias 0 and visible bias
b_A (the "base-rate model": b_A = log-odds of the training data's pixel means, ``base_rate_bias``)
to the RBM B through 0 = β_0 < β_1 < … < β_K = 1 with unnormalised marginals

    log p*_β(v) = (1 − β) b_Aᵀv + β bᵀv + Σ_j softplus(β (c_j + vᵀW_{:j})),

(log Z_0 = Σ_i softplus(b_A,i) + n log 2, known exactly). Each run draws v ~ p_0 exactly, then for
k = 1..K adds log p*_{β_k}(v) − log p*_{β_{k−1}}(v) to its log weight and moves v by one block-Gibbs
step that leaves p_{β_k} invariant (h_j ~ σ(β_k(c_j + vᵀW_{:j})), v_i ~ σ((1−β_k) b_A,i +
β_k(b_i + W_{i:}h))). Then Ẑ_B/Z_0 = mean of the weights w = e^{log w} is unbiased, and

    log Ẑ = log Z_0 + log mean_r w_r.

Runs are vectorised (one (runs, m) matrix per step); the log weights accumulate in float64
(the per-step increments are computed from float64 copies of the hidden inputs). Error band: with
σ̂ the standard error of mean w over the runs, ``log_z_low, log_z_high = log(Ẑ ∓ 3σ̂)`` (the
band Salakhutdinov & Murray report; −∞ when Ẑ − 3σ̂ ≤ 0, i.e. when a few runs dominate: look at
``ess``); ``log_z_std_err`` = σ̂/Ẑ is the delta-method standard error of log Ẑ. Because E[Ẑ] = Z, Jensen gives
E[log Ẑ] ≤ log Z: forward AIS tends to *under*-estimate log Z, i.e. to *over*-estimate the
log-likelihood — an optimistic number.

**Reverse AIS / RAISE** (``reverse_ais``; Burda, Grosse & Salakhutdinov 2015, "Accurate and
conservative estimates of MRF log-likelihood using reverse annealing"). The forward annealing
chain above (v_0 ~ p_0, then the Gibbs steps T_1..T_K) is itself a generative model p_ann(v_K).
Starting at a *test* digit v_K = v and running the same kernels backwards (v_{k−1} ~ T_k(·|v_k);
block Gibbs is reversible, so its reversal is itself) gives

    log p̂(v) = −F(v) − log Z_0 + Σ_{k=1}^{K} [log p*_{β_{k−1}}(v_{k−1}) − log p*_{β_k}(v_{k−1})],

an unbiased estimate of p_ann(v); so E[log p̂(v)] ≤ log p_ann(v): a stochastic LOWER bound on the
annealing model's log-likelihood, which tends to the RBM's as K grows. It is conservative in
practice (Burda et al.: it under-estimates the RBM's log-likelihood), not a guaranteed bound for
the RBM itself. From an average over test digits we report the implied
``log Z_rev = mean(−F(v)) − mean(log p̂(v))``, an upper-bound-type estimate of log Z.
Together: mean(−F) − log Z_rev (pessimistic) ≲ true test log-likelihood ≲ mean(−F) − log Ẑ.

**The likelihood bracket** (``likelihood_bracket``): the one protocol the page and the command line
report, so that a number does not depend on where it was computed. From one generator seeded
by ``seed``: forward AIS with ``runs`` runs and ``betas`` steps from the base-rate model of the
training digits; then reverse AIS from ``runs`` test digits drawn at random (same schedule, same
base); then

    log Z ∈ [log(Ẑ − 3σ̂), max(log(Ẑ + 3σ̂), log Z_rev)],   test LL = mean(−F(test)) − log Ẑ

with the LL bracket the log Z bracket upside down, and, when a layer has at most
``MAX_EXACT_UNITS`` units, the exact log Z and likelihoods beside them.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from ebm_core.ranges import Range
from ebm_core.rbm.model import RBM, log_odds

#: Largest layer ``exact_log_z`` will enumerate.
MAX_EXACT_UNITS = 20
#: Annealing runs (forward; reverse-AIS digits) and inverse temperatures a user may ask for.
RUNS = Range(2, 100_000, integer=True)
BETAS = Range(3, 1_000_000, integer=True)


# ------------------------------------------------------------------------------------ exact
def _binary_states(n: int, start: int, stop: int) -> torch.Tensor:
    """Rows start..stop-1 of the 2^n binary states, float64 (n,) each, least significant bit first."""
    idx = torch.arange(start, stop, dtype=torch.int64)
    return ((idx[:, None] >> torch.arange(n, dtype=torch.int64)) & 1).to(torch.float64)


def exact_log_z(rbm: RBM, chunk: int = 1 << 14) -> float:
    """log Z by enumerating the smaller layer (≤ 20 units) and summing the other out, in float64.

    Raises ValueError when both layers have more than ``MAX_EXACT_UNITS`` units.
    """
    W = rbm.W.to(torch.float64)
    b, c = rbm.b.to(torch.float64), rbm.c.to(torch.float64)
    if rbm.n_hidden <= rbm.n_visible:
        n, lin, other_bias, M = rbm.n_hidden, c, b, W.T  # states h: cᵀh + Σ_i softplus(b_i + W_i: h)
    else:
        n, lin, other_bias, M = rbm.n_visible, b, c, W   # states v: bᵀv + Σ_j softplus(c_j + vᵀW_:j)
    if n > MAX_EXACT_UNITS:
        raise ValueError(f"exact log Z enumerates 2^{n} states; only layers of at most {MAX_EXACT_UNITS} "
                         f"units are enumerated (this RBM has {rbm.n_visible} visible and {rbm.n_hidden} hidden)")
    parts = []
    for start in range(0, 1 << n, chunk):
        s = _binary_states(n, start, min(1 << n, start + chunk))
        parts.append(torch.logsumexp(s @ lin + F.softplus(other_bias + s @ M).sum(1), 0))
    return float(torch.logsumexp(torch.stack(parts), 0))


def exact_log_likelihood(rbm: RBM, v) -> float:
    """mean log p(v) with the exact log Z (small layers only)."""
    return average_log_likelihood(rbm, v, exact_log_z(rbm))


def average_log_likelihood(rbm: RBM, v, log_z: float) -> float:
    """mean over rows of log p(v) = −F(v) − log Z (F in float64)."""
    v64 = torch.as_tensor(v).to(torch.float64)
    r64 = RBM.from_state({k: t.to(torch.float64) for k, t in rbm.state().items()})
    return float((-r64.free_energy(v64)).mean()) - float(log_z)


def base_rate_bias(data, pseudo_count: float = 1.0) -> torch.Tensor:
    """b_A for the base-rate model: log-odds of the smoothed pixel means (Σv + α)/(N + 2α).

    The smoothing keeps a pixel that is never on finite (α = 1, N = 5000: b ≈ −8.5).
    """
    x = torch.as_tensor(data).to(torch.float64)
    rates = (x.sum(0) + pseudo_count) / (x.shape[0] + 2 * pseudo_count)
    return log_odds(rates, eps=0.0).to(torch.float32)


# ------------------------------------------------------------------------------ schedules
def beta_schedule(betas) -> np.ndarray:
    """Inverse temperatures 0 = β_0 < … < β_K = 1 (float64).

    An int K gives Salakhutdinov & Murray's piecewise-linear schedule scaled to K steps: a
    500 : 4000 : 10000 split of the steps over [0, 0.5], [0.5, 0.9] and [0.9, 1] (denser near 1,
    where the distributions change fastest). An explicit increasing sequence from 0 to 1 is used
    as given.
    """
    if isinstance(betas, (int, np.integer)):
        K = int(betas)
        if K < 3:
            raise ValueError(f"need at least 3 inverse temperatures, got {K}")
        n1 = max(1, round(K * 500 / 14500))
        n2 = max(1, round(K * 4000 / 14500))
        n3 = max(1, K - n1 - n2)
        s = np.concatenate([np.linspace(0.0, 0.5, n1, endpoint=False),
                            np.linspace(0.5, 0.9, n2, endpoint=False),
                            np.linspace(0.9, 1.0, n3 + 1)])
        return s
    s = np.asarray(betas, dtype=np.float64)
    if s.ndim != 1 or s.size < 2 or s[0] != 0.0 or s[-1] != 1.0 or np.any(np.diff(s) <= 0):
        raise ValueError("an explicit schedule must increase strictly from 0 to 1")
    return s


# ------------------------------------------------------------------------------------ AIS
@dataclass
class AISResult:
    log_z: float
    log_z_low: float   # log(Ẑ − 3σ̂) (−inf when Ẑ ≤ 3σ̂)
    log_z_high: float  # log(Ẑ + 3σ̂)
    log_w: np.ndarray = field(repr=False)  # (runs,) float64: log importance weights (without log Z_0)
    runs: int = 0
    betas: int = 0     # K, the number of annealing steps
    log_z_base: float = 0.0
    base: str = "base-rate model from data"
    method: str = ""
    #: delta-method standard error of log Ẑ, s.e.(w̄)/w̄ (reported beside the band; when the
    #: weights are heavy-tailed — small ``ess`` — both understate the real uncertainty)
    log_z_std_err: float = math.nan

    @property
    def ess(self) -> float:
        """Effective sample size of the weights, (Σw)²/Σw²: near `runs` means a reliable estimate."""
        w = np.exp(self.log_w - self.log_w.max())
        return float(w.sum() ** 2 / (w ** 2).sum())

    def as_dict(self) -> dict:
        return {"log_z": self.log_z, "log_z_low": self.log_z_low, "log_z_high": self.log_z_high,
                "runs": self.runs, "betas": self.betas, "log_z_base": self.log_z_base, "base": self.base,
                "method": self.method, "ess": self.ess, "log_z_std_err": self.log_z_std_err}


def _log_mean_band(log_w: np.ndarray) -> tuple[float, float, float, float]:
    """log mean w, log(mean ∓ 3 s.e.) and the delta-method s.e. of log mean w (s.e. / mean),
    computed relative to max log w (no overflow)."""
    a = float(log_w.max())
    w = np.exp(log_w - a)
    m = w.mean()
    se = w.std(ddof=1) / math.sqrt(w.size) if w.size > 1 else math.inf
    lo = a + math.log(m - 3 * se) if m - 3 * se > 0 else -math.inf
    return a + math.log(m), lo, a + math.log(m + 3 * se), se / m


def _prep(rbm: RBM, base_visible_bias):
    W = rbm.W.to(torch.float32)
    b, c = rbm.b.to(torch.float32), rbm.c.to(torch.float32)
    if base_visible_bias is None:
        bA = torch.zeros_like(b)
        base = "uniform base model (b_A = 0)"
    else:
        bA = torch.as_tensor(base_visible_bias, dtype=torch.float32).reshape(-1)
        if bA.shape != b.shape:
            raise ValueError(f"base_visible_bias has {bA.shape[0]} entries, expected {b.shape[0]}")
        base = "base-rate model from data"
    log_z0 = float(F.softplus(bA.to(torch.float64)).sum()) + rbm.n_hidden * math.log(2.0)
    return W, b, c, bA, log_z0, base


def _log_p_star_delta(v, x, b_minus_bA, beta_new: float, beta_old: float) -> torch.Tensor:
    """log p*_{β_new}(v) − log p*_{β_old}(v), float64 (x = c + vᵀW, the hidden inputs).

    The softplus difference of two nearby β is taken in float64 (in float32 it would lose most of
    its digits); vᵀ(b − b_A) is summed in float32 (binary v; the product with β_new − β_old ≈ 1e-4
    makes its rounding negligible) and then widened.
    """
    x64 = x.to(torch.float64)
    return (beta_new - beta_old) * (v @ b_minus_bA).to(torch.float64) \
        + (F.softplus(beta_new * x64) - F.softplus(beta_old * x64)).sum(1)


def ais_log_z(rbm: RBM, runs: int = 100, betas=10000, base_visible_bias=None,
              generator: torch.Generator | None = None, chunk: int = 1000, progress=None) -> AISResult:
    """Forward AIS estimate of log Z (see the module docstring).

    ``runs`` independent annealing runs (vectorised ``chunk`` at a time), ``betas`` an int K
    (``beta_schedule``) or an explicit schedule, ``base_visible_bias`` b_A (None: uniform base,
    b_A = 0; pass ``base_rate_bias(train_data)`` for the base-rate model).
    ``progress(fraction)`` is called now and then (a page's progress bar).
    """
    runs = int(runs)
    if runs < 2:
        raise ValueError(f"AIS needs at least 2 runs (for an error band), got {runs}")
    sched = beta_schedule(betas)
    g = generator if generator is not None else torch.Generator().manual_seed(0)
    W, b, c, bA, log_z0, base = _prep(rbm, base_visible_bias)
    bmb = b - bA
    pA = torch.sigmoid(bA)
    K = len(sched) - 1
    log_w = []
    total, done = runs * K, 0
    every = max(1, K // 50)
    for start in range(0, runs, int(chunk)):
        r = min(int(chunk), runs - start)
        v = (torch.rand(r, rbm.n_visible, generator=g) < pA).to(torch.float32)  # exact draw from p_0
        lw = torch.zeros(r, dtype=torch.float64)
        for k in range(1, K + 1):
            beta, beta_old = float(sched[k]), float(sched[k - 1])
            x = torch.addmm(c, v, W)
            lw += _log_p_star_delta(v, x, bmb, beta, beta_old)
            if k < K:  # T_k: one block-Gibbs step leaving p_{β_k} invariant
                h = (torch.rand(x.shape, generator=g) < torch.sigmoid(beta * x)).to(torch.float32)
                vin = torch.addmm(b, h, W.T).mul_(beta).add_(bA, alpha=1.0 - beta)
                v = (torch.rand(vin.shape, generator=g) < torch.sigmoid(vin)).to(torch.float32)
            if progress is not None and k % every == 0:
                progress((done + k * r) / total)
        done += K * r
        log_w.append(lw.numpy())
    log_w = np.concatenate(log_w)
    m, lo, hi, se_log = _log_mean_band(log_w)
    if progress is not None:
        progress(1.0)
    return AISResult(log_z=log_z0 + m, log_z_low=log_z0 + lo, log_z_high=log_z0 + hi, log_w=log_w,
                     runs=runs, betas=K, log_z_base=log_z0, base=base, log_z_std_err=se_log,
                     method=f"forward AIS (Salakhutdinov & Murray 2008), {runs} runs, {K} steps; "
                            "band log(Z ± 3 s.e.)")


@dataclass
class ReverseAISResult:
    avg_log_likelihood: float   # mean over the digits of log p̂(v): conservative
    std_err: float              # standard error of that mean over the digits
    log_p: np.ndarray = field(repr=False)  # (n,) per-digit estimates
    implied_log_z: float = 0.0  # mean(−F(v)) − avg_log_likelihood
    implied_log_z_std_err: float = 0.0  # its Monte-Carlo standard error
    n: int = 0
    betas: int = 0
    base: str = ""
    method: str = ""

    def as_dict(self) -> dict:
        return {"avg_log_likelihood": self.avg_log_likelihood, "std_err": self.std_err,
                "implied_log_z": self.implied_log_z,
                "implied_log_z_std_err": self.implied_log_z_std_err, "n": self.n, "betas": self.betas,
                "base": self.base,
                "method": self.method}


def reverse_ais(rbm: RBM, v, betas=10000, base_visible_bias=None, generator: torch.Generator | None = None,
                chunk: int = 1000, progress=None) -> ReverseAISResult:
    """RAISE (see the module docstring): one reverse annealing run from each row of ``v``.

    Returns the average conservative log-likelihood estimate over the rows and the log Z it
    implies. Use the same ``betas`` and ``base_visible_bias`` as the forward run.
    """
    sched = beta_schedule(betas)
    g = generator if generator is not None else torch.Generator().manual_seed(0)
    W, b, c, bA, log_z0, base = _prep(rbm, base_visible_bias)
    bmb = b - bA
    data = torch.as_tensor(v).to(torch.float32).reshape(-1, rbm.n_visible)
    n = data.shape[0]
    if n < 2:
        raise ValueError("reverse AIS needs at least 2 digits")
    K = len(sched) - 1
    b64, c64, W64 = b.double(), c.double(), W.double()
    out = []
    every = max(1, K // 50)
    for start in range(0, n, int(chunk)):
        vk = data[start:start + int(chunk)].clone()
        r = vk.shape[0]
        # −F(v_K) at β = 1, in float64.
        acc = (vk.double() @ b64) + F.softplus(torch.addmm(c64, vk.double(), W64)).sum(1) - log_z0
        x = torch.addmm(c, vk, W)
        for k in range(K, 0, -1):
            beta, beta_old = float(sched[k]), float(sched[k - 1])
            # v_{k−1} ~ T_k(·|v_k): block Gibbs at β_k (T_K is the RBM's own kernel).
            h = (torch.rand(x.shape, generator=g) < torch.sigmoid(beta * x)).to(torch.float32)
            vin = torch.addmm(b, h, W.T).mul_(beta).add_(bA, alpha=1.0 - beta)
            vk = (torch.rand(vin.shape, generator=g) < torch.sigmoid(vin)).to(torch.float32)
            x = torch.addmm(c, vk, W)
            acc -= _log_p_star_delta(vk, x, bmb, beta, beta_old)
            if progress is not None and (K - k + 1) % every == 0:
                progress((start * K + (K - k + 1) * r) / (n * K))
        out.append(acc.numpy())
    log_p = np.concatenate(out)
    neg_f_each = (-RBM.from_state({k: t.double() for k, t in rbm.state().items()}).free_energy(data.double())).numpy()
    neg_f = float(neg_f_each.mean())
    avg = float(log_p.mean())
    # Monte-Carlo error of the implied log Z: spread over digits of −F(v) − log p̂(v) (the part of
    # log p̂ that is noise and annealing gap, not the digits' own spread of likelihoods).
    implied_se = float((neg_f_each - log_p).std(ddof=1) / math.sqrt(n))
    if progress is not None:
        progress(1.0)
    return ReverseAISResult(avg_log_likelihood=avg, std_err=float(log_p.std(ddof=1) / math.sqrt(n)), log_p=log_p,
                            implied_log_z=neg_f - avg, implied_log_z_std_err=implied_se, n=n, betas=K, base=base,
                            method=f"reverse AIS / RAISE (Burda, Grosse & Salakhutdinov 2015), one run from each "
                                   f"of {n} digits, {K} steps")


# ---------------------------------------------------------------------- the bracket protocol
@dataclass
class Exact:
    """log Z by enumeration, and the average log-likelihoods it gives (small layers only)."""

    log_z: float
    test_ll: float
    train_ll: float


def exact_likelihoods(rbm: RBM, test, train) -> Exact | None:
    """``Exact`` when a layer has at most ``MAX_EXACT_UNITS`` units, else None."""
    if min(rbm.n_hidden, rbm.n_visible) > MAX_EXACT_UNITS:
        return None
    z = exact_log_z(rbm)
    return Exact(log_z=z, test_ll=average_log_likelihood(rbm, test, z),
                 train_ll=average_log_likelihood(rbm, train, z))


@dataclass
class LikelihoodBracket:
    """What ``likelihood_bracket`` measured: log Z and the average log-likelihoods (nats per digit).

    ``log_z_high`` is the bracket's upper end, max(log(Ẑ + 3σ̂), log Z_rev); ``log_z_ais_high`` is
    log(Ẑ + 3σ̂) alone. The test LL bracket [``test_ll_low``, ``test_ll_high``] is
    mean(−F) − [log_z_high, log_z_low] (+inf above when Ẑ ≤ 3σ̂)."""

    log_z: float                 # forward AIS, log Ẑ
    log_z_low: float             # log(Ẑ − 3σ̂), −inf when Ẑ ≤ 3σ̂
    log_z_high: float            # max(log(Ẑ + 3σ̂), log_z_reverse)
    log_z_ais_high: float        # log(Ẑ + 3σ̂)
    log_z_std_err: float         # delta-method s.e. of log Ẑ
    ess: float                   # effective runs of the forward weights
    log_z_reverse: float         # log Z implied by reverse AIS (RAISE)
    log_z_reverse_std_err: float
    reverse_ll: float            # RAISE's own average log p̂(v) over its digits
    reverse_digits: int
    test_ll: float               # mean(−F(test)) − log Ẑ: optimistic
    train_ll: float              # mean(−F(train)) − log Ẑ
    test_ll_low: float           # mean(−F(test)) − log_z_high
    test_ll_high: float          # mean(−F(test)) − log_z_low
    test_ll_pessimistic: float   # mean(−F(test)) − log_z_reverse
    neg_free_energy_test: float  # mean(−F(test)), float64
    neg_free_energy_train: float
    exact: Exact | None
    runs: int
    betas: int
    base: str
    method: str
    n_test: int
    n_train: int
    seconds: float

    def as_dict(self) -> dict:
        return asdict(self)


def likelihood_bracket(rbm: RBM, test, train, runs: int, betas: int, seed: int,
                       progress: Callable[[str, float], None] | None = None) -> LikelihoodBracket:
    """The RBM's log Z and average log-likelihoods with their bracket (see the module docstring).

    ``test`` and ``train`` are the binarised digits the model is judged on (as it was trained);
    ``progress(stage, fraction)``, stage "forward" then "reverse", is called now and then.
    """
    test = torch.as_tensor(test).to(torch.float32)
    train = torch.as_tensor(train).to(torch.float32)
    g = torch.Generator().manual_seed(int(seed))
    t0 = time.perf_counter()
    step = (lambda stage: (lambda f: progress(stage, f))) if progress is not None else (lambda stage: None)
    bA = base_rate_bias(train)
    fwd = ais_log_z(rbm, runs, betas, bA, g, progress=step("forward"))
    pick = torch.randperm(test.shape[0], generator=g)[:min(int(runs), test.shape[0])]
    rev = reverse_ais(rbm, test[pick], betas, bA, g, progress=step("reverse"))
    exact = exact_likelihoods(rbm, test, train)
    neg_f_test = average_log_likelihood(rbm, test, 0.0)
    neg_f_train = average_log_likelihood(rbm, train, 0.0)
    high = max(fwd.log_z_high, rev.implied_log_z)
    return LikelihoodBracket(
        log_z=fwd.log_z, log_z_low=fwd.log_z_low, log_z_high=high, log_z_ais_high=fwd.log_z_high,
        log_z_std_err=fwd.log_z_std_err, ess=fwd.ess, log_z_reverse=rev.implied_log_z,
        log_z_reverse_std_err=rev.implied_log_z_std_err, reverse_ll=rev.avg_log_likelihood, reverse_digits=rev.n,
        test_ll=neg_f_test - fwd.log_z, train_ll=neg_f_train - fwd.log_z, test_ll_low=neg_f_test - high,
        test_ll_high=neg_f_test - fwd.log_z_low, test_ll_pessimistic=neg_f_test - rev.implied_log_z,
        neg_free_energy_test=neg_f_test, neg_free_energy_train=neg_f_train, exact=exact,
        runs=fwd.runs, betas=fwd.betas, base=fwd.base,
        method=fwd.method + "; log_z_high = max(log(Z + 3 s.e.), the log Z implied by reverse AIS (RAISE) on "
                            f"{rev.n} test digits)",
        n_test=int(test.shape[0]), n_train=int(train.shape[0]), seconds=time.perf_counter() - t0)
