r"""Tiny-RBM lab: the exact log-likelihood gradient against the CD-k estimate.

On 3×3 binary patterns (m = 9 visible units, 2⁹ = 512 visible states) and a few hidden units,
everything the lecture calls intractable is a short sum:

* the exact gradient of the average log-likelihood L = (1/|S|) Σ_{v∈S} log p(v),
  ∂L/∂W_ij = ⟨v_i p(H_j=1|v)⟩_data − Σ_v p(v) v_i p(H_j=1|v)   (and the same for b, c),
  with p(v) = e^{−F(v)}/Z enumerated over all 512 states;
* the block-Gibbs transition matrix on the visible states,
  T(v, v') = Σ_h p(h|v) p(v'|h)   (512 × 512, h enumerated);
* the exact expectation of the CD-k estimate (Algorithm 1): its positive term is the data term,
  its negative term is Σ_{v⁽ᵏ⁾} (e_{v⁽⁰⁾}ᵀ Tᵏ)(v⁽ᵏ⁾) · [v⁽ᵏ⁾ p(H=1|v⁽ᵏ⁾)ᵀ, v⁽ᵏ⁾, p(H=1|v⁽ᵏ⁾)]
  averaged over the data v⁽⁰⁾.

So the bias of CD-k, E[CD_k] − ∂L/∂θ, is computed exactly. The lecture's Theorem 1 (Bengio &
Delalleau) says it equals −E_{p(v⁽ᵏ⁾|v⁽⁰⁾)}[∂ log p(v⁽ᵏ⁾)/∂θ] averaged over the data and vanishes
as k → ∞; for a finite chain it decays like |λ₂|ᵏ, λ₂ the second eigenvalue of T (``mixing``).
Beside the exact numbers the lab runs the real CD code (``ebm_core.rbm.cd.negative_phase``) many
times and reports the Monte-Carlo mean, its standard error and the cosine of single estimates.

The default model is trained by exact gradient ascent on the 14 bars-and-stripes patterns
(MacKay's classic): a trained RBM puts its mass on a few separated patterns, the Gibbs chain
mixes slowly between them, and CD's bias is large — the interesting regime.
All computations are float64.
"""

from __future__ import annotations

import math

import torch

from ebm_core.ranges import Range
from ebm_core.rbm.cd import negative_phase
from ebm_core.rbm.model import RBM

PARAMS = ("W", "b", "c")
#: Hidden units of the lab's RBM (its transition matrix is built over the 2^9 visible states).
LAB_HIDDEN = Range(1, 10, integer=True)


def all_states(n: int) -> torch.Tensor:
    """All 2^n binary vectors of length n as float64 rows (row r holds the bits of r, LSB first)."""
    r = torch.arange(1 << n, dtype=torch.int64)
    return ((r[:, None] >> torch.arange(n)) & 1).to(torch.float64)


def state_index(v: torch.Tensor) -> torch.Tensor:
    """The row of ``all_states`` that equals each binary row of v."""
    return (v.round().to(torch.int64) << torch.arange(v.shape[1])).sum(1)


def bars_and_stripes(side: int = 3) -> torch.Tensor:
    """The distinct bars-and-stripes patterns on a side×side grid: each row (or each column) all on
    or all off; 2·2^side − 2 patterns (all-off and all-on counted once). float64 (n, side²)."""
    pats = set()
    for bits in range(1 << side):
        line = [(bits >> i) & 1 for i in range(side)]
        rows = tuple(line[r] for r in range(side) for _ in range(side))   # horizontal stripes
        cols = tuple(line[col] for _ in range(side) for col in range(side))  # vertical bars
        pats.add(rows)
        pats.add(cols)
    return torch.tensor(sorted(pats), dtype=torch.float64)


def _as64(rbm: RBM) -> RBM:
    return RBM.from_state({k: t.to(torch.float64) for k, t in rbm.state().items()})


def stats(rbm: RBM, v: torch.Tensor) -> dict:
    """Per-row sufficient statistics the gradient averages: v p(H=1|v)ᵀ, v, p(H=1|v)."""
    ph = rbm.p_h(v)
    return {"W": v[:, :, None] * ph[:, None, :], "b": v, "c": ph}


def model_distribution(rbm: RBM) -> torch.Tensor:
    """p(v) over ``all_states(n_visible)``, exact (float64)."""
    neg_f = -rbm.free_energy(all_states(rbm.n_visible))
    return torch.softmax(neg_f, 0)


