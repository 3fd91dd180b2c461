"""Slider -> new picture latency of the MCMC page, against the floor of a bare Streamlit slider.

One run, headless Debian Chromium on this machine, prints ONE JSON object (and writes it to
``--out``):

floor    bench/apps/bare_slider.py: ArrowRight/ArrowLeft on an st.slider -> the st.write text
         shows the new value (a MutationObserver sees the text).
mcmc     /mcmc?target=mixture&chains=4&steps=2000 (MH): a key press on the "Temperature T" or
         "Proposal width σ" slider drawn in the chain canvas -> the canvas has drawn the new
         clip (its data-rendered attribute increments; the component draws synchronously
         before setting it, the browser paints it in the same frame).

Every time is taken inside the page with performance.now(): keydown (capture listener) ->
[script state "running" -> the websocket message carrying the clip arrives ->]
data-rendered increments -> script state "notRunning".  No Playwright round trip is in any
number.  A clip the browser holds (sent ahead with the previous one) is drawn before any
script run starts: such presses are marked drawn_by_browser.

The page caches runs (on every setting), so each sample is also labelled by whether
the server has computed that (T, σ) before in its life: "cold" = a fresh run (T: also a
fresh exact grid unless that T was seen), "warm" = a cache hit.  Cold samples come from
sweeps through values never visited (server B: a fresh server with prefetch off), warm ones
from alternating Right/Left between two visited values.

Where the time goes:
- every sample carries the server's own view of its script run: the servers are started with a
  sitecustomize (bench/server_timing_hook.py, copied to a temp dir) that times each script run, the
  page's stages (grid, chains, pack_clip, chain_canvas, ESS/R-hat, plotly figures, ...) and the
  gc.collect(2) Streamlit runs after every run (runner.postScriptGC);
- in the page: main-thread long tasks (PerformanceObserver) and websocket message arrivals;
- a CDP JavaScript profile over 6 warm presses (per script: Plotly, React, the canvas, native);
- the page's stages once more in this process, without contention and without caches.

Usage: python bench/bench_ui_latency.py [--n 20] [--floor-n 30] [--out FILE] [-v]
Takes about 6 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import faulthandler
import importlib.util
import json
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ helpers, however this file is loaded
from _machine import cpu_model  # noqa: E402


ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location("ebm_browser_conftest", ROOT / "tests" / "browser" / "conftest.py")
_conf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_conf)
CHROMIUM, CHROMIUM_ARGS, StreamlitServer = _conf.CHROMIUM, _conf.CHROMIUM_ARGS, _conf.StreamlitServer

BARE_APP = ROOT / "bench" / "apps" / "bare_slider.py"
MAIN_APP = ROOT / "app.py"
MCMC_QUERY = "target=mixture&chains=4&steps=2000"
CANVAS = "[data-testid='ebm-chain-canvas']"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
GOAL_RATIO = 3.0
GAP_MS = 400  # between the idle app and the next key press (--gap-ms)
STEADY_MS = 600  # the brisk student's rhythm (one press every 0.6 s)

# Before any page script: log every websocket message (arrival time, bytes) in page time.
WS_LOG_INIT = """
(() => {
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
      if (window.__longTasks.length > 5000) window.__longTasks.splice(0, 2500);
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) {}
  window.__wsLog = [];
  const Native = window.WebSocket;
  function Logged(url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    ws.addEventListener('message', (e) => {
      const d = e.data;
      const n = d == null ? 0 : (d.byteLength !== undefined ? d.byteLength : (d.size !== undefined ? d.size : String(d).length));
      window.__wsLog.push([performance.now(), n]);
      if (window.__wsLog.length > 5000) window.__wsLog.splice(0, 2500);
    });
    return ws;
  }
  Logged.prototype = Native.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Logged[k] = Native[k];
  window.WebSocket = Logged;
})();
"""

# Arm one measurement: resolves with the timeline of the next key press.
# arg.root: the canvas root (or null); arg.text: the text to wait for (or null).
ARM_JS = """
(arg) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const root = arg.root, text = arg.text;
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const r0 = root ? Number(root.getAttribute('data-rendered') || 0) : 0;
  // Every script-state change until the next arm: when did the whole page (numbers too) settle?
  if (window.__stateMo) window.__stateMo.disconnect();
  window.__stateLog = [];
  window.__stateMo = new MutationObserver(() => {
    window.__stateLog.push([performance.now(), app.getAttribute('data-test-script-state')]);
  });
  window.__stateMo.observe(app, { attributes: true, attributeFilter: ['data-test-script-state'] });
  const rec = { key: null, run: null, shown: null, idle: null, rendered_from: r0 };
  let mo1, mo2, timer;
  window.__recDone = false;
  window.__recP = new Promise((resolve0) => {
    const resolve = (r) => { window.__rec = r; window.__recDone = true; resolve0(r); };
    // Finished when the new value is on screen and the app is idle.  A short run's "running"
    // and "notRunning" can reach React in one batch, so the DOM may never show "running".
    const done = () => {
      if (rec.shown == null || app.getAttribute('data-test-script-state') !== 'notRunning') return;
      if (rec.idle == null) rec.idle = Math.max(rec.shown, performance.now());
      mo1.disconnect(); mo2.disconnect(); clearTimeout(timer);
      resolve(rec);
    };
    window.addEventListener('keydown', () => { if (rec.key == null) rec.key = performance.now(); },
                            { capture: true, once: true });
    // Both transitions of a short run can land in one callback: walk the records (oldValue
    // is the state before each change), not just the current attribute.
    mo1 = new MutationObserver((records) => {
      const t = performance.now();
      if (rec.key == null) return;
      const states = records.map((r) => r.oldValue).slice(1);
      states.push(app.getAttribute('data-test-script-state'));
      for (const s of states) {
        if (s === 'running' && rec.run == null) rec.run = t;
        if (s === 'notRunning' && rec.run != null && rec.shown != null && rec.idle == null) rec.idle = t;
      }
      done();
    });
    mo1.observe(app, { attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state'] });
    if (root) {
      mo2 = new MutationObserver(() => {
        if (rec.key != null && rec.shown == null && Number(root.getAttribute('data-rendered') || 0) > r0) {
          rec.shown = performance.now(); rec.rendered_to = Number(root.getAttribute('data-rendered')); done();
        }
      });
      mo2.observe(root, { attributes: true, attributeFilter: ['data-rendered'] });
    } else {
      mo2 = new MutationObserver(() => {
        if (rec.key != null && rec.shown == null && main.textContent.includes(text)) { rec.shown = performance.now(); done(); }
      });
      mo2.observe(main, { childList: true, subtree: true, characterData: true });
    }
    timer = setTimeout(() => { mo1.disconnect(); mo2.disconnect(); rec.timeout = true; resolve(rec); }, 60000);
  });
  return true;
}
"""

# True once the app is idle and no script state change happened for ``arg`` ms.
SETTLED_JS = """
(quietMs) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const log = window.__stateLog || [];
  const last = log.length ? log[log.length - 1][0] : 0;
  return app.getAttribute('data-test-script-state') === 'notRunning' && performance.now() - last > quietMs;
}
"""
SETTLE_MS = 300

# True once the clip the chain canvas shows is the one the server last sent.
SERVER_CAUGHT_UP_JS = """
() => {
  const h = [...document.querySelectorAll('*')].find((e) => e.shadowRoot &&
             e.shadowRoot.querySelector("[data-testid='ebm-chain-canvas']"));
  const root = h && h.shadowRoot.querySelector("[data-testid='ebm-chain-canvas']");
  return !!root && root.getAttribute('data-tune') === root.getAttribute('data-tune-shown') &&
         root.getAttribute('data-waiting') !== '1';
}
"""

# True once the chain canvas is not waiting for its neighbours' clips.
NEAR_READY_JS = """
() => {
  const h = [...document.querySelectorAll('*')].find((e) => e.shadowRoot &&
             e.shadowRoot.querySelector("[data-testid='ebm-chain-canvas']"));
  const root = h && h.shadowRoot.querySelector("[data-testid='ebm-chain-canvas']");
  return !!root && root.getAttribute('data-near-pending') !== '1';
}
"""

COLLECT_JS = """
async () => {
  const rec = await window.__recP;
  const end = rec.idle != null ? rec.idle : performance.now();
  rec.msgs = (window.__wsLog || []).filter(([t]) => rec.key != null && t >= rec.key && t <= end + 1);
  // main-thread tasks over 50 ms that started between the key press and the picture / the idle app
  const lt = (window.__longTasks || []).filter(([t]) => rec.key != null && t >= rec.key);
  rec.longtask_ms_to_shown = lt.filter(([t]) => rec.shown != null && t < rec.shown).reduce((a, [, d]) => a + d, 0);
  rec.longtask_ms_to_idle = lt.filter(([t]) => t < end).reduce((a, [, d]) => a + d, 0);
  rec.longtasks = lt.filter(([t]) => t < end).map(([t, d]) => [Math.round(t - rec.key), Math.round(d)]);
  return rec;
}
"""


# Loaded by the Streamlit server at interpreter start-up (copied as a sitecustomize onto its
# PYTHONPATH, for this benchmark only): times every script run and the page's main stages.
SERVER_HOOK = Path(__file__).resolve().parent / "server_timing_hook.py"


def start_server(app: Path, timings: Path, page_hooks: bool = False) -> "StreamlitServer":
    """A StreamlitServer whose process loads SERVER_HOOK (timings appended to ``timings``).

    ``page_hooks`` also times the MCMC page's stages (it imports the page's modules at start-up,
    so it is off for the bare app, whose process must stay bare).
    """
    hook_dir = Path(tempfile.mkdtemp(prefix="ebm-bench-hook-"))
    shutil.copyfile(SERVER_HOOK, hook_dir / "sitecustomize.py")
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "EBM_BENCH_TIMINGS", "EBM_BENCH_PAGE_HOOKS")}
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(hook_dir), saved["PYTHONPATH"]) if p)
    os.environ["EBM_BENCH_TIMINGS"] = str(timings)
    os.environ["EBM_BENCH_PAGE_HOOKS"] = "1" if page_hooks else "0"
    try:
        srv = StreamlitServer(app)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    srv.hook_dir = hook_dir
    srv.timings = timings
    srv.timings_read = 0
    try:
        srv.wait_healthy()
    except Exception:
        shutil.rmtree(hook_dir, ignore_errors=True)
        raise
    return srv


def stop_server(srv) -> None:
    srv.stop()
    shutil.rmtree(srv.hook_dir, ignore_errors=True)


def server_runs(srv, wait_s: float = 2.0) -> list[dict]:
    """Script runs the server finished since the last call (waits a little for at least one)."""
    end = time.monotonic() + wait_s
    while True:
        try:
            lines = srv.timings.read_text().splitlines()
        except OSError:
            lines = []
        if len(lines) > srv.timings_read or time.monotonic() > end:
            new = [json.loads(x) for x in lines[srv.timings_read:]]
            srv.timings_read = len(lines)
            return new
        time.sleep(0.02)


def merge_runs(runs: list[dict]) -> dict | None:
    if not runs:
        return None
    out = {"runs": len(runs), "total_ms": 0.0, "cpu_ms": 0.0, "sections": {}}
    for r in runs:
        out["total_ms"] += r["total_ms"]
        out["cpu_ms"] += r["cpu_ms"]
        for k in ("start_to_canvas_call_done_ms", "canvas_call_done_to_end_ms", "post_script_gc_ms", "canvas_msg_sent_ms",
                  "msgs_sent_before_canvas"):
            if k in r:
                out[k] = round(r[k], 1)
        for n, (ms, c) in r["sections"].items():
            sec = out["sections"].setdefault(n, [0.0, 0])
            sec[0] += ms
            sec[1] += c
    out["total_ms"] = round(out["total_ms"], 1)
    out["cpu_ms"] = round(out["cpu_ms"], 1)
    out["sections"] = {n: [round(ms, 1), c] for n, (ms, c) in out["sections"].items()}
    return out


# ------------------------------------------------------------------------------ helpers
VERBOSE = False


def log(msg: str) -> None:
    if VERBOSE:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def machine_info() -> dict:
    info = {"cpu_model": cpu_model(), "cpu_count": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version()}
    try:
        info["cpus_usable"] = len(os.sched_getaffinity(0))
        info["loadavg_at_start"] = [round(v, 2) for v in os.getloadavg()]
        with open("/proc/meminfo") as f:
            info["mem_total_gib"] = round(int(f.readline().split()[1]) / 2**20, 1)
    except (OSError, AttributeError):
        pass
    return info


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("streamlit", "playwright", "torch", "plotly", "numpy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    return out


def pct(xs: list[float], q: float) -> float:
    """Percentile with linear interpolation between closest ranks (numpy's default)."""
    s = sorted(xs)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q / 100.0
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summary(xs: list[float]) -> dict:
    if not xs:
        return {"n": 0}
    return {"n": len(xs), "median_ms": round(statistics.median(xs), 1), "p95_ms": round(pct(xs, 95), 1),
            "min_ms": round(min(xs), 1), "max_ms": round(max(xs), 1)}


def r1(v):
    return None if v is None else round(v, 1)


def timeline(rec: dict) -> dict:
    """Split one record into phases (ms), all from page timestamps.

    'msg' = the last websocket message that arrived before the picture/text changed (the
    one carrying it, or the last of a batch); Streamlit replaces a large message it has
    sent before by a reference to the browser's copy, so warm reruns carry few bytes.
    """
    k, run, shown, idle = rec.get("key"), rec.get("run"), rec.get("shown"), rec.get("idle")
    msgs = rec.get("msgs") or []
    before = [m for m in msgs if shown is not None and m[0] <= shown]
    last = before[-1] if before else None
    out = {
        "total_ms": r1(shown - k) if shown is not None and k is not None else None,
        # key -> the last run of the press finished (numbers and charts too, not only the picture)
        "page_settled_ms": r1(max(rec["settled"], idle or 0) - k) if rec.get("settled") and k is not None else None,
        "key_to_running_ms": r1(run - k) if run is not None and k is not None else None,
        # the browser drew the new clip from the ones it holds, before any server run started
        "drawn_by_browser": shown is not None and (run is None or shown <= run),
        "key_to_neighbours_held_ms": r1(rec["near_ready"] - k) if rec.get("near_ready") and k is not None else None,
        "running_to_msg_ms": r1(last[0] - run) if last and run is not None else None,
        "msg_to_drawn_ms": r1(shown - last[0]) if last and shown is not None else None,
        "browser_script_state_running_ms": r1(idle - run) if idle is not None and run is not None else None,
        "drawn_to_idle_ms": r1(idle - shown) if idle is not None and shown is not None else None,
        "ws_bytes_to_drawn": sum(m[1] for m in before),
        "ws_bytes": sum(m[1] for m in msgs),
        "ws_msgs": len(msgs),
        "longtask_ms_to_drawn": r1(rec.get("longtask_ms_to_shown")),
        "longtask_ms_to_idle": r1(rec.get("longtask_ms_to_idle")),
        "longtasks_[start_after_key,dur]": rec.get("longtasks"),
        "msgs_[arrival_after_key,bytes]": [[round(m[0] - k, 1), m[1]] for m in msgs] if k is not None else None,
    }
    if rec.get("timeout"):
        out["timeout"] = True
    return out


class Page:
    """One browser page on one server, with the websocket log installed."""

    def __init__(self, browser, url: str):
        self.ctx = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        self.ctx.add_init_script(WS_LOG_INIT)
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(60_000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url)

    def idle(self):
        self.page.wait_for_selector(IDLE, state="attached", timeout=60_000)

    def slider(self, label: str):
        return self.page.locator("[data-testid='stSlider']").filter(
            has=self.page.locator("[data-testid='stWidgetLabel']", has_text=label))

    def control(self, label: str):
        """A Streamlit slider's input by its label, or ("tune:T", "tune:step") a slider drawn in the chain canvas."""
        if label.startswith("tune:"):
            return self.page.locator(f"[data-testid='ebm-tune-{label[5:]}']")
        return self.slider(label).locator("input[type='range']")

    def value(self, label: str) -> str:
        if label.startswith("tune:"):
            return self.control(label).get_attribute("aria-valuetext")
        return self.slider(label).locator("[data-testid='stSliderThumbValue']").inner_text().strip()

    def press(self, label: str, key: str, *, canvas: bool, text: str | None = None,
              every_ms: float | None = None) -> dict:
        """Arm, press ``key`` on the slider, wait for the picture/text and the idle app; return the record.

        ``every_ms``: a student who presses again as soon as the picture has changed and
        ``every_ms`` have passed (no waiting for the server or for the neighbours' clips)."""
        t_press = time.perf_counter()
        thumb = self.control(label)
        thumb.focus()
        root = self.page.locator(CANVAS).element_handle() if canvas else None
        self.page.evaluate(ARM_JS, {"root": root, "text": text})
        # every wait is bounded: a renderer that stops answering is reported as a stall, not a hang
        thumb.press(key, timeout=30_000)
        self.page.wait_for_function("() => window.__recDone === true", timeout=70_000, polling=50)
        rec = self.page.evaluate(COLLECT_JS)
        if every_ms is not None:
            self.page.wait_for_timeout(max(0.0, every_ms - 1000 * (time.perf_counter() - t_press)))
            return rec
        if canvas:
            # a clip the browser held is drawn before the server hears of the move: wait until the
            # server's own clip for it has arrived (its run has happened) before "settled"
            self.page.wait_for_function(SERVER_CAUGHT_UP_JS, timeout=70_000, polling=50)
        self.idle()
        # the page may run again after the picture (the MCMC page redraws the picture in a fragment,
        # then reruns for the numbers): wait until no run has started for SETTLE_MS
        self.page.wait_for_function(SETTLED_JS, arg=SETTLE_MS, timeout=70_000, polling=50)
        rec["settled"] = self.page.evaluate(
            "() => { const l = window.__stateLog.filter(([, s]) => s === 'notRunning'); "
            "return l.length ? l[l.length - 1][0] : null; }")
        if canvas:
            # The canvas asks the server for the clips one notch away once they should be computed:
            # a student who pauses finds them there.  When did they arrive (or it stopped asking)?
            self.page.wait_for_function(NEAR_READY_JS, timeout=30_000, polling=50)
            rec["near_ready"] = self.page.evaluate("() => performance.now()")
            self.page.wait_for_function(SETTLED_JS, arg=SETTLE_MS, timeout=70_000, polling=50)
        self.page.wait_for_timeout(GAP_MS)  # a student's pause; lets the server finish its post-run GC
        return rec

    def close(self):
        self.ctx.close()


# -------------------------------------------------------------------------- the floor
def measure_floor(browser, n: int, workdir: Path) -> dict:
    log("floor: bare slider")
    srv = start_server(BARE_APP, workdir / "floor_runs.jsonl")
    try:
        p = Page(browser, srv.url + "/")
        p.idle()
        p.page.get_by_text("Value: 500.").wait_for()
        server_runs(srv, 0.5)
        samples = []
        value = 500
        for i in range(n + 2):  # two warm-up presses
            key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
            value += 1 if key == "ArrowRight" else -1
            log(f"  floor {key} -> {value}")
            rec = p.press("Value", key, canvas=False, text=f"Value: {value}.")
            tl = timeline(rec)
            tl.update(key=key, value=value, server=merge_runs(server_runs(srv)))
            if i >= 2:
                samples.append(tl)
        errors = p.errors
        p.close()
    finally:
        stop_server(srv)
    totals = [s["total_ms"] for s in samples if s["total_ms"] is not None]
    return {"app": "bench/apps/bare_slider.py", **summary(totals),
            "phases_median_ms": phase_medians(samples), "js_errors": errors, "samples": samples}


def phase_medians(samples: list[dict]) -> dict:
    out = {}
    for k in ("key_to_running_ms", "running_to_msg_ms", "msg_to_drawn_ms", "browser_script_state_running_ms",
              "drawn_to_idle_ms", "ws_bytes_to_drawn", "ws_bytes", "longtask_ms_to_drawn", "longtask_ms_to_idle"):
        vals = [s[k] for s in samples if s.get(k) is not None]
        if vals:
            out[k] = round(statistics.median(vals), 1)
    server = [s["server"] for s in samples if s.get("server")]
    if server:
        out["server"] = {}
        for k in ("total_ms", "cpu_ms", "start_to_canvas_call_done_ms", "canvas_msg_sent_ms", "msgs_sent_before_canvas",
                  "canvas_call_done_to_end_ms", "post_script_gc_ms"):
            vals = [v[k] for v in server if v.get(k) is not None]
            if vals:
                out["server"][k] = round(statistics.median(vals), 1)
        names = sorted({n for v in server for n in v.get("sections", {})})
        out["server"]["sections"] = {
            n: round(statistics.median([v["sections"].get(n, [0.0])[0] for v in server]), 1) for n in names}
    return out


# ------------------------------------------------------------------------- the page
T_LABEL, S_LABEL = "tune:T", "tune:step"  # the sliders drawn in the chain canvas


class McmcSession:
    """A server (fresh cache) and a page on it; records which (T, σ) the server has computed."""

    def __init__(self, browser, query: str, timings: Path, prefetch: bool = True):
        self.browser = browser
        self.stalls: list[dict] = []
        self.errors: list[str] = []
        log(f"mcmc: new server, /mcmc?{query} (prefetch {'on' if prefetch else 'off'})")
        saved = os.environ.get("EBM_PREFETCH")
        os.environ["EBM_PREFETCH"] = "1" if prefetch else "0"
        try:
            self.srv = start_server(MAIN_APP, timings, page_hooks=True)
        finally:
            if saved is None:
                os.environ.pop("EBM_PREFETCH", None)
            else:
                os.environ["EBM_PREFETCH"] = saved
        t0 = time.perf_counter()
        self.p = Page(browser, f"{self.srv.url}/mcmc?{query}")
        self.p.page.locator(CANVAS).wait_for(state="attached", timeout=60_000)
        self.p.idle()
        self.p.page.wait_for_function(
            f"() => {{ const h = [...document.querySelectorAll('*')].find(e => e.shadowRoot && "
            f"e.shadowRoot.querySelector(\"{CANVAS}\")); return h && "
            f"Number(h.shadowRoot.querySelector(\"{CANVAS}\").getAttribute('data-rendered')) >= 1; }}",
            timeout=60_000)
        self.first_load_s = round(time.perf_counter() - t0, 2)
        server_runs(self.srv, 0.5)
        self.seen: set[tuple[str, str]] = {self.state()}
        self.seen_T: set[str] = {self.state()[0]}

    def state(self) -> tuple[str, str]:
        return self.p.value(T_LABEL), self.p.value(S_LABEL)

    def pause_canvas(self) -> None:
        page = self.p.page
        if page.locator(CANVAS).get_attribute("data-playing") == "1":
            page.locator("[data-testid='ebm-play']").click()
        page.wait_for_function(
            f"() => {{ const h = [...document.querySelectorAll('*')].find(e => e.shadowRoot && "
            f"e.shadowRoot.querySelector(\"{CANVAS}\")); return h && "
            f"h.shadowRoot.querySelector(\"{CANVAS}\").getAttribute('data-playing') === '0'; }}")
        page.wait_for_timeout(100)

    def reopen(self) -> None:
        """A fresh page on the same server and settings (the URL carries them)."""
        url = self.p.page.url
        self.errors += self.p.errors
        try:
            self.p.close()
        except Exception:  # noqa: BLE001 - a stuck page may not close cleanly
            pass
        self.p = Page(self.browser, url)
        self.p.page.locator(CANVAS).wait_for(state="attached", timeout=60_000)
        self.p.idle()
        self.p.page.wait_for_timeout(1000)
        server_runs(self.srv, 0.5)

    def press(self, which: str, key: str, paused: bool = False, every_ms: float | None = None) -> dict:
        label = T_LABEL if which == "T" else S_LABEL
        if paused:
            self.pause_canvas()
        before = self.state()
        log(f"  {which} {key} from T={before[0]} σ={before[1]}")
        try:
            rec = self.p.press(label, key, canvas=True, every_ms=every_ms)
        except Exception as e:  # noqa: BLE001 - a stall: record it, start a fresh page, go on
            stall = {"slider": which, "key": key, "from_T": before[0], "from_sigma": before[1],
                     "error": f"{type(e).__name__}: {str(e).splitlines()[0][:200]}",
                     "server_runs_meanwhile": merge_runs(server_runs(self.srv, 0.5))}
            log(f"  STALL {stall}")
            self.stalls.append(stall)
            self.reopen()
            after = self.state()
            self.seen.add(after)
            self.seen_T.add(after[0])
            return {"slider": which, "key": key, "stall": True, "changed": False, "total_ms": None,
                    "paused_before": paused, "run_cached": None, "grid_cached": None}
        server = merge_runs(server_runs(self.srv))
        after = self.state()
        tl = timeline(rec)
        tl.update(slider=which, key=key, T=after[0], sigma=after[1], run_cached=after in self.seen,
                  grid_cached=after[0] in self.seen_T, changed=after != before, paused_before=paused,
                  server=server)
        self.seen.add(after)
        self.seen_T.add(after[0])
        return tl

    def close(self):
        errors = self.errors + self.p.errors
        try:
            self.p.close()
        finally:
            stop_server(self.srv)
        return errors


def measure_mcmc(browser, n: int, workdir: Path, quick: bool = False, js_profile_n: int = 6) -> tuple[dict, dict]:
    n_t, n_s = (3, 3) if quick else (12, 21)  # every T below 20 / every σ above 0.001
    samples: list[dict] = []
    meta: dict = {}

    def keep(s, phase):
        s["phase"] = phase
        samples.append(s)

    # server A: warm T, warm σ (alternating between visited values), then cold sweeps
    a = McmcSession(browser, MCMC_QUERY, workdir / "mcmc_A_runs.jsonl")
    meta["first_page_load_s"] = [a.first_load_s]
    try:
        for which in ("T", "sigma"):
            for key in ("ArrowRight", "ArrowLeft"):  # prime: visit the neighbour once
                a.press(which, key)
            for i in range(n):
                keep(a.press(which, "ArrowRight" if i % 2 == 0 else "ArrowLeft"), "warm-alternate")
        # diagnostic: the same warm σ presses with the canvas paused first (no animation running)
        for i in range(n):
            keep(a.press("sigma", "ArrowRight" if i % 2 == 0 else "ArrowLeft", paused=True), "warm-paused")
        if js_profile_n:
            meta["js_profile_warm_sigma"] = js_profile(a, js_profile_n)
        # diagnostic: σ one notch down every 0.6 s, through values never visited, not waiting
        # for the server or for the neighbours (a student stepping briskly)
        for _ in range(min(n, 10)):
            keep(a.press("sigma", "ArrowLeft", every_ms=STEADY_MS), "steady")
        a.press("sigma", "ArrowRight")  # (waits until the page has settled)
        a.press("T", "End")  # T = 20 (cold, not counted), then walk down through every T
        for _ in range(n_t):
            keep(a.press("T", "ArrowLeft"), "sweep-A")
        a.press("sigma", "Home")  # σ = 0.001, then walk up through every σ
        for _ in range(n_s):
            keep(a.press("sigma", "ArrowRight"), "sweep-A")
    finally:
        meta["stalls"] = a.stalls
        meta["js_errors"] = a.close()

    # server B (cache empty again, prefetch off): one more T sweep, bottom to top, every run fresh
    b = McmcSession(browser, MCMC_QUERY + "&T=0.05", workdir / "mcmc_B_runs.jsonl", prefetch=False)
    meta["first_page_load_s"].append(b.first_load_s)
    try:
        for _ in range(n_t):
            keep(b.press("T", "ArrowRight"), "sweep-B")
    finally:
        meta["stalls"] += b.stalls
        meta["js_errors"] += b.close()

    def group_stats(group):
        settled = summary([s["page_settled_ms"] for s in group if s.get("page_settled_ms") is not None])
        near = summary([s["key_to_neighbours_held_ms"] for s in group if s.get("key_to_neighbours_held_ms")])
        return {**summary([s["total_ms"] for s in group]),
                "drawn_by_browser": sum(1 for s in group if s.get("drawn_by_browser")),
                "page_settled (numbers too)": {k: v for k, v in settled.items() if k != "n"},
                "neighbours_held (key -> next notches in the browser)": {k: v for k, v in near.items() if k != "n"},
                "phases_median_ms": phase_medians(group),
                "grid_was_cached": sum(1 for s in group if s["grid_cached"])}

    def computed_in_press(s) -> bool:  # the rerun itself ran the chains (not a cache hit)
        sec = ((s.get("server") or {}).get("sections") or {}).get("run chains (cached)")
        return sec is None or sec[0] > 20.0

    out = {}
    for which in ("T", "sigma"):
        mine = [s for s in samples if s["slider"] == which and s["changed"] and s["total_ms"] is not None
                and not s["paused_before"] and s["phase"] != "steady"]
        # Moves the server had to answer: warm = a value this page visited before; next-notch =
        # never visited, but computed ahead by the page's prefetch; cold = never visited and
        # computed during the press (server B: always).
        by_browser = [s for s in mine if s.get("drawn_by_browser")]
        by_server = [s for s in mine if not s.get("drawn_by_browser")]
        # every one-notch move of a student who pauses between moves (server A, prefetch on):
        # the number that answers "how long from a slider move to the new picture?"
        one_notch = [s for s in mine if s["phase"] in ("warm-alternate", "sweep-A")]
        out[which] = {"one_notch_moves_with_pauses": group_stats(one_notch),
                      "drawn_by_browser (clip held)": group_stats(by_browser),
                      "server: cold": group_stats([s for s in by_server if not s["run_cached"] and computed_in_press(s)]),
                      "server: next_notch_prefetched": group_stats(
                          [s for s in by_server if not s["run_cached"] and not computed_in_press(s)]),
                      "server: warm": group_stats([s for s in by_server if s["run_cached"]])}
    paused = [s for s in samples if s["paused_before"] and s["changed"] and s["total_ms"] is not None]
    out["sigma"]["warm_canvas_paused_first (diagnostic)"] = group_stats(paused)
    steady = [s for s in samples if s["phase"] == "steady" and s["changed"] and s["total_ms"] is not None]
    out["sigma"][f"one press every {STEADY_MS} ms, fresh values (diagnostic)"] = group_stats(steady)
    meta["timeouts"] = sum(1 for s in samples if s.get("timeout"))
    meta["unchanged_presses"] = sum(1 for s in samples if not s["changed"] and not s.get("stall"))
    return out, {"meta": meta, "samples": samples}


COMPONENT_FUNCS = {"draw", "drawTrail", "drawBackground", "drawOverlay", "heatImage", "contourSegments", "decodeClip",
                   "setData", "b64Bytes", "b64F32", "measure", "updateControls", "legendHtml", "onFrame"}


def js_profile(sess: "McmcSession", n: int) -> dict:
    """Sample the page's JavaScript (CDP Profiler) over ``n`` warm σ presses: where the main thread goes.

    These presses are not latency samples (the profiler slows the page a little).
    """
    page = sess.p.page
    cdp = sess.p.ctx.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 200})
    by_script: dict[str, float] = {}
    component = 0.0
    for i in range(n):
        cdp.send("Profiler.start")
        sess.press("sigma", "ArrowRight" if i % 2 == 0 else "ArrowLeft")
        prof = cdp.send("Profiler.stop")["profile"]
        nodes = {nd["id"]: nd["callFrame"] for nd in prof["nodes"]}
        for sid, dt in zip(prof["samples"], prof["timeDeltas"]):
            cf = nodes[sid]
            name = cf["functionName"]
            if name in ("(idle)", "(program)", "(garbage collector)"):
                bucket = name
            else:
                bucket = cf["url"].rsplit("/", 1)[-1].split("?")[0] or "(native: DOM, style, layout)"
                if name in COMPONENT_FUNCS:
                    component += dt / 1000
            by_script[bucket] = by_script.get(bucket, 0.0) + dt / 1000
    cdp.detach()
    top = sorted(by_script.items(), key=lambda kv: -kv[1])[:10]
    return {"presses": n, "note": "ms of main-thread samples per press, from key press to the idle app + gap; "
                                  "'(program)' is the browser's own work (style, layout, paint)",
            "per_press_ms": {k: round(v / n, 1) for k, v in top},
            "chain_canvas_component_functions_per_press_ms": round(component / n, 1)}


