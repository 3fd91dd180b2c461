"""Server-side timings for bench/bench_ui_latency.py: loaded by its Streamlit servers at start-up.

The benchmark copies this file into a temp dir as ``sitecustomize.py`` and puts that dir on the
server's PYTHONPATH, so Python imports it before Streamlit starts (this benchmark's servers
only).  It then appends one JSON line per script run to ``$EBM_BENCH_TIMINGS``: the run's wall
and CPU time, when the canvas's message was sent, Streamlit's gc.collect(2) after the run and,
with ``EBM_BENCH_PAGE_HOOKS=1``, the MCMC page's stages (grid, chains, pack_clip, chain_canvas,
ESS/R-hat, plotly figures, ...).  Without ``$EBM_BENCH_TIMINGS`` importing it does nothing.
"""

import functools, json, os, threading, time

_PATH = os.environ.get("EBM_BENCH_TIMINGS")
_local = threading.local()
_current = {"rec": None}


def _section(name, f):
    @functools.wraps(f)
    def timed(*a, **k):
        rec = getattr(_local, "rec", None)
        t0 = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            if rec is not None:
                t1 = time.perf_counter()
                sec = rec["sections"].setdefault(name, [0.0, 0])
                sec[0] += (t1 - t0) * 1000
                sec[1] += 1
                if name == "chain_canvas":
                    rec["start_to_canvas_call_done_ms"] = (t1 - rec["_t0"]) * 1000
    return timed


def _install():
    from streamlit.runtime.scriptrunner import script_runner as sr

    orig = sr.ScriptRunner._run_script

    def _run_script(self, rerun_data):
        rec = {"_t0": time.perf_counter(), "sections": {}, "msgs_sent": 0}
        c0 = time.thread_time()
        _local.rec = rec
        _current["rec"] = rec
        try:
            return orig(self, rerun_data)
        finally:
            _local.rec = None
            rec["total_ms"] = (time.perf_counter() - rec.pop("_t0")) * 1000
            rec["cpu_ms"] = (time.thread_time() - c0) * 1000
            if "start_to_canvas_call_done_ms" in rec:
                rec["canvas_call_done_to_end_ms"] = rec["total_ms"] - rec["start_to_canvas_call_done_ms"]
            with open(_PATH, "a") as fh:
                fh.write(json.dumps(rec) + "\n")

    sr.ScriptRunner._run_script = _run_script

    # when the websocket write of the canvas's element happens (the event loop thread)
    from streamlit.runtime import runtime as rt

    orig_send = rt.Runtime._send_message

    def _send_message(self, session_info, msg):
        rec = _current["rec"]
        try:
            return orig_send(self, session_info, msg)
        finally:
            if rec is not None and "_t0" in rec:
                rec["msgs_sent"] += 1
                try:
                    kind = msg.delta.new_element.WhichOneof("type") if msg.WhichOneof("type") == "delta" else None
                except Exception:
                    kind = None
                if kind in ("bidi_component", "component_instance") and "canvas_msg_sent_ms" not in rec:
                    rec["canvas_msg_sent_ms"] = (time.perf_counter() - rec["_t0"]) * 1000
                    rec["msgs_sent_before_canvas"] = rec["msgs_sent"] - 1

    rt.Runtime._send_message = _send_message

    class _TimedGC:  # Streamlit calls gc.collect(2) after every run (runner.postScriptGC)
        def __getattr__(self, name):
            return getattr(_gc, name)

        def collect(self, *a):
            t0 = time.perf_counter()
            try:
                return _gc.collect(*a)
            finally:
                rec = getattr(_local, "rec", None)
                if rec is not None:
                    rec["post_script_gc_ms"] = rec.get("post_script_gc_ms", 0.0) + (time.perf_counter() - t0) * 1000

    import gc as _gc
    sr.gc = _TimedGC()
    if os.environ.get("EBM_BENCH_PAGE_HOOKS") != "1":
        return
    try:  # the MCMC page's stages (module attributes, looked up by the page on every run)
        import streamlit
        from streamlit.delta_generator import DeltaGenerator
        import ui.mcmc.canvas as CC
        import ui.mcmc.controls as M
        from ebm_core.mcmc import diagnostics
        from ebm_core.viz import mcmc as V

        M.exact_grid = _section("exact_grid x2 (st.cache_data)", M.exact_grid)
        import ui.mcmc.runs as R
        R.run = _section("run chains (cached)", R.run)
        CC.pack_clip = _section("pack_clip", CC.pack_clip)
        CC.chain_canvas = _section("chain_canvas", CC.chain_canvas)
        diagnostics.summarise = _section("summarise (ESS, R-hat)", diagnostics.summarise)
        for n in ("trace_figure", "acf_figure", "marginal_figure", "running_mean_figure"):
            setattr(V, n, _section("plotly figures: build x7", getattr(V, n)))
        DeltaGenerator.plotly_chart = _section("st.plotly_chart x7 (serialise + send)", DeltaGenerator.plotly_chart)
        streamlit.plotly_chart = _section("st.plotly_chart x7 (serialise + send)", streamlit.plotly_chart)
        DeltaGenerator.latex = _section("st.latex", DeltaGenerator.latex)
        import ui.mcmc.explain as EX
        EX.explain_panel = _section("explain_panel", EX.explain_panel)
    except Exception:  # the bare app: run times only
        pass


if _PATH:
    _install()
    if os.environ.get("EBM_BENCH_SWITCHINTERVAL"):  # experiment: hand the GIL over more often
        import sys
        sys.setswitchinterval(float(os.environ["EBM_BENCH_SWITCHINTERVAL"]))
