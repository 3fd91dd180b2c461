"""What the MCMC page's linked-diagnostics panel (issue 14 §6) costs the server, at the page's largest
run (16 chains × 5,000 steps, MH on the mixture).

* ``build_ms``: the Altair spec and its data in Arrow bytes (``ebm_core.viz.linked.linked_spec`` +
  Streamlit's Arrow conversion) — once per run, burn-in, f and language, shared by every session.
* ``brush_ms``: a brush's own work on the server: the spec's JSON copied for the call, and the
  window's bulk ESS, R-hat, acceptance and f_mn (``ebm_core.mcmc.window.numbers``) for windows of
  100, 1,000 and 4,500 steps; ``summary_ms``: the page's own numbers (``diagnostics.summarise``) on
  the 4,500 draws after burn-in, for scale.
* ``bytes``: the data sent once per browser and run (Arrow), and the spec's JSON.

Best of ``--repeats`` per figure (round-robin), one process.  Usage:
python bench/bench_window.py [--chains 16] [--steps 5000] [--repeats 5] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import time

from _machine import cpu_model, emit


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chains", type=int, default=16)
    ap.add_argument("--steps", type=int, default=5000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--out")
    args = ap.parse_args()

    import torch
    torch.set_num_threads(1)  # as a page run on the class server
    from streamlit.dataframe_util import convert_anything_to_arrow_bytes

    from ebm_core.landscapes import grid
    from ebm_core.landscapes.energies import REGISTRY
    from ebm_core.mcmc import diagnostics
    from ebm_core.mcmc import window as W
    from ebm_core.mcmc.samplers import make_sampler, run_chains, spread_starts
    from ebm_core.viz import linked

    e = REGISTRY["mixture"]
    tr = run_chains(make_sampler("mh", e, 0.8, 1.0), spread_starts(e, args.chains, seed=0), args.steps, seed=0)
    g = grid.integrate(e, 1.0, n=400)
    fv = tr.positions[..., 0]
    m = args.steps // 10
    labels = {k: k for k in ("step", "density", "fmn", "fmn_title", "trace_x", "trace_y", "hist_x", "hist_y")}
    marg = ((g.xs, g.marginal_x), (g.ys, g.marginal_y))

    def build():
        spec = linked.linked_spec(tr.positions, fv, m, marg, 0.0, labels)
        return spec, {k: convert_anything_to_arrow_bytes(v) for k, v in spec.pop("datasets").items()}

    spec, data = build()
    windows = {"100": (m + 1, m + 100), "1000": (m + 1, m + 1000), "4500": (m + 1, args.steps)}
    best: dict[str, float] = {}

    def timed(name, fn):
        t0 = time.perf_counter()
        fn()
        best[name] = min(best.get(name, 1e9), 1000 * (time.perf_counter() - t0))

    for _ in range(args.repeats):
        timed("build_ms", build)
        for name, (a, b) in windows.items():
            timed(f"brush_ms_{name}", lambda: (copy.deepcopy(spec), W.numbers(tr.positions, tr.accepted, fv, a, b)))
        timed("summary_ms", lambda: diagnostics.summarise(tr.positions, tr.accepted, m))

    emit({
        "bench": "window", "cpu": cpu_model(), "load_1min": os.getloadavg()[0],
        "chains": args.chains, "steps": args.steps,
        "points_per_chain_sent": len(linked.draws_table(tr.positions[:, :1], fv[:, :1])),
        **{k: round(v, 1) for k, v in sorted(best.items())},
        "bytes_data_arrow": sum(len(v) for v in data.values()),
        "bytes_spec_json": len(json.dumps(spec)),
    }, args.out)


if __name__ == "__main__":
    main()
