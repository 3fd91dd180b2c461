"""What measuring an ensemble against the truth costs: chain-steps/s with TV recording vs without.

``ebm_core.mcmc.ensemble.run_ensemble`` runs ``--chains`` chains from one corner for ``--steps``
steps; with recording it histograms the chains on the exact grid and computes TV to p_T every
``--every`` steps (default: every step, the most it can cost), without (``record=False``) it only
steps.  Both variants run in this one process, one warm-up each, then ``--repeats`` timed runs
taken round-robin (so both see the same background load) and the best kept.  The cell masses
(one grid integration) are computed once, before timing, as the page does; the floor (exact
samples, once per run) is outside the timed loop too.  Goal (issue 14): recording costs ≤ 30 %.

Usage: python bench/bench_ensemble.py [--sampler mh] [--chains 10000] [--steps 300] [--every 1]
       [--repeats 3] [--threads 1] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ebm_core.landscapes.energies import REGISTRY  # noqa: E402
from ebm_core.mcmc.ensemble import cell_masses, corner_start, run_ensemble  # noqa: E402
from ebm_core.mcmc.samplers import make_sampler  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import cpu_model, emit  # noqa: E402


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--target", default="gaussian", choices=list(REGISTRY))
    ap.add_argument("--sampler", default="mh")
    ap.add_argument("--step-size", type=float, default=None)
    ap.add_argument("--chains", type=int, default=10_000)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--bins", type=int, default=40)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out")
    args = ap.parse_args(argv)
    if args.chains < 1 or args.steps < 1 or args.repeats < 1 or args.every < 1:
        ap.error("need --chains, --steps, --repeats, --every >= 1")
    threads_before = torch.get_num_threads()
    torch.set_num_threads(max(1, min(args.threads, os.cpu_count() or 1)))
    try:
        energy = REGISTRY[args.target]
        sampler = make_sampler(args.sampler, energy, args.step_size)
        cells = cell_masses(energy, 1.0, args.bins)
        start = corner_start(energy)

        def once(record: bool):
            t0 = time.perf_counter()
            r = run_ensemble(sampler, start, args.chains, args.steps, args.seed, every=args.every, record=record,
                             cells=cells, floor_draws=2)
            return time.perf_counter() - t0, r

        best = {"with_tv": float("inf"), "without_tv": float("inf")}
        last = {}
        for name, rec in (("with_tv", True), ("without_tv", False)):  # warm-up
            once(rec)
        for _ in range(args.repeats):
            for name, rec in (("with_tv", True), ("without_tv", False)):
                # The loop's own time (run_ensemble's), not the floor's exact samples after it.
                _, r = once(rec)
                best[name] = min(best[name], r.seconds)
                last[name] = r
    finally:
        torch.set_num_threads(threads_before)
    cs = args.chains * args.steps
    rate = {k: cs / v for k, v in best.items()}
    result = {
        "machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "python": platform.python_version(),
                    "torch": torch.__version__, "threads": args.threads, "load_1min": os.getloadavg()[0]},
        "target": args.target, "sampler": args.sampler, "step_size": sampler.step_size if hasattr(sampler, "step_size") else None,
        "chains": args.chains, "steps": args.steps, "every": args.every, "bins": args.bins, "repeats": args.repeats,
        "seconds": best, "chain_steps_per_second": rate,
        "recording_cost": best["with_tv"] / best["without_tv"] - 1.0,
        "goal_recording_cost_at_most": 0.30,
        "tv_last": float(last["with_tv"].tv[-1]), "tv_floor": last["with_tv"].tv_floor,
        "timing": "one warm-up run per variant, then round-robin repeats, best per variant; the loop only "
                  "(cell masses once before, the floor's exact samples after)",
    }
    emit(result, args.out)
    return result


if __name__ == "__main__":
    main()
