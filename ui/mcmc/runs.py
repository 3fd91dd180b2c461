"""The MCMC page's runs: cached, computed ahead in the background, first steps first.

- ``run``: the whole run for a setting, from a small LRU cache shared by the server's sessions;
- ``first_steps_only`` / ``run_prefix``: a run not computed yet can be shown by its first steps
  at once, the rest following under the same clip id (``clip_id``);
- ``prefetch_neighbours``: the runs one slider notch away, computed by a low-priority thread
  that pauses while the page works for someone (``foreground``); ``near_runs`` says which
  are ready, for the browser to hold;
- ``estimated_seconds``: what decides which runs are slow.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import os
import threading
import time
from collections import OrderedDict

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from ebm_core.mcmc.plane import STACKABLE, run_plane
from ebm_core.mcmc.samplers import make_sampler, run_chains

from ui.mcmc.canvas.records import record_steps
from ui.mcmc.controls import CUSTOM_HALF, DISPLAY_GRID, EXACT_GRID, STEP_SPECS, energy_for, exact_grid, starting_points
from ui.kit.params import TEMPERATURES
from ui.kit.scheduler import SERVER as SCHEDULER
from ui.kit.shared import SharedCache, budget_mb


# Server-wide, shared by every session, bounded by bytes (a default run, 4 x 2,000 steps, is
# ~0.5 MB; the default link's whole T x step-size plane, 13 x 22 runs, fits).  EBM_CACHE_MB
# scales every page's shared caches together (ui.kit.shared.budget_mb).
RUNS = SharedCache("mcmc runs", budget_mb(192))
PREFIXES = SharedCache("mcmc first steps", budget_mb(32))  # first steps of runs too slow to compute ahead whole


def _run(target, formula, sampler, step, T, L, chains, steps, seed, starts, points, half, progress=None):
    energy = energy_for(target, formula, half)
    s = make_sampler(sampler, energy, step if sampler != "gibbs" else None, T, L)
    x0 = starting_points(target, formula, starts, chains, seed, points, half)
    # (HMC, ULA, MALA: the first steps' leapfrog paths / drift and noise, for the canvas)
    return run_chains(s, x0, steps, seed, progress=progress, progress_every=25,
                      record=record_steps(sampler, chains, L))


def run(target: str, formula: str, sampler: str, step: float, T: float, L: int, chains: int, steps: int,
        seed: int, starts: str, points: tuple, half: float = CUSTOM_HALF):
    """The whole run, cached on every setting that changes it (burn-in m does not).

    A random-walk MH run not computed yet is computed together with every setting up to two
    notches away on both sliders (``square``; ``ebm_core.mcmc.plane``: 25 runs cost ~1.2 x the
    run alone), so the next moves, and the neighbours their answers bring, are ready without
    waiting for the background worker."""
    key = (target, formula, sampler, step, T, L, chains, steps, seed, starts, points, half)
    if sampler not in STACKABLE:
        return RUNS.get_or_compute(key, lambda: _run(*key))
    around = square(sampler, T, step) if PREFETCH else []  # (speculative work)
    others = [k for k in (_with(key, t_, s_) for t_, s_ in around) if k != key and k not in RUNS]
    return RUNS.get_or_compute(key, lambda: _stacked([key] + others)[0])


def square(sampler: str, T: float, step: float, radius: int = 2) -> list[tuple[float, float]]:
    """Every (T, step) up to ``radius`` notches away on each slider (the setting itself too)."""
    ts, ss = TEMPERATURES, _step_options(sampler) or (step,)
    i, j = _notch(ts, T), _notch(ss, step)
    return [(ts[a], ss[b]) for a in range(max(0, i - radius), min(len(ts), i + radius + 1))
            for b in range(max(0, j - radius), min(len(ss), j + radius + 1))]


def _with(key: tuple, T: float, step: float) -> tuple:
    """``key`` with another temperature and step size."""
    return key[:3] + (step, T) + key[5:]


def _context(key: tuple) -> tuple:
    """Everything in ``key`` but T and the step size: runs with one context can be stacked."""
    return key[:3] + key[5:]


def _stacked(keys: list[tuple]) -> list:
    """The runs ``keys`` (one context, a stackable sampler), computed at once and cached; the
    first one is returned by the caller's ``get_or_compute``, the others are stored here."""
    target, formula, sampler, _s, _T, L, chains, steps, seed, starts, points, half = keys[0]
    energy = energy_for(target, formula, half)
    x0 = starting_points(target, formula, starts, chains, seed, points, half)
    traces = run_plane(energy, [(k[4], k[3]) for k in keys], x0, steps, seed)
    for k, tr in zip(keys[1:], traces[1:]):
        RUNS.put(k, tr)
    return traces


