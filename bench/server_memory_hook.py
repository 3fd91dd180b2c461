"""Where a class server's memory is, for bench/load_class.py ``--memory``: loaded as a sitecustomize.

Like server_timing_hook.py, the harness copies this file into a temp dir as ``sitecustomize.py`` on
the server's PYTHONPATH (its servers only). Every ``$EBM_BENCH_MEMORY_EVERY`` seconds (default 5)
a thread appends one JSON line to ``$EBM_BENCH_MEMORY``:

- ``rss_mb``: what the kernel counts (what the harness's RSS figures are);
- ``heap_in_use_mb`` / ``heap_mb``: glibc's allocated bytes and what its arenas hold from the
  system (``mallinfo2``): RSS far above "in use" is memory freed but not given back (fragmented
  arenas), not memory still held;
- ``sessions_alive``: AppSession objects not yet garbage; ``sessions_active`` /
  ``sessions_stored``: connected, and kept for a reconnect (``server.disconnectedSessionTTL``);
- ``caches``: every ``ui.kit.shared.SharedCache`` (entries, MB, budget);
- ``arrays_mb`` / ``arrays_by_holder_mb`` (when the last session has gone): numpy arrays and torch
  tensors reachable from gc's containers, by what holds them (the class whose attributes they are);
- ``streamlit_mb`` (every 6th line): Streamlit's own byte counts per family and cache (st.cache_data,
  st.cache_resource, session state, media files), those of at least 0.5 MB.

Without ``$EBM_BENCH_MEMORY`` importing it does nothing.
"""

import ctypes
import gc
import json
import os
import sys
import threading
import time
import weakref

_PATH = os.environ.get("EBM_BENCH_MEMORY")
_EVERY = float(os.environ.get("EBM_BENCH_MEMORY_EVERY", "5"))
_sessions = weakref.WeakSet()
_runtime = {"rt": None}
_count = {"n": 0}


class _MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


def _heap() -> dict:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        m = libc.mallinfo2()
    except (OSError, AttributeError):
        return {}
    mb = 1024 * 1024
    return {"heap_in_use_mb": round((m.uordblks + m.hblkhd) / mb, 1), "heap_mb": round((m.arena + m.hblkhd) / mb, 1)}


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def _caches() -> list:
    out = []
    for name, mod in list(sys.modules.items()):
        if not name.startswith("ui."):
            continue
        for v in list(vars(mod).values()):
            if type(v).__name__ == "SharedCache" and hasattr(v, "stats"):
                s = v.stats()
                out.append({k: s[k] for k in ("name", "entries", "mb", "max_mb")})
    return out


def _record() -> dict:
    rec = {"t": round(time.time(), 1), "rss_mb": round(_rss_mb(), 1), **_heap(), "sessions_alive": len(_sessions)}
    rt = _runtime["rt"]
    if rt is not None:
        mgr = rt._session_mgr
        rec["sessions_active"] = len(mgr.list_active_sessions())
        rec["sessions_stored"] = len(mgr.list_sessions()) - rec["sessions_active"]
    rec["caches"] = sorted(_caches(), key=lambda c: c["name"])
    _count["n"] += 1
    if rt is not None and _count["n"] % 6 == 1:  # (Streamlit sizes its caches by walking them: not every time)
        t0 = time.perf_counter()
        rec["streamlit_mb"] = _streamlit_stats(rt)
        rec["streamlit_stats_s"] = round(time.perf_counter() - t0, 2)
    return rec


def _streamlit_stats(rt) -> dict:
    """Streamlit's own accounting (what ``/_stcore/metrics`` serves): MB per family and cache."""
    out = {}
    for family, stats in rt.stats_mgr.get_stats().items():
        for st in stats:
            n = getattr(st, "byte_length", None)
            if n is None:
                continue
            key = f"{family}:{getattr(st, 'cache_name', '') or ''}"
            out[key] = out.get(key, 0) + n
    return {k: round(v / 1024 / 1024, 1) for k, v in sorted(out.items()) if v >= 512 * 1024}


def _owner(d: dict) -> str:
    """What holds dict ``d``: the class whose ``__dict__`` it is, a module, or the holder's type.
    (One level only: each look scans every object, and more takes minutes on a class's server.)"""
    for r in gc.get_referrers(d):
        if type(r).__name__ in ("frame", "list_iterator"):
            continue
        if type(r).__name__ == "module":
            return "module " + r.__name__
        if getattr(r, "__dict__", None) is d:
            return type(r).__module__.split(".")[-1] + "." + type(r).__name__
        return type(r).__name__
    return "?"


def _census(rec: dict) -> None:
    """When the last session has gone: the numpy arrays and torch tensors still reachable, summed
    by the type of what holds them (gc's containers), the largest holders first."""
    import numpy as np

    try:
        import torch
    except ImportError:
        torch = None
    active = rec.get("sessions_active")
    was = _count.get("active", 0)
    _count["active"] = active
    if not (was and active == 0):
        return
    t0 = time.perf_counter()
    seen, by = set(), {}
    for o in gc.get_objects():
        for r in gc.get_referents(o):
            if isinstance(r, np.ndarray):
                n = r.base.nbytes if isinstance(r.base, np.ndarray) else r.nbytes
            elif torch is not None and isinstance(r, torch.Tensor):
                n = r.untyped_storage().nbytes()
            else:
                continue
            if id(r) in seen:
                continue
            seen.add(id(r))
            owner = type(o).__name__
            if isinstance(o, dict) and n >= 256 * 1024:  # whose dict: what refers to it, two levels up
                owner = "dict<" + _owner(o) + ">"
            by[owner] = by.get(owner, 0) + n
    rec["arrays_mb"] = round(sum(by.values()) / 2**20, 1)
    rec["arrays_by_holder_mb"] = {k: round(v / 2**20, 1) for k, v in sorted(by.items(), key=lambda kv: -kv[1])[:25]}
    rec["census_s"] = round(time.perf_counter() - t0, 2)


def _loop():
    while True:
        time.sleep(_EVERY)
        try:
            rec = _record()
            _census(rec)
        except Exception as e:  # (a bench aid: report, never stop the server)
            rec = {"t": round(time.time(), 1), "error": f"{type(e).__name__}: {e}"}
        with open(_PATH, "a") as fh:
            fh.write(json.dumps(rec) + "\n")


def _install():
    from streamlit.runtime import app_session, runtime

    orig_init = app_session.AppSession.__init__

    def __init__(self, *a, **k):
        orig_init(self, *a, **k)
        _sessions.add(self)

    app_session.AppSession.__init__ = __init__
    orig_rt = runtime.Runtime.__init__

    def rt_init(self, *a, **k):
        orig_rt(self, *a, **k)
        _runtime["rt"] = self

    runtime.Runtime.__init__ = rt_init
    threading.Thread(target=_loop, name="bench-memory", daemon=True).start()


if _PATH:
    gc.collect()
    _install()
