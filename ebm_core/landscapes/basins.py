"""The shape of an energy landscape and what temperature does to it.

The lecture's Gibbs distribution on a box B (the drawn picture):

    p_T(x) = exp(-E(x)/T) / Z(T),        Z(T) = ∫_B exp(-E(x)/T) dx.

In 2D everything here is exact up to the grid: ``log Z(T)`` over a range of temperatures,
the mean energy ⟨E⟩_T and the entropy S(T) = log Z + ⟨E⟩_T / T, and the probability mass of
each *basin* of E.

Basins (a watershed)
--------------------
Every grid cell flows to the neighbour (of its 8) with the steepest downhill slope
(ΔE / distance; ties broken by a fixed order so flat plateaus still drain); a cell with no
lower neighbour is a local minimum, and the cells that drain into it form its basin.  Grid
round-off on flat valley floors (a ring, a sine valley) makes spurious minima, and so can
genuine tiny ripples, so minima are merged by their *depth* (the "dynamics" of
mathematical morphology): the height one must climb from a minimum before reaching a
deeper one.  A minimum whose depth is below ``min_barrier`` joins the basin it spills into.
The default, 0.05, is the lowest temperature the page offers: such a barrier has
e^{-ΔE/T} > e^{-1} at every temperature on the slider, so it never holds a chain.

Basins partition the cells where E is finite, so their masses sum to 1 at every T.  As
T → 0 the mass goes to the basin of the deepest minimum; as T → ∞ p_T becomes uniform on
the box and each basin's mass tends to its share of the box's area.

The lowest *pass* between two basins (the minimax path: the smallest possible maximum of
E on any path of neighbouring cells joining them) comes from the same merge process; the
energy along a straight segment (``cross_section``) can only be higher or equal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ebm_core.landscapes.energies import Box, Energy2D
from ebm_core.landscapes.grid import evaluate_on_grid
from ebm_core.mcmc.samplers import Trace, make_sampler, run_chains, spread_starts

#: Minima shallower than this (an energy, in the units of E) merge into a neighbour basin.
DEFAULT_MIN_BARRIER = 0.05
#: Passes are tabulated between this many of the deepest basins (K² grows fast on rugged formulas).
MAX_PASSES = 64

# The 8 neighbours (dy, dx).
_OFFSETS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


@dataclass(frozen=True)
class Basins:
    """The watershed of E on a grid; basin k = 0 is the deepest, arrays indexed [iy, ix]."""

    xs: np.ndarray  # (nx,) cell centres
    ys: np.ndarray  # (ny,)
    energy: np.ndarray  # (ny, nx) E, +inf where not finite
    labels: np.ndarray  # (ny, nx) basin index, -1 where E is not finite
    minima: np.ndarray  # (K, 2) position of each basin's minimum (refined below one cell)
    min_energy: np.ndarray  # (K,) E at that minimum
    depth: np.ndarray  # (K,) climb to a deeper basin's region (inf for the deepest)
    passes: np.ndarray  # (P, P) lowest pass energy between the P = min(K, MAX_PASSES) deepest basins
    area_fraction: np.ndarray  # (K,) share of the finite cells: the T → ∞ masses
    n_raw_minima: int  # local minima on the grid before merging
    min_barrier: float
    box: Box
    improper: bool = False  # E = -inf somewhere: exp(-E/T) has no normalising constant

    @property
    def n_basins(self) -> int:
        return int(self.min_energy.size)

    @property
    def cell_area(self) -> float:
        return float((self.xs[1] - self.xs[0]) * (self.ys[1] - self.ys[0]))

    def barrier(self, i: int, j: int) -> float:
        """Lowest climb from the minimum of basin i into basin j: pass(i, j) - E_min(i)."""
        return float(self.passes[i, j] - self.min_energy[i])

    def basin_of(self, x: float, y: float) -> int:
        """The basin holding the cell under (x, y) (-1 outside the box or where E is not finite)."""
        return int(basin_index(self, np.array([x, y])))

    def boundary(self, step: int = 1) -> np.ndarray:
        """(M, 2) centres of cells whose right or upper neighbour lies in another basin,
        on every ``step``-th cell (a coarser outline is cheaper to draw)."""
        lab = self.labels[::step, ::step]
        xs, ys = self.xs[::step], self.ys[::step]
        edge = np.zeros(lab.shape, dtype=bool)
        edge[:, :-1] |= lab[:, :-1] != lab[:, 1:]
        edge[:-1, :] |= lab[:-1, :] != lab[1:, :]
        edge &= lab >= 0
        iy, ix = np.nonzero(edge)
        return np.stack([xs[ix], ys[iy]], axis=1)


class _UnionFind:
    def __init__(self, n: int):
        self.parent = np.arange(n)

    def find(self, i: int) -> int:
        p = self.parent
        root = i
        while p[root] != root:
            root = p[root]
        while p[i] != root:  # path compression
            p[i], i = root, p[i]
        return int(root)


def _descend(e: np.ndarray, hx: float, hy: float) -> np.ndarray:
    """Flat index each cell drains to (itself for a local minimum); e has no NaN."""
    ny, nx = e.shape
    n = e.size
    # A strict total order: energy, then position.  Pointers only go down this order, so
    # there are no cycles and plateaus drain to one cell.
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), e.ravel()))] = np.arange(n)
    rank = rank.reshape(ny, nx)
    big = np.iinfo(np.int64).max
    rpad = np.pad(rank, 1, constant_values=big)
    finite = np.isfinite(e)
    epad = np.pad(np.where(finite, e, 0.0), 1)
    best_slope = np.full(e.shape, -np.inf)
    best_rank = np.full(e.shape, big)
    target = np.arange(n).reshape(ny, nx)
    idx = np.pad(target, 1, constant_values=-1)
    for dy, dx in _OFFSETS:
        r_nb = rpad[1 + dy:1 + dy + ny, 1 + dx:1 + dx + nx]
        e_nb = epad[1 + dy:1 + dy + ny, 1 + dx:1 + dx + nx]
        i_nb = idx[1 + dy:1 + dy + ny, 1 + dx:1 + dx + nx]
        slope = (np.where(finite, e, 0.0) - e_nb) / math.hypot(dx * hx, dy * hy)
        lower = r_nb < rank  # the neighbour comes earlier in the order (never a padding cell)
        better = lower & ((slope > best_slope) | ((slope == best_slope) & (r_nb < best_rank)))
        best_slope = np.where(better, slope, best_slope)
        best_rank = np.where(better, r_nb, best_rank)
        target = np.where(better, i_nb, target)
    return target.ravel()


def _refine_minimum(energy: Energy2D, x: float, y: float, hx: float, hy: float) -> tuple[float, float, float]:
    """The lowest point of E within a grid minimum's cell: two zooms of an 11×11 stencil
    (the whole cell, then ±0.1 cell), so the point stays in its cell and its basin."""
    best = (x, y)
    for half in (0.5, 0.1):
        u = np.linspace(-half, half, 11)
        gx, gy = np.meshgrid(np.clip(best[0] + u * hx, x - hx / 2, x + hx / 2),
                             np.clip(best[1] + u * hy, y - hy / 2, y + hy / 2))
        pts = torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], axis=1))
        with torch.inference_mode():
            v = energy(pts).double().numpy()
        v = np.where(np.isfinite(v), v, np.inf)
        k = int(np.argmin(v))
        if np.isfinite(v[k]):
            best = (float(gx.ravel()[k]), float(gy.ravel()[k]))
    with torch.inference_mode():
        e = float(energy(torch.tensor([best], dtype=torch.float64))[0])
    return best[0], best[1], e


def find_basins(energy: Energy2D, box: Box | None = None, n: int = 200,
                min_barrier: float = DEFAULT_MIN_BARRIER, refine: int = 12) -> Basins:
    """The watershed of E on an n×n grid of ``box`` (default: the energy's box).

    ``refine``: how many of the deepest minima get their position refined below one cell.
    """
    box = box or energy.box
    xs, ys, e = evaluate_on_grid(energy, box, n)  # NaN already +inf
    improper = bool(np.any(e == -np.inf))
    e = np.where(np.isfinite(e), e, np.inf)  # such cells belong to no basin
    ny, nx = e.shape
    hx, hy = float(xs[1] - xs[0]), float(ys[1] - ys[0])
    finite = np.isfinite(e)
    flat_e = e.ravel()

    # 1. steepest descent and pointer jumping: every cell -> its raw minimum
    root = _descend(e, hx, hy)
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    raw_min = np.nonzero((root == np.arange(root.size)) & finite.ravel())[0]
    if raw_min.size == 0:  # E is nowhere finite: no basins, nothing to weigh
        empty = np.zeros(0)
        return Basins(xs, ys, e, np.full(e.shape, -1), np.zeros((0, 2)), empty, empty, np.zeros((0, 0)), empty,
                      0, min_barrier, box, improper)
    raw_of_cell = np.full(root.size, -1)
    raw_index = np.full(root.size, -1)
    raw_index[raw_min] = np.arange(raw_min.size)
    raw_of_cell[finite.ravel()] = raw_index[root[finite.ravel()]]
    raw_lab = raw_of_cell.reshape(ny, nx)
    raw_e = flat_e[raw_min]

    # 2. passes between neighbouring raw basins: an edge's height is the higher of its cells
    a_list, b_list, h_list = [], [], []
    for dy, dx in [(0, 1), (1, 0), (1, 1), (1, -1)]:
        sl_a = (slice(0, ny - dy), slice(max(0, -dx), nx - max(0, dx)))
        sl_b = (slice(dy, ny), slice(max(0, dx), nx - max(0, -dx)))
        la, lb = raw_lab[sl_a], raw_lab[sl_b]
        h = np.maximum(e[sl_a], e[sl_b])
        m = (la != lb) & (la >= 0) & (lb >= 0)
        a_list.append(np.minimum(la[m], lb[m]))
        b_list.append(np.maximum(la[m], lb[m]))
        h_list.append(h[m])
    ea, eb, eh = (np.concatenate(v) for v in (a_list, b_list, h_list))
    edges = _lowest_per_pair(ea, eb, eh)

    # 3. merge tree (Kruskal by pass height): at each join the component with the shallower
    #    deepest minimum "dies"; its depth is pass - its minimum (the elder rule).
    r = raw_min.size
    uf = _UnionFind(r)
    absorbed = np.arange(r)
    depth_raw = np.full(r, np.inf)
    for a, b, h in edges:
        ra, rb = uf.find(int(a)), uf.find(int(b))
        if ra == rb:
            continue
        old, young = (ra, rb) if (raw_e[ra], ra) <= (raw_e[rb], rb) else (rb, ra)
        depth_raw[young] = h - raw_e[young]
        if depth_raw[young] < min_barrier:
            absorbed[young] = old
        uf.parent[young] = old
    final = np.arange(r)
    for i in range(r):  # follow the absorption chain to a surviving minimum
        j = i
        while absorbed[j] != j:
            j = absorbed[j]
        final[i] = j
    survivors = np.unique(final)
    order = survivors[np.lexsort((survivors, raw_e[survivors]))]  # deepest first
    new_index = np.full(r, -1)
    new_index[order] = np.arange(order.size)
    basin_of_raw = new_index[final]
    labels = np.where(raw_lab >= 0, basin_of_raw[np.maximum(raw_lab, 0)], -1)
    k = order.size

    # 4. lowest passes between the final basins (same Kruskal on the merged graph), kept for
    #    the MAX_PASSES deepest: a rugged typed formula can have thousands of basins.
    fa, fb = basin_of_raw[edges[:, 0].astype(int)], basin_of_raw[edges[:, 1].astype(int)]
    keep = fa != fb
    kp = min(k, MAX_PASSES)
    passes = np.full((kp, kp), np.inf)
    members = {i: ([i] if i < kp else []) for i in range(k)}
    uf2 = _UnionFind(k)
    for a, b, h in _lowest_per_pair(np.minimum(fa, fb)[keep], np.maximum(fa, fb)[keep], edges[keep, 2]):
        ra, rb = uf2.find(int(a)), uf2.find(int(b))
        if ra == rb:
            continue
        ia, ib = np.array(members[ra], dtype=int), np.array(members[rb], dtype=int)
        if ia.size and ib.size:
            passes[np.ix_(ia, ib)] = h
            passes[np.ix_(ib, ia)] = h
        uf2.parent[rb] = ra
        members[ra] += members.pop(rb)

    counts = np.bincount(labels[labels >= 0], minlength=k).astype(float)
    gy, gx = np.divmod(raw_min[order], nx)
    minima = np.stack([xs[gx], ys[gy]], axis=1)
    min_e = raw_e[order].astype(float)
    for i in range(min(refine, k)):
        x, y, v = _refine_minimum(energy, minima[i, 0], minima[i, 1], hx, hy)
        if math.isfinite(v) and v < min_e[i]:
            minima[i], min_e[i] = (x, y), v
    np.fill_diagonal(passes, min_e[:kp])
    depth = depth_raw[order] + (raw_e[order] - min_e)  # measured from the refined minimum
    return Basins(xs, ys, e, labels, minima, min_e, depth, passes, counts / counts.sum(), int(r),
                  float(min_barrier), box, improper)


def _lowest_per_pair(a: np.ndarray, b: np.ndarray, h: np.ndarray) -> np.ndarray:
    """(m, 3) rows (a, b, lowest h) for each distinct pair, sorted by h."""
    if a.size == 0:
        return np.zeros((0, 3))
    o = np.lexsort((h, b, a))
    a, b, h = a[o], b[o], h[o]
    first = np.ones(a.size, dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    rows = np.stack([a[first], b[first], h[first]], axis=1).astype(float)
    return rows[np.argsort(rows[:, 2], kind="stable")]


@dataclass(frozen=True)
class Gibbs:
    """p_T on the basins' grid at one temperature."""

    temperature: float
    log_z: float  # log ∫_box exp(-E/T) dx
    density: np.ndarray  # (ny, nx) p_T, integrates to 1 on the box
    masses: np.ndarray  # (K,) P_T(basin k), sums to 1
    mean_energy: float  # ⟨E⟩_T
    entropy: float  # S(T) = -∫ p log p = log Z + ⟨E⟩/T

    @property
    def free_energy(self) -> float:
        return -self.temperature * self.log_z


def _weights(e: np.ndarray, temperature: float) -> tuple[np.ndarray, float]:
    """exp(-(E - E_min)/T) on the grid and the shift E_min (0 where E is not finite)."""
    e_min = float(np.min(e))
    w = np.exp(-(e - e_min) / temperature)  # exp(-inf) = 0 where E = +inf
    return w, e_min


def gibbs(basins: Basins, temperature: float) -> Gibbs:
    """Exact p_T on the box, log Z, ⟨E⟩, S and the basin masses at temperature T."""
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    e = basins.energy
    if basins.n_basins == 0 or basins.improper:
        log_z = math.inf if basins.improper else -math.inf
        return Gibbs(float(temperature), log_z, np.zeros_like(e), np.full(basins.n_basins, math.nan), math.nan,
                     math.nan)
    w, e_min = _weights(e, temperature)
    s = float(w.sum())
    area = basins.cell_area
    log_z = -e_min / temperature + math.log(s * area)
    p = w / (s * area)
    fin = np.isfinite(e)
    mean_e = float((w[fin] * e[fin]).sum() / s)
    lab = basins.labels
    masses = np.bincount(lab[lab >= 0], weights=w[lab >= 0], minlength=basins.n_basins) / s
    return Gibbs(float(temperature), log_z, p, masses, mean_e, log_z + mean_e / temperature)


@dataclass(frozen=True)
class Sweep:
    """log Z, ⟨E⟩ and the basin masses over a range of temperatures."""

    temperatures: np.ndarray  # (m,)
    log_z: np.ndarray  # (m,)
    mean_energy: np.ndarray  # (m,)
    masses: np.ndarray  # (m, K)


def temperature_sweep(basins: Basins, temperatures) -> Sweep:
    """Everything ``gibbs`` computes that fits a chart, for each T."""
    ts = np.asarray(temperatures, dtype=float)
    rows = [gibbs(basins, float(T)) for T in ts]
    k = basins.n_basins
    return Sweep(ts, np.array([g.log_z for g in rows]), np.array([g.mean_energy for g in rows]),
                 np.array([g.masses for g in rows]).reshape(ts.size, k))


def log_temperatures(lo: float = 0.05, hi: float = 20.0, n: int = 61) -> np.ndarray:
    return np.geomspace(lo, hi, n)


@dataclass(frozen=True)
class Section:
    """E along the straight segment a → b and the hill on it a chain must climb.

    The hill is the highest *interior* local maximum of E along the segment (the end points
    need not be minima: a typed A may sit high on a slope); with none (E only falls, or only
    rises), the highest end point stands in and the climb is 0.  The climb from A's side is
    measured from the lowest point between A and the top: the bottom of the well a chain on
    A's side sits in.
    """

    s: np.ndarray  # (n,) distance from a
    points: np.ndarray  # (n, 2)
    energy: np.ndarray  # (n,) E (+inf where not finite)
    i_top: int  # index of the hill's top
    a: tuple[float, float]
    b: tuple[float, float]

    @property
    def e_a(self) -> float:
        return float(self.energy[0])

    @property
    def e_b(self) -> float:
        return float(self.energy[-1])

    @property
    def e_top(self) -> float:
        return float(self.energy[self.i_top])

    @property
    def i_low_a(self) -> int:
        """Lowest point between A and the top (the bottom of A's well along the segment)."""
        return int(np.argmin(self.energy[:self.i_top + 1]))

    @property
    def i_low_b(self) -> int:
        return self.i_top + int(np.argmin(self.energy[self.i_top:]))

    @property
    def barrier_from_a(self) -> float:
        """ΔE a chain in A's well must climb along this segment to reach B's side."""
        return self.e_top - float(self.energy[self.i_low_a])

    @property
    def barrier_from_b(self) -> float:
        return self.e_top - float(self.energy[self.i_low_b])


def _hill(e: np.ndarray) -> int:
    """Index of the highest interior local maximum of e, else of the highest end point."""
    inner = np.arange(1, e.size - 1)
    peak = inner[(e[1:-1] >= e[:-2]) & (e[1:-1] >= e[2:]) & np.isfinite(e[1:-1])]
    # a point on a rising or falling stretch that merely ties its neighbour is no hill
    peak = peak[(e[peak] > e[peak - 1]) | (e[peak] > e[peak + 1])]
    if peak.size:
        return int(peak[np.argmax(e[peak])])
    return 0 if e[0] >= e[-1] else e.size - 1


def cross_section(energy: Energy2D, a, b, n: int = 301) -> Section:
    """E(a + t (b - a)) for t in [0, 1], evaluated exactly (not read off the grid)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    t = np.linspace(0.0, 1.0, n)
    pts = a[None, :] + t[:, None] * (b - a)[None, :]
    with torch.inference_mode():
        e = energy(torch.from_numpy(pts)).double().numpy()
    e = np.where(np.isnan(e), np.inf, e)
    return Section(t * float(np.hypot(*(b - a))), pts, e, _hill(e), (float(a[0]), float(a[1])),
                   (float(b[0]), float(b[1])))


def default_segment(basins: Basins) -> tuple[tuple[float, float], tuple[float, float]]:
    """The two deepest minima; with one basin, a horizontal line through its minimum."""
    if basins.n_basins >= 2:
        return tuple(basins.minima[0]), tuple(basins.minima[1])
    x0, x1, y0, y1 = basins.box
    y = float(basins.minima[0, 1]) if basins.n_basins else (y0 + y1) / 2
    pad = 0.05 * (x1 - x0)
    return (x0 + pad, y), (x1 - pad, y)


def boxed(energy: Energy2D, box: Box | None = None) -> Energy2D:
    """E inside the box, +inf outside: p_T restricted to the drawn box, as the page defines it."""
    box = box or energy.box
    x0, x1, y0, y1 = box

    def fn(x: torch.Tensor) -> torch.Tensor:
        e = energy(x)
        inside = (x[:, 0] >= x0) & (x[:, 0] <= x1) & (x[:, 1] >= y0) & (x[:, 1] <= y1)
        return torch.where(inside, e, torch.full_like(e, math.inf))

    return Energy2D(f"{energy.name}|box", fn, box, energy.description)


def proposal_width(box: Box, temperature: float) -> float:
    """Random-walk σ for p_T: wells widen like sqrt(T), so σ does too (8% of the box side at
    T = 1), capped at half the box so proposals at high T still land inside it."""
    side = 0.5 * ((box[1] - box[0]) + (box[3] - box[2]))
    return float(min(0.08 * side * math.sqrt(temperature), 0.5 * side))


def sample(energy: Energy2D, temperature: float, n_chains: int = 8, n_steps: int = 1500, seed: int = 0,
           box: Box | None = None) -> tuple[Trace, float]:
    """Random-walk Metropolis–Hastings chains on p_T restricted to the box, started spread
    over it; returns the trace and the step size σ used.  Proposals outside the box are rejected
    (E = +inf there), which keeps the chain exact for the boxed distribution."""
    box = box or energy.box
    target = boxed(energy, box)
    step_size = proposal_width(box, temperature)
    s = make_sampler("mh", target, step_size, temperature)
    return run_chains(s, spread_starts(target, n_chains, seed), n_steps, seed), step_size


def basin_index(basins: Basins, points: np.ndarray) -> np.ndarray:
    """Basin of each point (…, 2) -> (…,) ints; -1 outside the box or where E is not finite."""
    pts = np.asarray(points, dtype=float)
    x0, x1, y0, y1 = basins.box
    nx, ny = basins.xs.size, basins.ys.size
    x, y = pts[..., 0], pts[..., 1]
    inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    ix = np.clip(((x - x0) / (x1 - x0) * nx).astype(int), 0, nx - 1)
    iy = np.clip(((y - y0) / (y1 - y0) * ny).astype(int), 0, ny - 1)
    return np.where(inside, basins.labels[iy, ix], -1)


def chain_shares(positions: np.ndarray, basins: Basins) -> np.ndarray:
    """Fraction of the given points (…, 2) in each basin (points outside every basin ignored)."""
    lab = basin_index(basins, positions).ravel()
    lab = lab[lab >= 0]
    if lab.size == 0:
        return np.zeros(basins.n_basins)
    return np.bincount(lab, minlength=basins.n_basins) / lab.size