def is_cached(target, formula, sampler, step, T, L, chains, steps, seed, starts, points, half=CUSTOM_HALF) -> bool:
    return (target, formula, sampler, step, T, L, chains, steps, seed, starts, points, half) in RUNS


# The page marks the time it is working for a student (a script or fragment run); the
# background prefetch pauses meanwhile, so it never competes with them for the CPU or the GIL.
# A run that is interrupted never says it is done: the mark expires after FOREGROUND_MAX_S.
FOREGROUND_MAX_S = 2.0
_foreground_until = 0.0


def foreground(active: bool = True) -> None:
    """``foreground()`` at the start of a page or fragment run, ``foreground(False)`` at its end."""
    global _foreground_until
    _foreground_until = time.monotonic() + FOREGROUND_MAX_S if active else 0.0


def _wait_for_foreground(*_args, max_s: float | None = None) -> None:
    # also while students train or wait for a training turn (ui.kit.scheduler): they come first
    give_up = None if max_s is None else time.monotonic() + max_s
    while (time.monotonic() < _foreground_until or SCHEDULER.busy()) and not _stopping.is_set():
        if give_up is not None and time.monotonic() > give_up:
            return
        time.sleep(0.005)


PREFIX_STEPS = 250  # a cold run first shows this many steps (4 s of play at the default speed)


def run_prefix(target, formula, sampler, step, T, L, chains, steps, seed, starts, points, half=CUSTOM_HALF):
    """The first ``PREFIX_STEPS`` steps of ``run`` with the same settings: the very same draws
    (one seeded generator, consumed step by step), so the whole run continues it exactly.
    Cached (``PREFIXES``): the worker computes them ahead for runs too slow to compute whole."""
    return _prefix((target, formula, sampler, step, T, L, chains, steps, seed, starts, points, half))


def _prefix(key: tuple, progress=None):
    short = key[:7] + (min(key[7], PREFIX_STEPS),) + key[8:]
    # (the paused worker must not hold a page up: it never makes others wait on its run)
    return PREFIXES.get_or_compute(key, lambda: _run(*short, progress=progress), wait=progress is None)


def first_steps(trace, n: int):
    """The run's first ``n`` transitions (views, not copies), or the run itself if not longer."""
    if trace.n_steps <= n:
        return trace
    return dataclasses.replace(trace, positions=trace.positions[:n + 1], proposals=trace.proposals[:n],
                               accepted=trace.accepted[:n], log_alpha=trace.log_alpha[:n],
                               energies=trace.energies[:n + 1], diverged=trace.diverged[:n],
                               half=None if trace.half is None else trace.half[:n],
                               records=None if trace.records is None else {k: v[:n] for k, v in trace.records.items()})


