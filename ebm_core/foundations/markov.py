r"""A 3-state Markov chain, exactly: π_t = π_0 Pᵗ → π, the stationary π (π P = π), detailed balance.

The lecture builds MCMC on a chain whose stationary distribution is the target and checks detailed
balance p(x) p(x, x') = p(x') p(x', x).  With three states everything is a 3 × 3 matrix: π is the
left eigenvector of P for eigenvalue 1, the distance ‖π_t − π‖ shrinks like |λ₂|ᵗ (the second
largest eigenvalue modulus), and detailed balance π_i P_ij = π_j P_ji is a table of numbers.  A chain
can be stationary without being reversible (a cycle that prefers one direction), and a periodic
chain has a π but π_t never reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Eigenvalues within this of the unit circle count as |λ| = 1.
UNIT_TOL = 1e-9
#: Detailed balance holds when every |π_i P_ij − π_j P_ji| is below this.
BALANCE_TOL = 1e-10


def normalise_rows(raw) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """A transition matrix from typed rows: negative or non-finite entries become 0, an all-zero row
    becomes uniform, and every row is divided by its sum.  Returns (P, notes); each note is
    (row index, "negative" | "zero_row" | "renormalised")."""
    a = np.array(raw, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError("a transition matrix is square")
    notes = []
    for i in range(a.shape[0]):
        bad = ~np.isfinite(a[i]) | (a[i] < 0)
        if bad.any():
            a[i, bad] = 0.0
            notes.append((i, "negative"))
        s = a[i].sum()
        if s <= 0:
            a[i] = 1.0 / a.shape[1]
            notes.append((i, "zero_row"))
        elif abs(s - 1.0) > 1e-9:
            a[i] /= s
            notes.append((i, "renormalised"))
    return a, notes


@dataclass(frozen=True)
class Stationary:
    pi: np.ndarray  # (k,) a stationary distribution
    unique: bool  # eigenvalue 1 is simple (the chain has one closed class)
    periodic: bool  # another eigenvalue lies on the unit circle: π_t oscillates
    lambda2: float  # the largest |λ| among the other eigenvalues: the rate of π_t → π
    eigenvalues: np.ndarray


def stationary(P: np.ndarray, pi0: np.ndarray | None = None) -> Stationary:
    """π with π P = π from the left eigenvector of P for eigenvalue 1.  When 1 is not simple (the
    chain is reducible) π depends on the start: the Cesàro mean of π₀ Pᵗ is returned instead."""
    w, v = np.linalg.eig(P.T)
    order = np.argsort(np.abs(w - 1.0))  # eigenvalue 1 first
    w, v = w[order], v[:, order]
    ones = np.abs(w - 1.0) < 1e-8
    unique = int(ones.sum()) == 1
    others = np.abs(w[~ones])
    periodic = bool((others > 1 - UNIT_TOL).any())
    if unique:
        pi = np.real(v[:, 0])
        pi = pi / pi.sum()
    else:
        start = np.full(P.shape[0], 1.0 / P.shape[0]) if pi0 is None else np.asarray(pi0, float)
        pi = evolve(start, P, 5000).mean(axis=0)
    pi = np.clip(pi, 0.0, None)
    return Stationary(pi / pi.sum(), unique, periodic, float(others.max()) if others.size else 0.0, w)


def evolve(pi0, P: np.ndarray, t_max: int) -> np.ndarray:
    """π_0, π_0 P, …, π_0 P^t_max as a (t_max + 1, k) array."""
    out = np.empty((t_max + 1, P.shape[0]))
    out[0] = np.asarray(pi0, dtype=float)
    for t in range(t_max):
        out[t + 1] = out[t] @ P
    return out


def tv(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """½ Σ |a − b| along the last axis."""
    return 0.5 * np.abs(np.asarray(a) - np.asarray(b)).sum(axis=-1)


def flows(P: np.ndarray, pi: np.ndarray) -> np.ndarray:
    """F_ij = π_i P_ij, the probability flow i → j at stationarity; detailed balance is F = Fᵀ."""
    return pi[:, None] * P


def balance_gap(P: np.ndarray, pi: np.ndarray) -> float:
    """max |π_i P_ij − π_j P_ji|: 0 (to round-off) for a reversible chain."""
    f = flows(P, pi)
    return float(np.abs(f - f.T).max())


def reversible(P: np.ndarray, pi: np.ndarray) -> bool:
    return balance_gap(P, pi) < BALANCE_TOL
