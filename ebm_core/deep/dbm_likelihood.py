r"""The DBM's likelihoods: exact log Z and log p(v) by enumeration (tiny models), log Z by AIS over
h¹ with {v, h²} summed out, the mean-field lower bound, and ``dbm_bound``, the one evaluation protocol
(base rates, AIS, the bound on test and training digits, its bracket) that the page and
``python -m ebm_core evaluate`` both call. The model and its equations: ``ebm_core.deep.dbm``.
"""


from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F

from ebm_core.data.mnist import SUBSET_SEED
from ebm_core.deep.dbm import DBM, MF_MAX_ITER, MF_TOL
from ebm_core.ranges import Range
from ebm_core.rbm.model import log_odds

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