def first_steps_only(key: tuple, slider_moved: bool) -> bool:
    """Whether to send only the first ``PREFIX_STEPS`` steps of the run ``key`` now and the whole
    run in the rerun that follows (the canvas plays on into it without a restart).

    Yes when the run is not computed yet and either a slider has just moved (the picture should
    follow the hand at once) or the run is slow (estimated over ``SLOW_RUN_S``: HMC, Gibbs, long
    runs), the latter once per settings, so that the rerun computes the whole run.
    """
    target, formula, sampler, step, T, L, chains, steps, *_ = key
    if steps <= PREFIX_STEPS or key in RUNS:
        return False
    if not slider_moved and (estimated_seconds(sampler, L, chains, steps) <= SLOW_RUN_S
                             or st.session_state.get("_shown_early") == key):
        return False
    st.session_state["_shown_early"] = key
    return True


def clip_id(*settings) -> str:
    """A name for the clip of these settings: the first steps and the whole run share it."""
    return hashlib.blake2b(repr(settings).encode(), digest_size=8).hexdigest()


# Seconds per step with 4 chains on the mixture, one torch thread, the 2-core AMD EPYC
# development machine (4 x 2,000 steps: MH 0.18 s, independence MH 0.24, ULA 0.39, MALA 0.38,
# Gibbs 0.86, HMC with L = 10 1.70); HMC's is per leapfrog step.  More chains cost little more
# (vectorised), except Gibbs, whose grid conditionals grow with them (16 chains: MH x 1.3, Gibbs x 1.8).
_STEP_SECONDS = {"mh": 92e-6, "mh-independent": 121e-6, "ula": 194e-6, "mala": 192e-6, "gibbs": 540e-6,
                 "hmc": 85e-6}
_STEP_SECONDS["mh-independent-noq"] = _STEP_SECONDS["mh-independent"]  # (issue 12: the q-terms switch)
_PREFETCH_BUDGET_S = 0.5  # runs estimated to take longer are not computed ahead
SLOW_RUN_S = 0.4  # a run estimated to take longer first shows its first steps, then itself


def estimated_seconds(sampler: str, L: int, chains: int, steps: int) -> float:
    """Rough time of ``run`` on this machine (to decide what to compute ahead or show early)."""
    per_chain = 1 / 10 if sampler == "gibbs" else 1 / 40
    scale = (1 + chains * per_chain) / (1 + 4 * per_chain)
    return steps * _STEP_SECONDS[sampler] * (L if sampler == "hmc" else 1) * scale


_stopping = threading.Event()
# The prefetch worker: one thread per server at nice +10, alive while there is work (it ends
# after IDLE_EXIT_S without any).  Each session has one plan, replaced by its newest request;
# the newest session's plan is served first, and a plan is abandoned once superseded.
_cond = threading.Condition()
_plans: OrderedDict = OrderedDict()  # session id -> [settings key, ...] still to compute
_active = 0  # jobs being computed now
_worker: threading.Thread | None = None
IDLE_EXIT_S = 5.0


@atexit.register
def _stop_prefetch() -> None:
    # A daemon thread still inside torch when the interpreter shuts down aborts the process
    # ("terminate called without an active exception"): finish the current run, skip the rest.
    _stopping.set()
    with _cond:
        _cond.notify_all()
        th = _worker
    if th is not None:
        th.join(timeout=10)


#: EBM_PREFETCH=0 turns speculative runs off (a server shared by a whole class that is short of CPU).
PREFETCH = os.environ.get("EBM_PREFETCH", "1") != "0"
#: EBM_WARM_PLANE=0 keeps the neighbour prefetch but not the warming of a link's whole plane.
WARM_PLANE = os.environ.get("EBM_WARM_PLANE", "1") != "0"


def _notch(options, value: float) -> int:
    """The index of the slider notch nearest ``value``."""
    return min(range(len(options)), key=lambda k: abs(options[k] - value))


def _neighbours(options: tuple, value: float, d: int = 1) -> list[float]:
    """The values ``d`` notches above and below ``value`` (those that exist)."""
    if not options:  # (Gibbs has no step size)
        return []
    i = _notch(options, value)
    return [options[j] for j in (i + d, i - d) if 0 <= j < len(options)]


