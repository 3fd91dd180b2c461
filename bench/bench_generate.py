"""Generation speed: the Gibbs chains of ``generate`` and of the pages against their bare matrix products.

For each case below and each torch thread count, two things run in the same process, round-robin:

* ``chain``: the engine call that ``python -m ebm_core generate`` or the page makes
  (``RBM.sample``, ``DBM.sample``, ``DBN.generate``), on the shipped checkpoint;
* ``bare``: only the matrix products that chain needs, with the same shapes and the same count
  (per step, plus the start, the frames and the final picture), as ``torch.mm`` into
  preallocated outputs — no bias, no sigmoid, no random numbers: the floor an implementation
  can reach.

For the RBM page's cases a third call is timed, ``page``: the page's own ``ui.rbm.sampling.chains``
(the same chain, then its GIF clip and PNG grid), i.e. what a student waits for when the chains are not
cached. ``ratio`` = chain / bare (best of ``--repeats`` each). Where layers share an input (the DBM's
h¹ ↔ [v, h²], the DBN's [x, y] ↔ h) the products can also be taken joined, one product per side
(``bare_fused``); the ratio is then against the faster of the two. Goal (issue 15): ratio ≤ 2.

| case | engine call | products per step |
|---|---|---|
| ``rbm_generate`` | RBM 784-500, 300 chains × 1,000 block-Gibbs steps from noise (``generate --n 300``) | vW, hWᵀ |
| ``rbm_page`` | 30 chains × 200 steps, a frame every 5 (the RBM page's default until issue 15's follow-up) | vW, hWᵀ |
| ``rbm_page_1000`` | 30 chains × 1,000 steps, a frame every 25 (the RBM page's default now) | vW, hWᵀ |
| ``dbm_generate`` | DBM 784-500-500, 300 chains × 1,000 two-block sweeps from the stored chains | h¹W¹ᵀ, h¹W², vW¹, h²W²ᵀ |
| ``dbm_page`` | 20 chains × 200 sweeps, a frame every 5 | the same, + h¹W¹ᵀ per frame |
| ``dbn_generate`` | DBN 784-300-300-800, 300 chains × 200 top-RBM steps, labels free | xW, yU, hWᵀ, hUᵀ; down-pass at the end |
| ``dbn_page`` | 20 chains × 200 steps, labels clamped 0–9, a frame (down-pass) every 5 | xW, yU, hWᵀ; down-pass per frame |

One JSON object on stdout (and in ``--out``): machine (CPU, cores, torch, load averages before and
after, ``uptime``), per case and thread count the best and median seconds of both and the ratio.
Run it under ``flock /tmp/ebm-bench.lock`` on the shared machine; the load average says how quiet it was.

Usage: python bench/bench_generate.py [--threads 1,2] [--repeats 3] [--cases rbm_generate,...] [--scale 1.0]
       [--out FILE.json]
(``--scale`` multiplies every case's steps, e.g. 0.1 for a quick look.)
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import cpu_model, emit  # noqa: E402

from ebm_core.deep import dbm as dbm_mod  # noqa: E402
from ebm_core.deep.dbm import DBM  # noqa: E402
from ebm_core.deep.dbn import DBN  # noqa: E402
from ebm_core.io.checkpoint import load  # noqa: E402
from ebm_core.rbm.model import RBM  # noqa: E402

MODELS = ROOT / "assets" / "models"


@dataclass
class Case:
    name: str
    kind: str  # rbm | dbm | dbn
    n: int
    steps: int
    every: int | None = None
    label: str | None = None  # dbn: None (free) or "each"
    page: bool = False  # also time the RBM page's call (chain + GIF + PNG)


CASES = [
    Case("rbm_generate", "rbm", 300, 1000),
    Case("rbm_page", "rbm", 30, 200, every=5, page=True),
    Case("rbm_page_1000", "rbm", 30, 1000, every=25, page=True),
    Case("dbm_generate", "dbm", 300, 1000),
    Case("dbm_page", "dbm", 20, 200, every=5),
    Case("dbn_generate", "dbn", 300, 200),
    Case("dbn_page", "dbn", 20, 200, every=5, label="each"),
]


def n_frames(steps: int, every: int | None) -> int:
    """Frames after the start: every ``every`` steps and the last one (as the engine records them)."""
    if every is None:
        return 0
    return len([t for t in range(1, steps + 1) if t % every == 0 or t == steps])


def _binary(*shape) -> torch.Tensor:
    return (torch.rand(*shape) < 0.5).float()


def products(case: Case, model) -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """The (a, B, out) triples of one step of ``case``'s chain."""
    n = case.n
    if case.kind == "rbm":
        W = model.W
        return [(_binary(n, W.shape[0]), W, torch.empty(n, W.shape[1])),
                (_binary(n, W.shape[1]), W.T, torch.empty(n, W.shape[0]))]
    if case.kind == "dbm":
        W1, W2 = model.W1, model.W2
        h1, v, h2 = _binary(n, model.n_h1), _binary(n, model.n_visible), _binary(n, model.n_h2)
        return [(h1, W1.T, torch.empty(n, model.n_visible)), (h1, W2, torch.empty(n, model.n_h2)),
                (v, W1, torch.empty(n, model.n_h1)), (h2, W2.T, torch.empty(n, model.n_h1))]
    top = model.top
    x, h = _binary(n, top.n_in), _binary(n, top.n_top)
    y = torch.nn.functional.one_hot(torch.arange(n) % 10, 10).float()
    out = [(x, top.W, torch.empty(n, top.n_top)), (y, top.U, torch.empty(n, top.n_top)),
           (h, top.W.T, torch.empty(n, top.n_in))]
    if case.label is None:
        out.append((h, top.U.T, torch.empty(n, top.n_labels)))
    return out


