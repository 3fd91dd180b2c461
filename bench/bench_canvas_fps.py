"""Frames per second of the chain canvas while it plays, and the server's CPU meanwhile.

Starts tests/browser/apps/canvas_demo.py headless, opens it in Debian's Chromium, plays a
clip (2,000 steps × 4 chains by default) for ~3 s and prints one JSON object:

    fps                                frames drawn per second during playback (data-frames / wall time)
    draw_ms_per_frame                  JS time in the frame callback (headroom below the ~16.7 ms budget)
    server_cpu_seconds_during_playback utime + stime of the streamlit process meanwhile (/proc/<pid>/stat)
    playback_seconds                   the wall time measured in the page
    slider_to_picture_ms               Streamlit slider key press -> new clip drawn (data-rendered)

Usage: python bench/bench_canvas_fps.py [--steps 2000] [--chains 4] [--speed 120] [--seconds 3] [--dpr 1]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ helpers, however this file is loaded
from _machine import cpu_model  # noqa: E402


ROOT = Path(__file__).resolve().parents[1]

# the server starter and browser settings of the browser tests (loaded by path: "conftest"
# is not an importable module name to rely on)
_spec = importlib.util.spec_from_file_location("ebm_browser_conftest", ROOT / "tests" / "browser" / "conftest.py")
_conf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_conf)
APPS, CHROMIUM, CHROMIUM_ARGS, StreamlitServer = _conf.APPS, _conf.CHROMIUM, _conf.CHROMIUM_ARGS, _conf.StreamlitServer

ROOT_SEL = "[data-testid='ebm-chain-canvas']"


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # after "pid (comm)" the fields start at #3 (state); utime is #14, stime #15
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cpus, {cpu_model()}; Chromium headless, --disable-gpu"


def wait(pred, timeout=30.0, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.02)
    raise TimeoutError(what)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--chains", type=int, default=4)
    ap.add_argument("--speed", type=float, default=120.0, help="steps per second while playing")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--dpr", type=float, default=1.0, help="device pixel ratio (2 = a HiDPI screen)")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    srv = StreamlitServer(APPS / "canvas_demo.py")
    try:
        srv.wait_healthy()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=args.dpr)
            page.goto(f"{srv.url}/?steps={args.steps}&chains={args.chains}&speed={args.speed}&autoplay=0")
            root = page.locator(ROOT_SEL)
            root.wait_for(state="attached", timeout=60_000)
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                                   state="attached", timeout=60_000)
            attr = lambda name: root.get_attribute(name)  # noqa: E731
            wait(lambda: int(attr("data-rendered") or 0) >= 1, what="first render")

            # slider -> picture latency (server reruns, packs a new clip, the browser draws it)
            rendered = int(attr("data-rendered"))
            thumb = page.locator("[data-testid='stSlider'] input[type='range']").first
            thumb.focus()
            t0 = time.perf_counter()
            thumb.press("ArrowRight")
            wait(lambda: int(attr("data-rendered") or 0) > rendered, what="render after slider")
            slider_ms = (time.perf_counter() - t0) * 1000
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                                   state="attached", timeout=60_000)
            time.sleep(1.0)  # let the server settle

            cpu0 = cpu_seconds(srv.pid)
            page.locator("[data-testid='ebm-play']").click()
            wait(lambda: attr("data-playing") == "1", what="playing")
            time.sleep(args.seconds)
            stats = page.evaluate(
                "() => { const s = window.__ebmCanvasStats;"
                " return {frames: s.frames, drawMs: s.drawMs, seconds: (performance.now() - s.startedAt) / 1000}; }"
            )
            step = int(attr("data-step"))
            cpu1 = cpu_seconds(srv.pid)
            browser.close()
    finally:
        srv.stop()

    print(json.dumps({
        "machine": machine(),
        "clip": {"steps": args.steps, "chains": args.chains, "speed_steps_per_s": args.speed},
        "device_pixel_ratio": args.dpr,
        "fps": round(stats["frames"] / stats["seconds"], 1),
        "frames": stats["frames"],
        "draw_ms_per_frame": round(stats["drawMs"] / max(1, stats["frames"]), 2),
        "playback_seconds": round(stats["seconds"], 3),
        "steps_played": step,
        "server_cpu_seconds_during_playback": round(cpu1 - cpu0, 3),
        "slider_to_picture_ms": round(slider_ms, 1),
    }))


if __name__ == "__main__":
    main()