def _step_options(sampler: str) -> tuple:
    return STEP_SPECS[sampler].options if sampler in STEP_SPECS else ()


def prefetch_plan(sampler: str, T: float, step: float, last: tuple | None) -> list[tuple[float, float]]:
    """The (T, step) settings one notch away on each slider, most likely next move first.

    ``last`` is the previous run's (T, step): the slider the user moved last, in the direction
    it moved, comes first, followed by the setting two notches on in that direction (so that
    someone stepping on at a steady pace finds the next one ready).
    """
    t_next = _neighbours(TEMPERATURES, T)
    s_next = _neighbours(_step_options(sampler), step)
    down_t = last is not None and last[0] > T
    down_s = last is not None and last[1] > step
    if down_t:
        t_next.reverse()  # moving down: the lower value first
    if down_s:
        s_next.reverse()
    by_t = [(v, step) for v in t_next]
    by_s = [(T, v) for v in s_next]
    moved_step = last is not None and last[1] != step and last[0] == T and bool(s_next)  # (not to Gibbs)
    moved_t = last is not None and last[0] != T and last[1] == step
    plan = by_s + by_t if moved_step else by_t + by_s
    if moved_t or moved_step:
        options, value, down = (_step_options(sampler), step, down_s) if moved_step else (TEMPERATURES, T, down_t)
        i = _notch(options, value)
        j = i - 2 if down else i + 2
        if 0 <= j < len(options):
            plan.insert(1, (T, options[j]) if moved_step else (options[j], step))
    return plan


def near_settings(sampler: str, T: float, step: float) -> tuple[list, list]:
    """The settings one notch away on each slider, and those two notches away (these only
    computed ahead in the direction of the last move)."""
    one = [(v, step) for v in _neighbours(TEMPERATURES, T)] + [(T, v) for v in _neighbours(_step_options(sampler), step)]
    two = ([(v, step) for v in _neighbours(TEMPERATURES, T, 2)]
           + [(T, v) for v in _neighbours(_step_options(sampler), step, 2)])
    return one, two


def prefetch_neighbours(target, formula, sampler, step, T, L, chains, steps, seed, starts, points,
                        half=CUSTOM_HALF) -> list[tuple]:
    """Compute, in the low-priority background worker, the runs one notch away on the T and
    step-size sliders (``prefetch_plan``), so that the next small move is a cache hit (and the
    browser, which asks for them, can switch to them with no server run at all).

    Called after the page has been drawn.  The worker pauses while any page run works for a
    student.  Runs costing more than ~0.5 s each (HMC, Gibbs, 16 x 5,000 steps) are computed
    ahead only as their first ``PREFIX_STEPS`` steps (``_ahead``).  Returns the plan.
    """
    last = st.session_state.get("_last_run_key")
    st.session_state["_last_run_key"] = (T, step)
    if not PREFETCH or _stopping.is_set() or _ahead(sampler, L, chains, steps) is None:
        return []
    plan = [(target, formula, sampler, s_, t_, L, chains, steps, seed, starts, points, half)
            for t_, s_ in prefetch_plan(sampler, T, step, last)]
    ctx = get_script_run_ctx()
    _submit(ctx.session_id if ctx is not None else "", plan, ctx)
    return plan


def _queue_locked(session: str, plan: list) -> None:
    _plans[session] = list(plan)  # (its older plan, if any, is dropped)
    _plans.move_to_end(session)
    if WARM in _plans and session != WARM:
        _plans.move_to_end(WARM, last=False)  # (warming waits for every student's own plan)


#: the worker's plan for warming a link's whole T x step-size plane (served after the students')
WARM = "__warm__"
_warmed: OrderedDict = OrderedDict()  # contexts (settings but T and the step size) warmed or queued