def exact_gradient(rbm: RBM, data: torch.Tensor) -> dict:
    """∂/∂θ of the average log-likelihood over ``data``: data term − model term, by enumeration."""
    rbm = _as64(rbm)
    data = data.to(torch.float64)
    pos = {k: t.mean(0) for k, t in stats(rbm, data).items()}
    p = model_distribution(rbm)
    neg = {k: torch.tensordot(p, t, dims=1) for k, t in stats(rbm, all_states(rbm.n_visible)).items()}
    return {k: pos[k] - neg[k] for k in PARAMS}


def exact_log_likelihood(rbm: RBM, data: torch.Tensor) -> float:
    """Average log p(v) over data, exact."""
    rbm = _as64(rbm)
    states = all_states(rbm.n_visible)
    log_z = float(torch.logsumexp(-rbm.free_energy(states), 0))
    return float((-rbm.free_energy(data.to(torch.float64))).mean()) - log_z


def transition_matrix(rbm: RBM) -> torch.Tensor:
    """T[v, v'] = Σ_h p(h|v) p(v'|h): one block-Gibbs step on the visible states (rows sum to 1)."""
    rbm = _as64(rbm)
    V, H = all_states(rbm.n_visible), all_states(rbm.n_hidden)
    ph, pv = rbm.p_h(V), rbm.p_v(H)  # (2^m, n), (2^n, m)
    # p(h|v) = Π_j ph_j^{h_j} (1 − ph_j)^{1 − h_j}, products taken as sums of logs.
    P_hv = torch.exp(torch.log(ph) @ H.T + torch.log1p(-ph) @ (1 - H).T)   # (2^m, 2^n)
    P_vh = torch.exp(torch.log(pv) @ V.T + torch.log1p(-pv) @ (1 - V).T)   # (2^n, 2^m)
    return P_hv @ P_vh


def mixing_rate(T: torch.Tensor, p: torch.Tensor) -> float:
    """|λ₂| of the transition matrix T (stationary distribution p): CD-k's bias shrinks roughly like |λ₂|^k.

    Block Gibbs on v is reversible (p(v)T(v,v') = Σ_h p(h) p(v|h) p(v'|h) is symmetric), so
    D^{1/2} T D^{−1/2} with D = diag(p) is symmetric with T's eigenvalues: ``eigvalsh`` applies.
    """
    s = p.sqrt()
    S = s[:, None] * T / s[None, :]
    ev = torch.linalg.eigvalsh((S + S.T) / 2).abs().sort(descending=True).values
    return float(ev[1])


def expected_cd_gradient(rbm: RBM, data: torch.Tensor, k: int, T: torch.Tensor | None = None) -> dict:
    """E[CD-k estimate] exactly: data term − Σ_{v⁽ᵏ⁾} P(v⁽ᵏ⁾|v⁽⁰⁾) stats(v⁽ᵏ⁾), averaged over the data."""
    rbm = _as64(rbm)
    data = data.to(torch.float64)
    T = transition_matrix(rbm) if T is None else T
    start = torch.zeros(data.shape[0], T.shape[0], dtype=torch.float64)
    start[torch.arange(data.shape[0]), state_index(data)] = 1.0
    dist = start @ torch.linalg.matrix_power(T, int(k))  # rows: P(v⁽ᵏ⁾ | v⁽⁰⁾)
    w = dist.mean(0)
    pos = {key: t.mean(0) for key, t in stats(rbm, data).items()}
    neg = {key: torch.tensordot(w, t, dims=1) for key, t in stats(rbm, all_states(rbm.n_visible)).items()}
    return {key: pos[key] - neg[key] for key in PARAMS}


def flat(g: dict) -> torch.Tensor:
    """W, b, c of a gradient dict as one vector."""
    return torch.cat([g[k].reshape(-1) for k in PARAMS])