def picture_products(case: Case, model) -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """The products of one picture (a frame, the start or the final image)."""
    n = case.n
    if case.kind == "rbm":
        return []  # the RBM's picture is p(v|h) of the step itself
    if case.kind == "dbm":
        return [(_binary(n, model.n_h1), model.W1.T, torch.empty(n, model.n_visible))]
    out, x = [], _binary(n, model.top.n_in)
    for l in range(model.n_directed - 1, -1, -1):
        G = model.G[l]
        out.append((x, G.T, torch.empty(n, G.shape[0])))
        x = _binary(n, G.shape[0])
    return out


def fused_products(case: Case, model) -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]] | None:
    """The same products with layers that share an input joined into one (the DBM's h¹ ↔ [v, h²],
    the DBN's [x, y] ↔ h with free labels), or None when there is nothing to join."""
    n = case.n
    if case.kind == "dbm":
        Wx = torch.cat([model.W1, model.W2.T], 0)
        return [(_binary(n, model.n_h1), Wx.T, torch.empty(n, Wx.shape[0])),
                (_binary(n, Wx.shape[0]), Wx, torch.empty(n, model.n_h1))]
    if case.kind == "dbn" and case.label is None:
        top = model.top
        Wxy = torch.cat([top.W, top.U], 0)
        h = _binary(n, top.n_top)
        return [(_binary(n, Wxy.shape[0]), Wxy, torch.empty(n, top.n_top)), (h, Wxy.T, torch.empty(n, Wxy.shape[0]))]
    return None


def bare(case: Case, model, steps: int, fused: bool = False):
    step = fused_products(case, model) if fused else products(case, model)
    pics = picture_products(case, model)
    # pictures: the final one always; with frames, the start and every frame (the last frame is the final one)
    n_pics = (1 + n_frames(steps, case.every)) if case.every is not None else 1
    if case.kind == "dbm" and case.every is None:
        n_pics = 1  # p(v | h¹) after the last sweep

    def run():
        for _ in range(steps):
            for a, B, o in step:
                torch.mm(a, B, out=o)
        for _ in range(n_pics):
            for a, B, o in pics:
                torch.mm(a, B, out=o)
    return run