def warm_plane(target, formula, sampler, step, T, L, chains, steps, seed, starts, points,
               half=CUSTOM_HALF) -> int:
    """Queue, once per server and link, every (T, step size) run of these other settings, the
    nearest notches first, behind the students' own plans: a class that opens one shared link
    and moves its two sliders then finds almost every move computed.  Only runs cheap enough to
    compute ahead whole (``_ahead``); nothing with the prefetch off.  Returns how many
    runs were queued (0 when this link was warmed already)."""
    context = (target, formula, sampler, L, chains, steps, seed, starts, points, half)
    if not (PREFETCH and WARM_PLANE) or _stopping.is_set() or _ahead(sampler, L, chains, steps) != "whole":
        return 0
    with _cond:
        if context in _warmed:
            return 0
        _warmed[context] = True
        while len(_warmed) > 64:
            _warmed.popitem(last=False)
    ts, ss = list(TEMPERATURES), list(_step_options(sampler)) or [step]
    i, j = _notch(ts, T), _notch(ss, step)
    order = sorted(((a, b) for a in range(len(ts)) for b in range(len(ss))),
                   key=lambda ab: (max(abs(ab[0] - i), abs(ab[1] - j)), abs(ab[0] - i) + abs(ab[1] - j)))
    plan = [(target, formula, sampler, ss[b] if sampler in STEP_SPECS else step, ts[a], L, chains, steps, seed,
             starts, points, half) for a, b in order]
    plan = [k for k in plan if k not in RUNS]
    ctx = get_script_run_ctx()
    with _cond:
        _queue_locked(WARM, plan)
        _plans.move_to_end(WARM, last=False)
    _submit_worker(ctx)
    return len(plan)


def _submit(session: str, plan: list, ctx) -> None:
    with _cond:
        if _stopping.is_set():
            return
        _queue_locked(session, plan)
    _submit_worker(ctx)


def _submit_worker(ctx) -> None:
    global _worker
    with _cond:
        if _stopping.is_set():
            return
        if _worker is None:
            _worker = threading.Thread(target=_work, name="ebm-prefetch", daemon=True)
            if ctx is not None:  # cached functions expect a script context (else they log warnings)
                add_script_run_ctx(_worker, ctx)
            _worker.start()
        _cond.notify_all()


#: Runs stacked into one job of the worker (~0.25 s of MH with the defaults; a whole plane of
#: 286 runs at once would hold ~100 MB of step records while it runs).
PLANE_CHUNK = 48


def _next_job_locked() -> list[tuple] | None:
    """The next runs to compute: the first key of the newest plan and, when its sampler stacks
    (``ebm_core.mcmc.plane``), the plan's other keys of the same context, up to PLANE_CHUNK."""
    while _plans:
        session, plan = next(reversed(_plans.items()))
        if plan:
            key = plan.pop(0)
            if key[2] not in STACKABLE or _ahead(key[2], key[5], key[6], key[7]) != "whole":
                return [key]
            job, rest = [key], []
            for k in plan:
                (job if len(job) < PLANE_CHUNK and _context(k) == _context(key) else rest).append(k)
            plan[:] = rest
            return job
        del _plans[session]
    return None


def _work() -> None:
    global _worker
    try:
        _work_loop()
    finally:  # even if it died of an error, the next request starts a new worker
        with _cond:
            if _worker is threading.current_thread():
                _worker = None


def _work_loop() -> None:
    global _active, _worker
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):  # not Linux: still correct, just not deprioritised
        pass
    while True:
        with _cond:
            deadline = time.monotonic() + IDLE_EXIT_S
            job = _next_job_locked()
            while job is None:
                left = deadline - time.monotonic()
                if _stopping.is_set() or left <= 0:
                    _worker = None  # (decided under the lock: a request from now on starts a new one)
                    return
                _cond.wait(left)
                job = _next_job_locked()
            _active += 1
        try:
            if len(job) > 1 or job[0][2] in STACKABLE:
                _compute_stacked(job)
            else:
                _wait_for_foreground()
                if not _stopping.is_set():
                    _compute(job[0])
        except Exception:  # noqa: BLE001 - speculative work: a failure only means no cache hit
            pass
        finally:
            with _cond:
                _active -= 1
                _cond.notify_all()


