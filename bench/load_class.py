"""A class on one server: N virtual students on /mcmc, /landscape or /rbm (issue 16, item 1).

    python bench/load_class.py --page mcmc --students 10            # one scenario, fresh server
    python bench/load_class.py --page landscape --students 1 10 30 --out-dir /tmp/load
    python bench/load_class.py --page rbm --students 10             # all press "Train" within 3 s
    python bench/load_class.py --url http://127.0.0.1:8501 --pid 1234 --page mcmc --students 5
    python bench/load_class.py --crosscheck                         # one move: Chromium vs harness
    python bench/load_class.py --page mcmc --students 60 --balancer 2                  # HAProxy + 2 processes
    python bench/load_class.py --page mcmc --students 60 --balancer 2 --kill-after 30  # one dies mid-class

Each student is a websocket speaking Streamlit's own protocol (``bench/load/client.py``), not a
browser, so 60 students fit on two cores.  Each opens the shared link (``--query``) within
``--ramp`` s, and once its page has loaded moves T or the step size one notch every
``--every`` ± ``--jitter`` s until ``--duration`` s after the start; then it waits up to
``--grace`` s for its last answers.  What "answered" means per page: ``bench/load/students.py``.

Unless ``--url`` is given, each scenario gets a fresh ``streamlit run app.py`` (extra
environment with ``--env K=V``), first opened once by a warm-up student that then leaves
(``--no-warmup``: the students meet the cold server); the server's RSS and CPU are read from
/proc/PID.  Timing on a shared 2-core machine is noisy: the report carries the load average
before, during and after.  One JSON object per scenario (stdout, and ``--out`` / ``--out-dir``).

``--balancer K``: instead, ``python -m deploy.serve --processes K`` (HAProxy in front of K app
processes, sticky cookie); each process is warmed up directly, the students go through HAProxy,
keep its cookie and reconnect like the frontend when their websocket drops; RSS and CPU are
summed over the app processes (HAProxy's own CPU apart).  ``--kill-after S`` SIGKILLs process
``--kill`` (s1) S seconds after the start: the report's ``balancer`` section says, per student,
which process it was on, its reconnects, the time to its picture again, errors and moves lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import _machine  # noqa: E402
from load.server import Balancer, Server, Sampler  # noqa: E402
from load.client import off_loop, run_async  # noqa: E402
from load.students import PAGES  # noqa: E402

DEFINITIONS = {
    "to_picture_s": "move sent -> the first delta showing the move's setting (mcmc: the canvas with the move's "
                    "tune.key; landscape: the first Plotly chart of a run whose URL has the move's T), from a "
                    "script run started after the move",
    "to_settled_s": "move sent -> script_finished (complete) of the full run that brings the numbers",
    "lost": "moves never answered before duration + grace (mostly superseded by the student's next move)",
    "held_by_client": "moves to a clip the student already held (a browser draws these at once, before the server)",
    "page_load_s": "link opened -> first picture / first complete run",
    "bytes_per_page_load": "websocket payload bytes received until the first complete run (wire_*: bytes off "
                           "the socket, deflated like Chromium's: the harness offers permessage-deflate)",
    "bytes_per_move": "payload bytes received after the page load (answers, numbers, neighbour clips) / moves",
    "mb_per_session": "(peak server RSS while the students are connected - RSS before they connect) / students",
    "balancer.reconnect_s": "websocket dropped -> connected again (through HAProxy, to a live process)",
    "balancer.picture_back_s": "websocket dropped -> the first canvas of a run on the new connection (mcmc)",
    "balancer.picture_matches": "that canvas shows the settings the URL held at the drop (T, step size), and the new "
                                "session kept that URL (every other setting restored)",
}


def pct(xs, q):
    if not xs:
        return None
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return round(xs[lo] + (xs[hi] - xs[lo]) * (k - lo), 3)


def summary(xs) -> dict:
    return {"n": len(xs), "p50": pct(xs, 0.5), "p95": pct(xs, 0.95), "max": round(max(xs), 3) if xs else None,
            "mean": round(statistics.fmean(xs), 3) if xs else None}


def machine() -> dict:
    return {"cpu_model": _machine.cpu_model(), "cpu_count": os.cpu_count(),
            "loadavg_at_start": [round(v, 2) for v in os.getloadavg()]}


async def warm_up(base_ws: str, page: str, query: str, timeout: float) -> dict:
    s = PAGES[page](base_ws, query, random.Random(0), -1)
    t0 = time.perf_counter()
    await s.open()
    ok = await s.wait_loaded(timeout)
    out = {"page_load_s": round(time.perf_counter() - t0, 3) if ok else None, "errors": s.tab.errors}
    await s.close() if hasattr(s, "close") else await s.tab.close()
    return out


async def run_students(a, base_ws: str, sampler: Sampler, balancer: Balancer | None = None) -> tuple[list, dict]:
    rng = random.Random(a.seed)
    cls = PAGES[a.page]
    students = [cls(base_ws, a.query, random.Random(rng.random()), i, reconnect=balancer is not None)
                for i in range(a.n)]
    t0 = time.perf_counter()
    t_end = t0 + a.duration
    grace_end = t_end + a.grace
    info = {}

    async def one(s):
        await asyncio.sleep(rng.uniform(0, a.ramp))
        try:
            await s.open()
        except Exception as e:  # refused, timed out
            s.tab.errors.append(f"connect: {type(e).__name__}: {e}")
            return
        if not await s.wait_loaded(max(5.0, grace_end - time.perf_counter())):
            return
        if a.page == "rbm":
            await asyncio.sleep(max(0.0, press_at - time.perf_counter()) + rng.uniform(0, a.press_spread))
            if await s.press():
                while s.t_done is None and time.perf_counter() < press_at + a.train_timeout \
                        and not s.tab.closed_early:
                    await asyncio.sleep(0.1)
        else:
            await s.run_moves(t_end, a.every, a.jitter, grace_end)

    async def kill_later():
        await asyncio.sleep(a.kill_after)
        info["kill"] = rec = balancer.kill(a.kill)
        rec["t"] = round(rec["t"] - t0, 2)
        rec["students_on_it"] = sorted(s.name for s in students if s.tab.routes and s.tab.routes[-1] == a.kill)
        rec["stats_before"] = balancer.stats()

    press_at = t0 + a.ramp + a.press_after
    killer = asyncio.create_task(kill_later()) if balancer is not None and a.kill_after is not None else None
    await asyncio.gather(*(one(s) for s in students))
    if killer is not None and not killer.done():
        killer.cancel()
    if balancer is not None:
        info["stats_at_end"] = balancer.stats()
        info["servers_at_end"] = [{"name": x["name"], "pid": x["pid"]} for x in balancer.servers()]
    info["wall_s"] = round(time.perf_counter() - t0, 2)
    sampler.mark("students_done")
    for s in students:
        if hasattr(s, "_cancel_near"):
            s._cancel_near()
        await s.tab.close()
    return students, info


def balancer_report(a, students, info) -> dict:
    """Where each student was, and what a dropped websocket cost it (``--balancer``)."""
    per, back, reconn, matches = [], [], [], []
    killed = set(info.get("kill", {}).get("students_on_it", []))
    for s in students:
        outs = s.tab.outages
        lost = sum(1 for m in s.moves if m["t_picture"] is None)
        row = {"student": s.name, "routes": s.tab.routes, "drops": len(outs),
               "reconnects": sum(1 for o in outs if o["t_connected"]),
               "errors": len(s.tab.errors) + (1 if s.tab.closed_early else 0),
               "moves": len(s.moves), "lost": lost, "skipped_offline": s.skipped_offline}
        if outs:
            row["reconnect_s"] = [round(o["t_connected"] - o["t_drop"], 3) if o["t_connected"] else None for o in outs]
            row["picture_back_s"] = [round(o["t_picture"] - o["t_drop"], 3) if o["t_picture"] else None for o in outs]
            row["picture_matches"] = [o.get("key_after") == o.get("key_url") and o.get("query_kept", False)
                                      if o["t_picture"] else None for o in outs]
            row["url_newer_than_picture"] = sum(1 for o in outs if o["t_picture"] and o.get("key_url") != o.get("key_before"))
            reconn += [x for x in row["reconnect_s"] if x is not None]
            back += [x for x in row["picture_back_s"] if x is not None]
            matches += row["picture_matches"]
        per.append(row)

    def group(rows):
        return {"students": len(rows), "drops": sum(r["drops"] for r in rows),
                "reconnects": sum(r["reconnects"] for r in rows), "errors": sum(r["errors"] for r in rows),
                "moves": sum(r["moves"] for r in rows), "lost": sum(r["lost"] for r in rows),
                "skipped_offline": sum(r["skipped_offline"] for r in rows)}

    out = {"processes": a.balancer,
           "students_per_process": dict(sorted(Counter(s.tab.routes[0] if s.tab.routes else None
                                                       for s in students).items(), key=str)),
           "sticky_breaks": sum(s.tab.sticky_breaks for s in students),
           "reconnect_s": summary(reconn), "picture_back_s": summary(back),
           "picture_matches": sum(1 for x in matches if x), "picture_differs": sum(1 for x in matches if x is False),
           "picture_never_back": sum(1 for x in matches if x is None),
           "stats_at_end": info.get("stats_at_end"), "servers_at_end": info.get("servers_at_end")}
    if "kill" in info:
        out["kill"] = info["kill"]
        out["killed_students"] = group([r for r in per if r["student"] in killed])
        out["other_students"] = group([r for r in per if r["student"] not in killed])
    out["per_student"] = per
    return out


def report(a, students, info) -> dict:
    moves = [m for s in students for m in s.moves]
    answered = [m for m in moves if m["t_picture"] is not None]
    lost = [m for m in moves if m["t_picture"] is None]
    last_lost = sum(1 for s in students if s.moves and s.moves[-1]["t_picture"] is None)
    loads = [s for s in students if s.t_loaded is not None]
    err = Counter(e for s in students for e in s.tab.errors)
    after_load = [s.tab.bytes_in - s.load_bytes for s in loads]
    after_load_wire = [s.tab.wire_in - s.load_wire for s in loads]
    out = {
        "page_load_s": {"to_picture": summary([s.t_picture - s.t_open for s in students if s.t_picture and s.t_open]),
                        "to_complete_run": summary([s.t_loaded - s.t_open for s in loads])},
        "students_loaded": len(loads),
        "errors": {"total": sum(err.values()) + sum(1 for s in students if s.tab.closed_early),
                   "disconnects": sum(1 for s in students if s.tab.closed_early),
                   "not_loaded": len(students) - len(loads), "messages": dict(err.most_common(10))},
        "bytes": {"per_page_load_mean": round(statistics.fmean([s.load_bytes for s in loads])) if loads else None,
                  "wire_per_page_load_mean": round(statistics.fmean([s.load_wire for s in loads])) if loads else None,
                  "received_total": sum(s.tab.bytes_in for s in students),
                  "wire_received_total": sum(s.tab.wire_in for s in students),
                  "sent_total": sum(s.tab.bytes_out for s in students),
                  "ref_hash_msgs": sum(s.tab.ref_hashes for s in students)},
        "runs_started_total": sum(s.tab.runs_started for s in students),
    }
    if a.page == "rbm":
        pressed = [s for s in students if s.t_press]
        gaps = [b - x for s in pressed for x, b in zip(s.ticks, s.ticks[1:])]
        out["train"] = {"pressed": len(pressed), "saw_progress": sum(1 for s in pressed if s.t_progress),
                        "finished": sum(1 for s in pressed if s.t_done),
                        "to_progress_s": summary([s.t_progress - s.t_press for s in pressed if s.t_progress]),
                        "to_done_s": summary([s.t_done - s.t_press for s in pressed if s.t_done]),
                        "progress_updates_per_student": summary([len(s.ticks) for s in pressed]),
                        "seconds_between_updates": summary(gaps)}
    else:
        out["moves"] = {"done": len(moves), "answered": len(answered), "lost": len(lost),
                        "lost_that_were_last": last_lost, "skipped_not_loaded": sum(s.skipped for s in students),
                        "held_by_client": sum(1 for m in moves if m["held"]),
                        "to_picture_s": summary([m["t_picture"] - m["t_sent"] for m in answered]),
                        "to_settled_s": summary([m["t_settled"] - m["t_sent"] for m in answered if m["t_settled"]]),
                        "per_student_moves": summary([len(s.moves) for s in students])}
        out["bytes"]["per_move_mean"] = round(sum(after_load) / len(moves)) if moves and after_load else None
        out["bytes"]["wire_per_move_mean"] = (round(sum(after_load_wire) / len(moves))
                                              if moves and after_load_wire else None)
        if a.page == "mcmc":
            out["moves"]["near_requests"] = sum(s.near_sent for s in students)
    return out


async def scenario(a) -> dict:
    res = {"bench": "load_class", "scenario": {k: getattr(a, k) for k in (
        "page", "n", "query", "duration", "every", "jitter", "ramp", "grace", "seed", "env", "warmup", "balancer",
        "kill_after")},
        "machine": machine(), "definitions": DEFINITIONS}
    if a.page == "rbm":
        res["scenario"].update(press_after=a.press_after, press_spread=a.press_spread, train_timeout=a.train_timeout)
    srv = None
    if a.url:
        base, pid = a.url.rstrip("/"), a.pid
    elif a.balancer:
        env = dict(kv.split("=", 1) for kv in a.env)
        srv = Balancer(a.balancer, env=env)
        res["server_start_s"] = round(srv.wait_healthy(), 2)
        base, pid = srv.url, srv.app_pids  # (a callable: the pids change when one is restarted)
    else:
        env = dict(kv.split("=", 1) for kv in a.env)
        if a.timings:
            env.update(timing_env(a.timings))
        if a.memory:
            env.update(memory_env(a.memory, env))
        srv = Server(env=env)
        res["server_start_s"] = round(srv.wait_healthy(), 2)
        base, pid = srv.url, srv.pid
    base_ws = base.replace("http://", "ws://").replace("https://", "wss://")
    sampler = Sampler(pid).start()
    lb = isinstance(srv, Balancer)
    hap = Sampler(lambda: [srv.haproxy_pid()]).start() if lb else None
    usage0, c0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    later = []
    try:
        sampler.mark("fresh")
        if a.warmup and lb:  # each process directly: HAProxy would send the one warm-up to one of them
            res["warmup"] = await asyncio.gather(*(warm_up(f"ws://127.0.0.1:{x['port']}", a.page, a.query, 120)
                                                   for x in srv.servers()))
            await asyncio.sleep(2)
        elif a.warmup:
            res["warmup"] = await warm_up(base_ws, a.page, a.query, 120)
            await asyncio.sleep(2)
        if a.warmup and a.lead:  # the teacher opened the link a while before the class arrives
            await asyncio.sleep(a.lead)
        if a.timings and not a.url:
            Path(a.timings).write_text("")  # the students' runs only (the server appends)
        sampler.mark("before")
        if hap:
            hap.mark("before")
        students, info = await run_students(a, base_ws, sampler, srv if lb else None)
        if hap:
            hap.mark("students_done")
        await asyncio.sleep(a.settle)
        sampler.mark("after_close")
        # Memory over a day of classes: the same class again on the same server. Shared caches are
        # full after the first; what a later class leaves behind beyond that is per-session memory
        # that was not given back.
        for k in range(2, a.classes + 1):
            again, _ = await run_students(a, base_ws, sampler, srv if lb else None)
            await asyncio.sleep(a.settle)
            sampler.mark(f"after_class_{k}")
            later.append({"class": k, "rss_after_close_mb": sampler.marks[f"after_class_{k}"][1],
                          "errors": sum(len(s.tab.errors) for s in again)})
        if a.linger:
            # Streamlit keeps a closed session for a reconnect (server.disconnectedSessionTTL, 120 s)
            # and drops it when its session store is next written: wait past that, then one student
            # comes and goes.
            await asyncio.sleep(a.linger)
            probe = argparse.Namespace(**{**vars(a), "n": 1, "duration": 0.0, "grace": 10.0})
            await run_students(probe, base_ws, sampler, srv if lb else None)
            await asyncio.sleep(a.settle)
            sampler.mark("after_linger")
    finally:
        sampler.stop()
        if hap:
            hap.stop()
        log = srv.log_text(1500) if srv else ""
        if srv:
            srv.stop()
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    res.update(info)
    res.update(report(a, students, info))
    during = sampler.between("before", "students_done")
    before = sampler.marks["before"][1]
    srvd = {"pid": None if callable(pid) else pid, "rss_fresh_mb": sampler.marks["fresh"][1], "rss_before_students_mb": before, **during,
            "rss_after_close_mb": sampler.marks["after_close"][1], "settle_s": a.settle}
    if later:
        srvd["later_classes"] = later
    if a.linger:
        srvd["rss_after_linger_mb"], srvd["linger_s"] = sampler.marks["after_linger"][1], a.linger
    if before is not None and during["peak_rss_mb"] is not None:
        srvd["mb_per_session"] = round((during["peak_rss_mb"] - before) / max(1, a.n), 1)
    res["server"] = srvd
    if "Traceback" in log:
        res["server_log_tail"] = log[-1500:]
    if lb:
        res["server"]["note"] = "RSS and CPU summed over the app processes (HAProxy apart)"
        res["balancer"] = balancer_report(a, students, info)
        res["balancer"]["haproxy_cpu_cores_mean"] = hap.between("before", "students_done")["cpu_cores_mean"]
    if a.timings and not a.url:
        res["server_runs"] = timing_summary(Path(a.timings), srvd.get("cpu_cores_mean"), info.get("wall_s"))
    res["client"] = {"cpu_cores_mean": round((usage1.ru_utime + usage1.ru_stime - usage0.ru_utime - usage0.ru_stime)
                                             / (time.perf_counter() - c0), 3),
                     "maxrss_mb": round(usage1.ru_maxrss / 1024, 1)}
    res["machine"]["loadavg_1min_max_during"] = during["loadavg_1min_max"]
    res["machine"]["loadavg_at_end"] = [round(v, 2) for v in os.getloadavg()]
    return res


def timing_env(path: str) -> dict:
    """Environment that loads bench/server_timing_hook.py into the server (as a sitecustomize):
    one JSON line per script run, with the MCMC page's stages."""
    import shutil
    import tempfile

    hook_dir = Path(tempfile.mkdtemp(prefix="load-hook-"))
    shutil.copyfile(HERE / "server_timing_hook.py", hook_dir / "sitecustomize.py")
    Path(path).write_text("")
    return {"PYTHONPATH": os.pathsep.join([str(hook_dir), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            "EBM_BENCH_TIMINGS": str(Path(path).resolve()), "EBM_BENCH_PAGE_HOOKS": "1"}


def memory_env(path: str, env: dict) -> dict:
    """Environment that loads bench/server_memory_hook.py into the server (as a sitecustomize): one
    JSON line every 5 s on where its memory is (heap in use, sessions alive and stored, caches)."""
    import shutil
    import tempfile

    hook_dir = Path(tempfile.mkdtemp(prefix="load-mem-"))
    shutil.copyfile(HERE / "server_memory_hook.py", hook_dir / "sitecustomize.py")
    Path(path).write_text("")
    pp = [str(hook_dir), env.get("PYTHONPATH", os.environ.get("PYTHONPATH", ""))]
    return {"PYTHONPATH": os.pathsep.join(pp).rstrip(os.pathsep), "EBM_BENCH_MEMORY": str(Path(path).resolve())}


def timing_summary(path: Path, cores: float | None, wall: float | None) -> dict:
    """Where the script runs' time went (``--timings``): runs, their wall and CPU time, the stages."""
    recs = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    cpu = sum(r.get("cpu_ms", 0) for r in recs) / 1000
    sections: dict = {}
    for r in recs:
        for name, (ms, n) in r.get("sections", {}).items():
            s = sections.setdefault(name, [0.0, 0])
            s[0] += ms
            s[1] += n
    out = {"runs": len(recs), "run_wall_s": summary([r["total_ms"] / 1000 for r in recs]),
           "run_cpu_s_total": round(cpu, 2), "run_cpu_s": summary([r.get("cpu_ms", 0) / 1000 for r in recs]),
           "stages_wall_s_total": {k: [round(v[0] / 1000, 2), v[1]] for k, v in
                                   sorted(sections.items(), key=lambda kv: -kv[1][0])}}
    if cores and wall:
        out["script_cpu_share_of_server_cpu"] = round(cpu / (cores * wall), 3)
    return out


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--page", choices=sorted(PAGES), default="mcmc")
    p.add_argument("--students", type=int, nargs="+", default=[1], help="one scenario (and fresh server) per value")
    p.add_argument("--query", default="", help="the shared link's query string, e.g. 'target=banana'")
    p.add_argument("--duration", type=float, default=60.0, help="seconds of moves from the start")
    p.add_argument("--every", type=float, default=3.0)
    p.add_argument("--jitter", type=float, default=1.0)
    p.add_argument("--ramp", type=float, default=3.0, help="students open the link within this many seconds")
    p.add_argument("--grace", type=float, default=30.0, help="seconds after --duration to wait for answers")
    p.add_argument("--settle", type=float, default=5.0, help="seconds after the last student left before RSS is read")
    p.add_argument("--classes", type=int, default=1, help="the same class this many times on one server (RSS after each)")
    p.add_argument("--linger", type=float, default=0.0, help="then wait this long (past the disconnected-session TTL), "
                   "let one student come and go, and read RSS again")
    p.add_argument("--press-after", type=float, default=5.0, help="rbm: seconds after the ramp before the presses")
    p.add_argument("--press-spread", type=float, default=3.0, help="rbm: presses fall within this many seconds")
    p.add_argument("--train-timeout", type=float, default=240.0, help="rbm: give up waiting for 'done' after this")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--url", help="an already running server (no fresh one; no RSS/CPU unless --pid)")
    p.add_argument("--pid", type=int, help="with --url: the server's pid, for RSS and CPU")
    p.add_argument("--env", action="append", default=[], metavar="K=V", help="extra server environment")
    p.add_argument("--balancer", type=int, metavar="K", help="K app processes behind HAProxy (python -m deploy.serve)"
                   " instead of one server; students keep the sticky cookie and reconnect when dropped")
    p.add_argument("--kill-after", type=float, metavar="S", help="with --balancer >= 2: SIGKILL one app process S "
                   "seconds after the start")
    p.add_argument("--kill", default="s1", help="which process --kill-after kills (s1..sK)")
    p.add_argument("--no-warmup", dest="warmup", action="store_false")
    p.add_argument("--lead", type=float, default=0.0,
                   help="seconds between the warm-up student's visit and the class (the server warms the "
                        "link's runs meanwhile; 0: the class comes at once)")
    p.add_argument("--timings", metavar="JSONL", help="fresh server only: time every script run and the MCMC "
                   "page's stages (bench/server_timing_hook.py) into this file, and summarise them")
    p.add_argument("--memory", metavar="JSONL", help="fresh server only: every 5 s, where its memory is "
                   "(bench/server_memory_hook.py: heap in use, sessions alive and stored, shared caches)")
    p.add_argument("--out", help="JSON file (one scenario)")
    p.add_argument("--out-dir", help="one JSON file per scenario: <page>-<n>.json")
    p.add_argument("--crosscheck", action="store_true", help="one move through Chromium and through the harness")
    a = p.parse_args(argv)
    if a.balancer is not None:
        if a.url or a.timings:
            p.error("--balancer starts its own processes: not with --url or --timings")
        if not 1 <= a.balancer <= 4 * (os.cpu_count() or 1):
            p.error(f"--balancer {a.balancer}: 1..{4 * (os.cpu_count() or 1)} (deploy.serve's range)")
    if a.kill_after is not None:
        if not a.balancer or a.balancer < 2:
            p.error("--kill-after needs --balancer 2 or more (someone must be left to reconnect to)")
        if not 0 < a.kill_after < a.duration:
            p.error(f"--kill-after {a.kill_after}: must lie inside the scenario (0, --duration {a.duration})")
        if a.kill not in {f"s{i + 1}" for i in range(a.balancer)}:
            p.error(f"--kill {a.kill}: one of s1..s{a.balancer}")
    return a


def main(argv=None) -> list[dict]:
    a = parse(argv)
    if a.crosscheck:
        from load.crosscheck import crosscheck
        res = off_loop(crosscheck, a)
        _machine.emit(res, a.out)
        return [res]
    out = []
    for n in a.students:
        a.n = n
        res = run_async(scenario(a))
        path = a.out if len(a.students) == 1 and a.out else None
        if a.out_dir:
            Path(a.out_dir).mkdir(parents=True, exist_ok=True)
            path = str(Path(a.out_dir) / f"{a.page}-{n}.json")
        _machine.emit(res, path)
        out.append(res)
    return out


if __name__ == "__main__":
    main()