def _cos(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(a @ b / (a.norm() * b.norm()))


def cd_estimates(rbm: RBM, data: torch.Tensor, k: int, runs: int, generator: torch.Generator):
    """``runs`` independent CD-k estimates on the whole data set (Algorithm 1, batch = data),
    run with the trainer's own ``negative_phase``. Returns (runs, n_params) float64."""
    rbm = _as64(rbm)
    data = data.to(torch.float64)
    n = data.shape[0]
    v0 = data.repeat(int(runs), 1)  # all runs at once: independent chains, row blocks of n
    _, vk, xk = negative_phase(rbm, v0, k, generator)
    pos = stats(rbm, v0)
    phk = torch.sigmoid(xk)
    neg = {"W": vk[:, :, None] * phk[:, None, :], "b": vk, "c": phk}
    per_row = torch.cat([(pos[key] - neg[key]).reshape(v0.shape[0], -1) for key in PARAMS], 1)
    return per_row.reshape(int(runs), n, -1).mean(1)


def make_lab(side: int = 3, n_hidden: int = 4, seed: int = 0, train_steps: int = 300, lr: float = 1.0):
    """(rbm, data): an RBM trained by exact gradient ascent (``train_steps`` steps of size ``lr``,
    from weights N(0, 0.1²)) on the bars-and-stripes patterns of a side×side grid."""
    if not 2 <= side <= 3:
        # The lab builds the 2^m × 2^m transition matrix: 512 × 512 for 3×3; 4×4 would need 65536².
        raise ValueError(f"side must be 2 or 3 (the 2^(side²) visible states are enumerated), got {side}")
    LAB_HIDDEN.check("n_hidden", n_hidden)
    data = bars_and_stripes(side)
    g = torch.Generator().manual_seed(int(seed))
    rbm = RBM.from_state({"W": torch.randn(side * side, n_hidden, generator=g, dtype=torch.float64) * 0.1,
                          "b": torch.zeros(side * side, dtype=torch.float64),
                          "c": torch.zeros(n_hidden, dtype=torch.float64)})
    for _ in range(int(train_steps)):
        grad = exact_gradient(rbm, data)
        rbm.W += lr * grad["W"]
        rbm.b += lr * grad["b"]
        rbm.c += lr * grad["c"]
    return rbm, data


def bias_curve(rbm: RBM, data: torch.Tensor, ks=(1, 2, 5, 10, 25), runs: int = 1000, seed: int = 0) -> dict:
    """For each k: how far CD-k's gradient is from the exact one, exactly and by simulation.

    Returns lists (one entry per k) the page can chart:
    ``exact_bias_norm`` ‖E[CD_k] − ∇L‖ and ``exact_relative_bias`` (÷ ‖∇L‖), ``exact_cosine``
    cos(E[CD_k], ∇L); ``mc_bias_norm`` ‖mean of ``runs`` estimates − ∇L‖ with ``mc_noise_norm``
    ‖standard errors‖ (the size of the Monte-Carlo noise in that difference), ``mc_cosine``
    cos(mean estimate, ∇L), ``single_run_cosine`` the average cosine of ONE estimate with ∇L
    (what a single mini-batch update sees); ``max_abs_z`` the largest |mean − E[CD_k]| / s.e. over
    the parameters (the simulation agrees with the exact expectation when it is ≲ 4).
    Also ``grad_norm`` ‖∇L‖, ``mixing`` |λ₂| and ``log_likelihood`` of the data.
    """
    rbm = _as64(rbm)
    g = torch.Generator().manual_seed(int(seed))
    T = transition_matrix(rbm)
    grad = flat(exact_gradient(rbm, data))
    out = {key: [] for key in ("exact_bias_norm", "exact_relative_bias", "exact_cosine", "mc_bias_norm",
                               "mc_noise_norm", "mc_cosine", "single_run_cosine", "max_abs_z")}
    for k in ks:
        expected = flat(expected_cd_gradient(rbm, data, k, T))
        est = cd_estimates(rbm, data, k, runs, g)
        mean = est.mean(0)
        se = est.std(0, unbiased=True) / math.sqrt(est.shape[0])
        out["exact_bias_norm"].append(float((expected - grad).norm()))
        out["exact_relative_bias"].append(float((expected - grad).norm() / grad.norm()))
        out["exact_cosine"].append(_cos(expected, grad))
        out["mc_bias_norm"].append(float((mean - grad).norm()))
        out["mc_noise_norm"].append(float(se.norm()))
        out["mc_cosine"].append(_cos(mean, grad))
        # A run whose estimate is exactly 0 (every chain returned to its start) counts as cosine 0.
        cos_each = (est @ grad) / (est.norm(dim=1) * grad.norm()).clamp_min(1e-300)
        out["single_run_cosine"].append(float(cos_each.mean()))
        z = ((mean - expected).abs() / se.clamp_min(1e-300))[se > 0]
        out["max_abs_z"].append(float(z.max()) if z.numel() else 0.0)
    return {"ks": [int(k) for k in ks], "runs": int(runs), **out, "grad_norm": float(grad.norm()),
            "mixing": mixing_rate(T, model_distribution(rbm)), "log_likelihood": exact_log_likelihood(rbm, data),
            "n_patterns": int(data.shape[0]), "n_visible": rbm.n_visible, "n_hidden": rbm.n_hidden}