def _ahead(sampler: str, L: int, chains: int, steps: int) -> str | None:
    """What the worker computes ahead for such runs: "whole", "first steps" or nothing."""
    if estimated_seconds(sampler, L, chains, steps) <= _PREFETCH_BUDGET_S:
        return "whole"
    if estimated_seconds(sampler, L, chains, min(steps, PREFIX_STEPS)) <= _PREFETCH_BUDGET_S:
        return "first steps"
    return None


def _compute(key: tuple) -> None:
    target, formula, sampler, _step, T, L, chains, steps, *_rest, half = key
    exact_grid(target, formula, T, EXACT_GRID, half=half)  # (cached: free when T did not change)
    exact_grid(target, formula, T, DISPLAY_GRID, picture=True, half=half)
    if key in RUNS:
        return
    # (pausing every 25 steps while the page works for someone)
    if _ahead(sampler, L, chains, steps) == "whole":
        RUNS.get_or_compute(key, lambda: _run(*key, progress=_wait_for_foreground), wait=False)
    else:
        _prefix(key, progress=_wait_for_foreground)


#: A stacked job waits at most this long for the students' runs to pause, then runs anyway: it
#: takes a fraction of a second for dozens of runs, and a busy class would otherwise never
#: let it start (and would compute those runs itself, one by one, at many times the cost).
STACKED_MAX_DEFER_S = 1.0


def _compute_stacked(job: list[tuple]) -> None:
    _wait_for_foreground(max_s=STACKED_MAX_DEFER_S)
    if _stopping.is_set():
        return
    for T in dict.fromkeys(k[4] for k in job):
        k = job[0]
        exact_grid(k[0], k[1], T, EXACT_GRID, half=k[11])
        exact_grid(k[0], k[1], T, DISPLAY_GRID, picture=True, half=k[11])
    job = [k for k in job if k not in RUNS]
    if job:
        RUNS.put(job[0], _stacked(job)[0])


def wait_prefetch_idle(timeout: float = 60.0) -> bool:
    """Block until the worker has nothing left to do (for tests and benchmarks)."""
    with _cond:
        return _cond.wait_for(lambda: _active == 0 and not any(_plans.values()), timeout)


# Clips bigger than this are not sent ahead to the browser (16 chains x 2,500 steps: ~0.5 MB).
NEAR_MAX_CHAIN_STEPS = 40_000


def near_runs(key: tuple) -> tuple[list[tuple[float, float, object]], int, int, float]:
    """The runs one slider notch away from ``key`` (and two notches, if computed ahead) that are
    computed, whole or (for slow runs) their first steps: ``[(T, step, trace)]``; how many of
    those one notch away are computed (``ready``) and how many the worker will still compute
    (``missing``); and the estimated seconds of one of those."""
    target, formula, sampler, step, T, L, chains, steps, seed, starts, points, half = key
    ahead = _ahead(sampler, L, chains, steps) if PREFETCH else None
    n = steps if ahead == "whole" else min(steps, PREFIX_STEPS)
    done, ready, missing = [], 0, 0
    one, two = near_settings(sampler, T, step)
    for t_, s_ in one + two:
        n_key = (target, formula, sampler, s_, t_, L, chains, steps, seed, starts, points, half)
        trace = RUNS.peek(n_key)
        if trace is None or chains * trace.n_steps > NEAR_MAX_CHAIN_STEPS:  # (too big to send ahead)
            trace = PREFIXES.peek(n_key)
        if trace is not None:
            done.append((t_, s_, trace))
            ready += (t_, s_) in one
        elif ahead is not None and (t_, s_) in one and chains * n <= NEAR_MAX_CHAIN_STEPS:
            missing += 1
    return done, ready, missing, estimated_seconds(sampler, L, chains, n)