# ------------------------------------------------------------------- server stages
def server_stages(repeats: int = 3) -> dict:
    """The page's work for one rerun, stage by stage (ms, best of ``repeats``), caches bypassed."""
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    import plotly.io as pio
    import torch

    torch.set_num_threads(1)  # as app.py does
    from ebm_core.mcmc import diagnostics
    from ebm_core.viz import mcmc as fig
    from ui.mcmc import controls as M
    from ui.mcmc.canvas import pack_clip

    target, formula, sampler, sigma, T, chains, steps, m, seed = "mixture", M.DEFAULT_FORMULA, "mh", 0.8, 1.0, 4, 2000, 200, 0
    energy_for = M.energy_for.__wrapped__
    grid = M.exact_grid.__wrapped__
    from ui.mcmc import runs as R

    run = R._run
    energy_for(target, formula)
    times: dict[str, float] = {}

    def timed(name, f):
        best, out = float("inf"), None
        for _ in range(repeats):
            t0 = time.perf_counter()
            out = f()
            best = min(best, time.perf_counter() - t0)
        times[name] = round(best * 1000, 1)
        return out

    truth = timed("exact_grid_400 (T change only)", lambda: grid(target, formula, T, M.EXACT_GRID))
    picture = timed("exact_grid_160 (T change only)", lambda: grid(target, formula, T, M.DISPLAY_GRID))
    trace = timed("run 4x2000 MH (T or σ change)", lambda: run(target, formula, sampler, sigma, T, 10, chains, steps,
                                                              seed, "spread", (), M.CUSTOM_HALF))
    labels = {k: k for k in ("play", "pause", "reset", "speed", "accepted", "rejected", "start", "speed_unit")}
    clip = timed("pack_clip", lambda: pack_clip(trace.positions, trace.proposals, trace.accepted, picture.density,
                                                picture.box, m, half=trace.half, labels=labels, colors=fig.PALETTE))
    times["clip_json_bytes"] = len(json.dumps(clip))
    timed("json.dumps(clip)", lambda: json.dumps(clip))
    timed("diagnostics.summarise (ESS, R-hat)", lambda: diagnostics.summarise(trace.positions, trace.accepted, m))
    fv = M.f_values(trace.positions, "x")
    timed("running_estimate", lambda: diagnostics.running_estimate(fv, m))
    lab = {"title": "t", "step": "s", "value": "v", "burn_in": "b", "lag": "l", "axis": "a", "density": "d",
           "samples": "s", "exact": "e"}
    figs = {}

    def build():
        figs["trace"] = [fig.trace_figure(trace.positions, m, j, lab) for j in range(2)]
        figs["acf"] = [fig.acf_figure(trace.positions, m, j, lab) for j in range(2)]
        figs["hist"] = [fig.marginal_figure(trace.positions, m, 0, truth.xs, truth.marginal_x, lab),
                        fig.marginal_figure(trace.positions, m, 1, truth.ys, truth.marginal_y, lab)]
        figs["fmn"] = [fig.running_mean_figure(fv, m, 0.0, lab)]

    timed("7 plotly figures: build", build)
    all_figs = [f for fs in figs.values() for f in fs]
    timed("7 plotly figures: to_json (st.plotly_chart serialises each)",
          lambda: [pio.to_json(f, validate=False) for f in all_figs])
    times["plotly_json_bytes"] = sum(len(pio.to_json(f, validate=False)) for f in all_figs)
    try:
        from ebm_core.mcmc.explain import explain_step
        from ebm_core.mcmc.samplers import make_sampler

        s = make_sampler(sampler, energy_for(target, formula), sigma, T, 10)
        x = tuple(float(v) for v in trace.positions[10, 0])
        timed("explain panel: explain_step", lambda: explain_step(s, x, seed * 100_003 + 10 * 17))
    except Exception as e:  # noqa: BLE001 - a stage we could not reproduce is reported, not fatal
        times["explain panel: explain_step"] = f"failed: {e}"
    import gc

    timed("gc.collect(2) with the page's modules loaded (Streamlit runs it after every script run)",
          lambda: gc.collect(2))
    times["gc_tracked_objects"] = len(gc.get_objects())
    numeric = [v for k, v in times.items() if not k.endswith(("bytes", "objects")) and isinstance(v, float)]
    times["sum_of_stages"] = round(sum(numeric), 1)
    return {"settings": {"target": target, "sampler": sampler, "sigma": sigma, "T": T, "chains": chains,
                         "steps": steps, "m": m, "seed": seed},
            "note": "best of %d, one torch thread, measured in the bench process; the picture comes "
                    "after grid + run + pack_clip in the script, the rest runs after the canvas" % repeats,
            "ms": times}


