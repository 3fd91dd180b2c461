"""One slider move through Chromium and through a virtual student, on one fresh server, compared.

Chromium (Playwright, Debian's /usr/bin/chromium) opens ``/mcmc`` (``--query``), waits for the
page and its neighbour requests to calm down, then presses ArrowRight on the canvas's T slider
(``[data-testid='ebm-tune-T']``); every websocket frame both ways is decoded.  Then a virtual
student opens the same link in a new session and sends the same move.  Compared:

- what is sent: the ``tune`` event's JSON, the page hash, the fragment id, and every other
  widget state of that rerun (id -> value);
- what the server did: the run the move caused (its status, the canvas payload's ``tune.key``
  and clip signature ``sig``), and the full run after it (element count by type, its status);
- the first page load's element counts; bytes for the page load and from the move to the end
  of the full run (reported, not required equal: neighbour requests depend on timing).

The browser goes first, so the student's runs may hit caches the browser's filled: timings are
reported for both but are not comparable.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter

from google.protobuf.json_format import MessageToDict
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from .client import run_async
from .server import Server
from .students import McmcStudent

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


class Recorder:
    """Runs (new_session .. script_finished) and reruns sent, from decoded frames."""

    def __init__(self):
        self.t0 = time.perf_counter()
        self.runs: list[dict] = []
        self.sent: list[dict] = []
        self.bytes_in = 0

    def recv(self, data: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        self.bytes_in += len(data)
        t = time.perf_counter() - self.t0
        typ = msg.WhichOneof("type")
        if typ == "new_session" or not self.runs:
            self.runs.append({"t": t, "kinds": Counter(), "status": None, "canvas": [], "bytes": 0,
                              "fragment": None, "bytes_in_before": self.bytes_in - len(data)})
        run = self.runs[-1]
        run["bytes"] += len(data)
        if typ == "script_finished":
            run["status"], run["t_end"] = msg.script_finished, t
        elif typ == "delta":
            run["fragment"] = run["fragment"] or msg.delta.fragment_id
            if msg.delta.WhichOneof("type") == "new_element":
                el = msg.delta.new_element
                kind = el.WhichOneof("type")
                run["kinds"][kind] += 1
                if kind == "bidi_component" and el.bidi_component.json:
                    d = json.loads(el.bidi_component.json)
                    run["canvas"].append({"key": (d.get("tune") or {}).get("key"), "sig": d.get("sig"),
                                          "held": bool(d.get("held")), "near": len(d.get("near") or [])})

    def send(self, data: bytes) -> None:
        msg = BackMsg()
        msg.ParseFromString(data)
        cs = msg.rerun_script
        widgets, events = {}, None
        for w in cs.widget_states.widgets:
            d = MessageToDict(w)
            d.pop("id")
            if w.id.endswith("__events"):
                events = json.loads(w.json_trigger_value)
            else:
                widgets[w.id] = d
        self.sent.append({"t": time.perf_counter() - self.t0, "n_runs": len(self.runs), "events": events,
                          "widgets": widgets, "page_script_hash": cs.page_script_hash, "fragment_id": cs.fragment_id,
                          "query_string": cs.query_string, "bytes": len(data)})

    def summary(self) -> dict:
        load = next((r for r in self.runs if r["status"] == 0), None)
        i_tune = next((i for i, s in enumerate(self.sent) if s["events"] and s["events"][0]["event"] == "tune"), None)
        out = {"page_load": {"kinds": dict(load["kinds"]) if load else None,
                             "bytes": (load["bytes_in_before"] + load["bytes"]) if load else None}}
        if i_tune is None:
            out["move"] = None
            return out
        tune = self.sent[i_tune]
        key = None
        after = self.runs[tune["n_runs"]:]
        answer = next((r for r in after if r["canvas"] and r["canvas"][-1]["key"] not in (None, out.get("key_before"))
                       and not r["canvas"][-1]["held"]), None)
        if answer is not None:
            key = answer["canvas"][-1]["key"]
        settled = None
        if answer is not None:
            settled = next((r for r in after[after.index(answer):] if r["status"] == 0), None)
        out["move"] = {
            "sent": {k: tune[k] for k in ("events", "page_script_hash", "fragment_id", "query_string", "bytes")},
            "widgets_sent": tune["widgets"],
            "answer_run": None if answer is None else {"status": answer["status"], "canvas": answer["canvas"][-1],
                                                      "kinds": dict(answer["kinds"]),
                                                      "s_after_send": round(answer.get("t_end", answer["t"]) - tune["t"], 3)},
            "full_run": None if settled is None else {"status": settled["status"], "kinds": dict(settled["kinds"]),
                                                     "s_after_send": round(settled["t_end"] - tune["t"], 3)},
            "bytes_send_to_settled": None if settled is None else
            settled["bytes_in_before"] + settled["bytes"] - answer["bytes_in_before"],
            "key": key,
        }
        return out


def _browser(url: str, query: str, wait_s: float) -> dict:
    from playwright.sync_api import sync_playwright

    rec = Recorder()

    def on_ws(ws):
        if "/_stcore/stream" not in ws.url:
            return
        ws.on("framesent", lambda p: rec.send(p if isinstance(p, bytes) else p.encode()))
        ws.on("framereceived", lambda p: rec.recv(p if isinstance(p, bytes) else p.encode()))

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        pg = b.new_page(viewport={"width": 1280, "height": 900})
        pg.on("websocket", on_ws)
        pg.goto(f"{url}/mcmc" + (f"?{query}" if query else ""))
        idle = "[data-testid='stApp'][data-test-script-state='notRunning']"
        pg.wait_for_selector(idle, state="attached", timeout=120_000)
        pg.wait_for_timeout(int(wait_s * 1000))  # the neighbour requests (their timers) calm down
        thumb = pg.locator("[data-testid='ebm-tune-T']").first
        thumb.focus()
        thumb.press("ArrowRight")
        pg.wait_for_timeout(500)
        pg.wait_for_selector(idle, state="attached", timeout=120_000)
        pg.wait_for_timeout(int(wait_s * 1000))
        b.close()
    return rec.summary()


async def _student(url: str, query: str, wait_s: float) -> dict:
    rec = Recorder()
    s = McmcStudent(url.replace("http://", "ws://"), query, random.Random(0), 0)
    inner = s.tab.on_msg

    def on_msg(tab, msg, n):
        rec.recv(msg.SerializeToString())  # (re-serialised: same bytes for these messages)
        inner(tab, msg, n)

    s.tab.on_msg = on_msg
    await s.open()
    orig = s.tab.ws.send

    async def tapped(data):
        rec.send(data)
        await orig(data)

    s.tab.ws.send = tapped
    rec.send(_first_request(s))
    await s.wait_loaded(120)
    await asyncio.sleep(wait_s)
    m = await s.move(role="T", step=1)
    t0 = time.perf_counter()
    while (m["t_picture"] is None or m["t_settled"] is None) and time.perf_counter() - t0 < 60:
        await asyncio.sleep(0.05)
    await asyncio.sleep(wait_s)
    s._cancel_near()
    await s.tab.close()
    out = rec.summary()
    out["student"] = {"to_picture_s": None if m["t_picture"] is None else round(m["t_picture"] - m["t_sent"], 3),
                      "to_settled_s": None if m["t_settled"] is None else round(m["t_settled"] - m["t_sent"], 3),
                      "bytes_in": s.tab.bytes_in, "held_at_move": m["held"]}
    return out


def _first_request(s) -> bytes:
    """The first rerun as sent by ``Tab.open`` (it went out before the tap was in place)."""
    msg = BackMsg()
    s.tab._client_state(msg)
    cs = msg.rerun_script
    cs.ClearField("page_script_hash")
    cs.page_name = s.tab.page
    return msg.SerializeToString()


def _without_grids(events: list) -> list:
    # (the landscapes and clips held depend on which neighbours arrived before the move: timing)
    return [{**e, "value": {k: v for k, v in e["value"].items() if k not in ("grids", "near")}} for e in events]


def _grids_ok(events: list) -> bool:
    return all(isinstance(g := e["value"].get("grids"), list) and 0 < len(g) <= 8
               and all(isinstance(x, str) for x in g) for e in events)


def crosscheck(a) -> dict:
    srv = Server()
    try:
        srv.wait_healthy()
        browser = _browser(srv.url, a.query, 3.0)
        student = run_async(_student(srv.url, a.query, 3.0))
    finally:
        srv.stop()
    checks = {}
    bm, sm = browser.get("move"), student.get("move")
    if bm and sm:
        # (the landscapes held depend on how many neighbours had arrived when each moved: both
        # must name some, as ids; the rest of the event must be equal)
        checks["tune_event_equal"] = _without_grids(bm["sent"]["events"]) == _without_grids(sm["sent"]["events"])
        checks["tune_event_names_grids"] = all(_grids_ok(m["sent"]["events"]) for m in (bm, sm))
        checks["tune_event_names_clips_held"] = all(isinstance(e["value"].get("near"), list)
                                                    for m in (bm, sm) for e in m["sent"]["events"])
        checks["page_script_hash_equal"] = bm["sent"]["page_script_hash"] == sm["sent"]["page_script_hash"]
        checks["fragment_id_equal"] = bm["sent"]["fragment_id"] == sm["sent"]["fragment_id"]
        checks["widget_states_equal"] = bm["widgets_sent"] == sm["widgets_sent"]
        if not checks["widget_states_equal"]:
            checks["widget_states_diff"] = {k: [bm["widgets_sent"].get(k), sm["widgets_sent"].get(k)]
                                            for k in set(bm["widgets_sent"]) | set(sm["widgets_sent"])
                                            if bm["widgets_sent"].get(k) != sm["widgets_sent"].get(k)}
        ba, sa = bm["answer_run"], sm["answer_run"]
        checks["answer_same_key_and_clip"] = bool(ba and sa and ba["canvas"]["key"] == sa["canvas"]["key"]
                                                  and ba["canvas"]["sig"] == sa["canvas"]["sig"])
        checks["answer_run_same_status"] = bool(ba and sa and ba["status"] == sa["status"])
        bf, sf = bm["full_run"], sm["full_run"]
        checks["full_run_same_elements"] = bool(bf and sf and bf["kinds"] == sf["kinds"] and bf["status"] == sf["status"])
    checks["page_load_same_elements"] = browser["page_load"]["kinds"] == student["page_load"]["kinds"]
    ok = all(v for k, v in checks.items() if isinstance(v, bool))
    return {"bench": "load_class --crosscheck", "page": "mcmc", "query": a.query, "match": ok, "checks": checks,
            "browser": browser, "student": student}