def chain(case: Case, model, extra, steps: int):
    def run():
        g = torch.Generator().manual_seed(0)
        if case.kind == "rbm":
            model.sample(case.n, steps, g, every=case.every)
        elif case.kind == "dbm":
            model.sample(case.n, steps, g, chains=dbm_mod.chains_from_state(model, extra, case.n), every=case.every)
        else:
            label = torch.arange(case.n) % 10 if case.label == "each" else None
            model.generate(case.n, steps, g, label=label, every=case.every)
    return run


def page(case: Case, model, steps: int):
    """The RBM page's call for ``case`` (imported only when asked for: it brings Streamlit)."""
    from ui.rbm import sampling

    return lambda: sampling.chains(model, case.n, steps, 1.0, 0)


def load_models() -> dict:
    out = {}
    for kind, cls in (("rbm", RBM), ("dbm", DBM), ("dbn", DBN)):
        ck = load(MODELS / f"{kind}_mnist.pt")
        out[kind] = (cls.from_state(ck["state"]), ck["state"])
    return out


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def measure(cases: list[Case], threads: list[int], repeats: int, scale: float) -> dict:
    models = load_models()
    results = {}
    for th in threads:
        torch.set_num_threads(th)
        for case in cases:
            model, extra = models[case.kind]
            steps = max(1, round(case.steps * scale))
            fns = {"bare": bare(case, model, steps), "chain": chain(case, model, extra, steps)}
            if fused_products(case, model) is not None:
                fns["bare_fused"] = bare(case, model, steps, fused=True)
            if case.page:
                fns["page"] = page(case, model, steps)
            for f in fns.values():  # warm-up
                f()
            times = {k: [] for k in fns}
            for _ in range(repeats):  # round-robin: both see the same background load
                for k, f in fns.items():
                    t0 = time.perf_counter()
                    f()
                    times[k].append(time.perf_counter() - t0)
            res = {"n": case.n, "steps": steps, "every": case.every,
                   **{f"{k}_seconds": min(v) for k, v in times.items()},
                   **{f"{k}_seconds_median": statistics.median(v) for k, v in times.items()}}
            # The floor is the faster way of doing the products (joined or not).
            floor = min(res["bare_seconds"], res.get("bare_fused_seconds", float("inf")))
            floor_median = min(res["bare_seconds_median"], res.get("bare_fused_seconds_median", float("inf")))
            res["ratio"] = res["chain_seconds"] / floor
            res["ratio_median"] = res["chain_seconds_median"] / floor_median
            results.setdefault(case.name, {})[f"threads_{th}"] = res
            print(f"{case.name:14s} threads {th}: chain {res['chain_seconds']:.3f} s, bare {floor:.3f} s, "
                  f"ratio {res['ratio']:.2f}", file=sys.stderr)
    return results


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", default="1,2", help="torch thread counts, comma-separated")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--cases", default=",".join(c.name for c in CASES))
    p.add_argument("--scale", type=float, default=1.0, help="multiply every case's steps")
    p.add_argument("--out", default=None)
    a = p.parse_args(argv)
    names = a.cases.split(",")
    unknown = set(names) - {c.name for c in CASES}
    if unknown:
        p.error(f"unknown cases {sorted(unknown)}")
    cases = [c for c in CASES if c.name in names]
    threads = [int(t) for t in a.threads.split(",")]
    machine = {"cpu": cpu_model(), "cores": os.cpu_count(), "torch": torch.__version__,
               "python": platform.python_version(), "loadavg_before": list(os.getloadavg()), "uptime_before": uptime()}
    t0 = time.perf_counter()
    before = torch.get_num_threads()
    try:
        results = measure(cases, threads, a.repeats, a.scale)
    finally:
        torch.set_num_threads(before)
    machine.update(loadavg_after=list(os.getloadavg()), uptime_after=uptime())
    out = {"bench": "generate", "machine": machine, "repeats": a.repeats, "scale": a.scale,
           "goal": "chain / bare <= 2", "cases": results, "seconds": time.perf_counter() - t0}
    emit(out, a.out)
    return out


if __name__ == "__main__":
    main()
