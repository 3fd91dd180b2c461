"""Random-walk Metropolis–Hastings throughput on the "mixture" target, engine vs plain numpy.

Measures chain-steps per second (chains × steps / wall seconds) for

* ``engine_run_chains_t2`` / ``engine_run_chains_t1``: ``make_sampler("mh", mixture, 0.8)``
  driven through ``run_chains`` (float64) with 2 and 1 torch threads.  Records per step:
  positions and energies (N+1, C[, 2]), proposals (N, C, 2), accepted, log α and diverged (N, C).
* ``engine_step_only_t2`` / ``engine_step_only_t1``: the same sampler's ``init``/``step``
  loop keeping only the last ``State`` (no recording), to show what recording costs.
* ``numpy``: the same algorithm written in plain numpy (float64, vectorised over chains):
  Gaussian random-walk proposal σ = 0.8, α = min(1, exp(-(E(x') - E(x))/T)), accept when
  u < α, mixture energy via a stable logsumexp.  Records positions only, into a
  preallocated (N+1, C, 2) array.  It has none of the engine's guards (NaN energy → +inf,
  runaway/divergence freeze), which the "mixture" target never triggers.

Every variant gets one warm-up run, then ``--repeats`` timed runs of the same ``--steps``,
taken round-robin (so all variants see the same background load on a shared machine) and
the best kept; all in one process so the ratios are side by side.  After the runs each
variant is checked against the grid-exact answer (``ebm_core.landscapes.grid.integrate``): the pooled
mean of y (and of y²) over the last half of the steps, with a standard error from the
spread of the per-chain means (chains are independent).  The check is printed, not asserted.
Caveat: RW-MH with σ = 0.8 essentially never hops between the three modes in a few hundred
steps, so the check also depends on how the over-dispersed starts split between the modes.

Usage: python bench/bench_mh.py [--chains 10000] [--steps 300] [--repeats 3] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ebm_core.landscapes import grid  # noqa: E402
from ebm_core.landscapes.energies import REGISTRY  # noqa: E402
from ebm_core.mcmc.samplers import make_sampler, run_chains, spread_starts  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ helpers, however this file is loaded
from _machine import cpu_model, emit  # noqa: E402


TARGET = "mixture"
STEP_SIZE = 0.8  # σ of the random-walk proposal
TEMPERATURE = 1.0
# The "mixture" target of ebm_core.landscapes.energies, repeated here for the numpy version.
MIX_MEANS = np.array([(-2.0, -1.5), (2.0, -1.5), (0.0, 2.0)])
MIX_SIGMAS = np.array([0.6, 0.6, 0.6])
MIX_WEIGHTS = np.array([0.3, 0.3, 0.4])


# --------------------------------------------------------------------------- numpy version

def _numpy_mixture_energy():
    mx, my = MIX_MEANS[:, 0].copy(), MIX_MEANS[:, 1].copy()
    s2 = MIX_SIGMAS**2
    logc = np.log(MIX_WEIGHTS) - np.log(2 * math.pi * s2)
    half_prec = 0.5 / s2

    def energy(x: np.ndarray) -> np.ndarray:
        """E(x) = -logsumexp_k(log c_k - |x - μ_k|² / (2 s_k²)) for x of shape (C, 2)."""
        a = x[:, 0:1] - mx  # (C, 3)
        b = x[:, 1:2] - my
        z = logc - half_prec * (a * a + b * b)
        m = z.max(axis=1)
        return -(m + np.log(np.exp(z - m[:, None]).sum(axis=1)))

    return energy


NUMPY_ENERGY = _numpy_mixture_energy()


def numpy_rw_mh(x0: np.ndarray, n_steps: int, seed: int = 0, step_size: float = STEP_SIZE,
                temperature: float = TEMPERATURE) -> np.ndarray:
    """Random-walk MH from x0 (C, 2); returns positions (N+1, C, 2), index 0 = x0."""
    rng = np.random.default_rng(seed)
    c = x0.shape[0]
    pos = np.empty((n_steps + 1, c, 2))
    x = np.array(x0, dtype=np.float64)
    e = NUMPY_ENERGY(x)
    pos[0] = x
    inv_t = 1.0 / temperature
    with np.errstate(over="ignore"):
        for i in range(n_steps):
            prop = x + step_size * rng.standard_normal((c, 2))
            e_prop = NUMPY_ENERGY(prop)
            alpha = np.minimum(1.0, np.exp((e - e_prop) * inv_t))
            acc = rng.random(c) < alpha
            x = np.where(acc[:, None], prop, x)
            e = np.where(acc, e_prop, e)
            pos[i + 1] = x
    return pos


# --------------------------------------------------------------------------- engine versions

def engine_run_chains(sampler, x0: torch.Tensor, n_steps: int, seed: int = 0) -> np.ndarray:
    return run_chains(sampler, x0, n_steps, seed=seed).positions


def engine_step_only(sampler, x0: torch.Tensor, n_steps: int, seed: int = 0, tail_from: int | None = None):
    """The bare step loop, keeping only the State; with ``tail_from`` also sums y and y² over the tail."""
    gen = torch.Generator().manual_seed(int(seed))
    y_sum = y2_sum = None
    with torch.inference_mode():
        state = sampler.init(x0)
        for i in range(n_steps):
            state, _ = sampler.step(state, gen)
            if tail_from is not None and i + 1 >= tail_from:
                y = state.position[:, 1]
                y_sum = y.clone() if y_sum is None else y_sum + y
                y2_sum = y * y if y2_sum is None else y2_sum + y * y
    return state, y_sum, y2_sum


# --------------------------------------------------------------------------- harness

def machine_info() -> dict:
    return {
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "affinity_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
    }


def tail_moments(y_tail) -> tuple[np.ndarray, np.ndarray]:
    """Per-chain means of y and y² over the tail (T, C) of a run."""
    y = np.asarray(y_tail)
    return y.mean(axis=0), (y * y).mean(axis=0)


def z_check(chain_means: np.ndarray, exact: float) -> dict:
    """Pooled mean vs exact; SE from the spread of the per-chain means (chains are independent)."""
    m = float(chain_means.mean())
    se = float(chain_means.std(ddof=1) / math.sqrt(chain_means.shape[0]))
    z = (m - exact) / se if se > 0 else float("nan")
    return {"estimate": round(m, 5), "exact": round(exact, 5), "se": round(se, 5), "z": round(z, 2),
            "within_4se": bool(abs(z) <= 4)}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chains", type=int, default=10_000)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=str, default=None, help="also write the JSON to this file")
    args = ap.parse_args(argv)
    if args.chains < 2 or args.steps < 2 or args.repeats < 1:
        ap.error("need --chains >= 2, --steps >= 2, --repeats >= 1")

    energy = REGISTRY[TARGET]
    sampler = make_sampler("mh", energy, STEP_SIZE, temperature=TEMPERATURE)
    x0_t = spread_starts(energy, args.chains, seed=args.seed)
    x0_np = x0_t.numpy().copy()
    n, c, reps, seed = args.steps, args.chains, args.repeats, args.seed
    tail = n + 1 - (n + 1) // 2  # first index of the last half of positions[0..n]
    exact = grid.integrate(energy, TEMPERATURE)
    exact_y, exact_y2 = float(exact.mean[1]), float(exact.cov[1, 1] + exact.mean[1] ** 2)

    def run_engine(steps):
        pos = engine_run_chains(sampler, x0_t, steps, seed)
        return tail_moments(pos[tail:, :, 1]) if steps == n else None

    def run_step_only(steps):
        engine_step_only(sampler, x0_t, steps, seed)  # its check comes from one untimed run below

    def run_numpy(steps):
        pos = numpy_rw_mh(x0_np, steps, seed)
        return tail_moments(pos[tail:, :, 1]) if steps == n else None

    full_record = "positions+energies (N+1,C[,2]), proposals (N,C,2), accepted, log_alpha, diverged (N,C)"
    # name -> (torch threads, run(steps), what it records)
    variants = {
        "engine_run_chains_t2": (2, run_engine, full_record),
        "engine_run_chains_t1": (1, run_engine, full_record),
        "engine_step_only_t2": (2, run_step_only, "last State only"),
        "engine_step_only_t1": (1, run_step_only, "last State only"),
        "numpy": (None, run_numpy, "positions (N+1,C,2)"),
    }
    threads_before = torch.get_num_threads()
    best = {k: math.inf for k in variants}
    moments = {}
    try:
        for name, (threads, run, _) in variants.items():  # warm-up
            torch.set_num_threads(threads or 1)
            run(min(n, 20))
        # Round-robin repeats, so that every variant sees the same background load.
        for _ in range(reps):
            for name, (threads, run, _) in variants.items():
                torch.set_num_threads(threads or 1)
                t = time.perf_counter()
                out = run(n)
                best[name] = min(best[name], time.perf_counter() - t)
                if out is not None:
                    moments[name] = out
        torch.set_num_threads(2)
        _, y_sum, y2_sum = engine_step_only(sampler, x0_t, n, seed, tail_from=tail)
        k = n + 1 - tail
        # Same seed, same draws: one check serves both thread counts.
        moments["engine_step_only_t2"] = moments["engine_step_only_t1"] = ((y_sum / k).numpy(), (y2_sum / k).numpy())
    finally:
        torch.set_num_threads(threads_before)

    results = {}
    for name, (threads, _, records) in variants.items():
        my, my2 = moments[name]
        results[name] = {
            "seconds": round(best[name], 4),
            "chain_steps_per_second": round(c * n / best[name], 1),
            "torch_threads": threads,
            "records": records,
            "check_mean_y": z_check(my, exact_y),
            "check_mean_y2": z_check(my2, exact_y2),
        }
    np_rate = results["numpy"]["chain_steps_per_second"]
    engine_rate = results["engine_run_chains_t2"]["chain_steps_per_second"]
    result = {
        "bench": "random-walk MH throughput",
        "target": TARGET,
        "step_size": STEP_SIZE,
        "temperature": TEMPERATURE,
        "dtype": "float64",
        "machine": {**machine_info(), "torch_threads_default": threads_before, "threads_tested": [2, 1],
                    "numpy_threads": "1 (elementwise ufuncs are single-threaded)",
                    "loadavg_1min_after": round(os.getloadavg()[0], 2)},
        "chains": c,
        "steps": n,
        "repeats": reps,
        "seed": seed,
        "timing": "one warm-up run of each variant, then round-robin repeats, best per variant; "
                  "chain_steps_per_second = chains*steps/seconds",
        "check_window": f"positions[{tail}..{n}] (last half of the run); SE from per-chain means",
        "variants": results,
        "ratios_engine_over_numpy": {k: round(v["chain_steps_per_second"] / np_rate, 3)
                                     for k, v in results.items() if k != "numpy"},
        "goal_chain_steps_per_second": 5_000_000,
        "engine_t2_meets_goal": engine_rate >= 5_000_000,
    }
    emit(result, args.out, indent=2)
    return result


if __name__ == "__main__":
    main()