# ------------------------------------------------------------------------------ main
def main() -> None:
    global GAP_MS, VERBOSE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20, help="warm samples per slider (cold: sweeps give ~22 T, ~21 σ)")
    ap.add_argument("--floor-n", type=int, default=30)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--quick", action="store_true", help="smoke test: short sweeps (use with small --n)")
    ap.add_argument("--no-stages", action="store_true", help="skip the in-process server stage timings")
    ap.add_argument("--no-js-profile", action="store_true", help="skip the CDP JavaScript profile (6 presses)")
    ap.add_argument("--server-switchinterval", type=float, default=None,
                    help="experiment: sys.setswitchinterval() in the servers (Python's default is 0.005 s)")
    ap.add_argument("-v", "--verbose", action="store_true", help="progress on stderr")
    ap.add_argument("--gap-ms", type=int, default=GAP_MS, help="pause after the app is idle, before the next key")
    args = ap.parse_args()
    GAP_MS = args.gap_ms
    VERBOSE = args.verbose
    if args.server_switchinterval:
        os.environ["EBM_BENCH_SWITCHINTERVAL"] = str(args.server_switchinterval)
    if hasattr(faulthandler, "register"):  # kill -USR1 <pid>: where is it waiting?
        faulthandler.register(signal.SIGUSR1, all_threads=True)

    from playwright.sync_api import sync_playwright

    started = time.time()
    result: dict = {"bench": "ui_latency", "machine": machine_info(), "versions": versions(),
                    "config": {"warm_n": args.n, "floor_n": args.floor_n, "gap_ms": GAP_MS, "quick": args.quick,
                               "server_switchinterval_s": args.server_switchinterval,
                               "mcmc_url": f"/mcmc?{MCMC_QUERY}", "percentile": "linear interpolation"},
                    "browser": {"executable": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True,
                                "viewport": [1280, 900], "device_scale_factor": 1}}
    workdir = Path(tempfile.mkdtemp(prefix="ebm-bench-ui-"))
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                result["versions"]["chromium"] = browser.version
                floor = measure_floor(browser, args.floor_n, workdir)
                mcmc, raw = measure_mcmc(browser, args.n, workdir, args.quick, 0 if args.no_js_profile else 6)
            finally:
                browser.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    fm, fp = floor["median_ms"], floor["p95_ms"]
    goal = {"rule": f"p95(slider -> new picture) <= {GOAL_RATIO:g} x floor", "floor_median_ms": fm, "floor_p95_ms": fp,
            "budget_ms (3 x floor median)": round(GOAL_RATIO * fm, 1)}
    for which in ("T", "sigma"):
        for label in ("one_notch_moves_with_pauses", "drawn_by_browser (clip held)", "server: cold",
                      "server: next_notch_prefetched", "server: warm"):
            g = mcmc[which][label]
            if not g.get("n"):
                continue
            g["p95_over_floor_median"] = round(g["p95_ms"] / fm, 2)
            g["p95_over_floor_p95"] = round(g["p95_ms"] / fp, 2)
            g["meets_goal"] = g["p95_ms"] <= GOAL_RATIO * fm
            goal[f"{which} {label} meets"] = g["meets_goal"]
    result.update(floor={k: v for k, v in floor.items() if k != "samples"},
                  mcmc={"url": f"/mcmc?{MCMC_QUERY}", **mcmc}, goal=goal)
    if not args.no_stages:
        result["server_stages"] = server_stages()
    result["raw"] = {"floor_samples": floor["samples"], **raw}
    result["wall_seconds"] = round(time.time() - started, 1)
    text = json.dumps(result, ensure_ascii=False)
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(text)


if __name__ == "__main__":
    main()
