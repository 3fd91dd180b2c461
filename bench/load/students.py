"""What a virtual student does on each page, and when the server has answered it.

A *move* is one notch of one slider, the way the page's own control sends it:

- ``/mcmc``: T or the step size in the chain canvas (a components-v2 ``tune`` event with both
  sliders' values, ``{"T": …, "sigma": …}``, sent for the canvas's fragment).  The student
  also asks for the neighbours' clips like ``sliders.js`` does (``near`` events, same timers),
  and keeps the clips it was sent (``held``: a move to one of them a browser draws at once).
  **Answered** = the first canvas delta whose ``tune.key`` is the move's slider indices, in a
  script run that started after the move was sent (``to_picture``); **settled** = the
  ``script_finished`` (complete) of the full run after it: the numbers and charts too.
- ``/landscape``: the sidebar's temperature select-slider (all widget states, full rerun).
  **Answered** = the first Plotly chart delta of a run that started after the move was sent
  and in which the server's query string carries the move's T (``temp``; absent = default);
  **settled** = that run's ``script_finished`` (complete).
- ``/rbm``: the "Train" button (key ``rbm_job__start``, found in the deltas), then the
  fragment's auto-reruns as the browser sends them: ``to_progress`` = press -> the first
  progress bar delta of a training tick; ``to_done`` = press -> the full run that shows the
  start button again (training finished).

A move that is never answered before the end (duration + grace) is **lost** (usually
superseded: the student moved on and the server answered only the newer move).

Behind the balancer a student's websocket may drop (its process died): the tab reconnects
(``client.Tab``); a move due while it is away (on ``/mcmc``: until its picture is back) is not
sent (``skipped_offline``), and one sent into the dying connection stays unanswered (lost).  On
``/mcmc`` the outage ends with **the picture back**: the first canvas of a run on the new
connection (``key_after``), compared with the settings the URL held at the drop (``key_url``: the
page writes T and the step size there as soon as it applies a move, so this may be newer than
the last canvas seen, ``key_before``); and the URL the new session keeps (``query_kept``: it
rewrites any setting it did not restore).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import OrderedDict
from urllib.parse import parse_qs

import websockets
from streamlit.proto.WidgetStates_pb2 import WidgetState

from .client import FINISHED_OK, Tab

PENDING_S, NEAR_ASKS, CLIP_CACHE_MAX = 6.0, 8, 24  # sliders.js's PENDING_MS, NEAR_ASKS, CLIP_CACHE_MAX


class Student:
    page = "home"

    def __init__(self, base_ws: str, query: str, rng: random.Random, name: int, reconnect: bool = False):
        self.rng, self.name = rng, name
        self.tab = Tab(base_ws, self.page, query, on_msg=self._on_msg, reconnect=reconnect)
        self.tab.on_drop = self._on_drop
        self.t_open = self.t_picture = self.t_loaded = None
        self.load_bytes = None  # received until the first full run finished
        self.load_wire = None  # the same, bytes off the socket
        self.moves: list[dict] = []
        self.skipped = 0  # move times when the page had nothing to move yet
        self.skipped_offline = 0  # move times while the websocket was down (reconnecting)

    # -- page hooks ------------------------------------------------------------------------
    def handle(self, msg, now: float) -> None:
        pass

    async def move(self) -> dict | None:
        return None

    def _on_drop(self, tab: Tab, outage: dict) -> None:
        pass

    def reconnecting(self) -> bool:
        return not self.tab.connected

    # -- common ----------------------------------------------------------------------------
    def _on_msg(self, tab: Tab, msg, n: int) -> None:
        now = time.perf_counter()
        self.handle(msg, now)
        if msg.WhichOneof("type") == "script_finished" and msg.script_finished == FINISHED_OK:
            if self.t_loaded is None:
                self.t_loaded, self.load_bytes, self.load_wire = now, tab.bytes_in, tab.wire_in
            for m in self.moves:
                if m["t_picture"] is not None and m["t_settled"] is None and tab.runs_started >= m["run"]:
                    m["t_settled"] = now

    def answer(self, m: dict, now: float) -> None:
        m["t_picture"], m["run"] = now, self.tab.runs_started

    def outstanding(self) -> list[dict]:
        return [m for m in self.moves if m["t_picture"] is None]

    async def open(self) -> None:
        self.t_open = await self.tab.open()

    async def wait_loaded(self, timeout: float) -> bool:
        t0 = time.perf_counter()
        while self.t_picture is None or self.t_loaded is None:
            if time.perf_counter() - t0 > timeout or self.tab.closed_early:
                return False
            await asyncio.sleep(0.05)
        return True

    async def run_moves(self, t_end: float, every: float, jitter: float, grace_end: float) -> None:
        await asyncio.sleep(every + self.rng.uniform(-jitter, jitter))
        while time.perf_counter() < t_end and not self.tab.closed_early:
            if self.reconnecting():
                self.skipped_offline += 1
            else:
                try:
                    if await self.move() is None:
                        self.skipped += 1
                except websockets.ConnectionClosed:  # sent into a dying connection: recorded, lost
                    pass
            await asyncio.sleep(max(0.05, every + self.rng.uniform(-jitter, jitter)))
        while self.outstanding() and time.perf_counter() < grace_end and not self.tab.closed_early:
            await asyncio.sleep(0.1)
        # the last answer's full run (the numbers) may still be on its way
        while any(m["t_settled"] is None and m["t_picture"] is not None for m in self.moves) \
                and time.perf_counter() < grace_end and not self.tab.closed_early:
            await asyncio.sleep(0.1)

    def new_move(self, **kw) -> dict:
        """A move about to be sent, recorded first: its answer may arrive before ``send`` returns."""
        m = dict(t_sent=time.perf_counter(), runs_at_send=self.tab.runs_started, t_picture=None, t_settled=None,
                 run=None, **kw)
        self.moves.append(m)
        return m


class McmcStudent(Student):
    page = "mcmc"
    CANVAS = "mcmc_canvas"

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.canvas_id = None
        self.tune = None  # the last payload's "tune" (ctx, key, sliders)
        self.idx: list[int] = []  # the sliders as the student sees them
        self.held: OrderedDict = OrderedDict()  # "ctx#key" -> sig
        self.pending = None  # (key, ctx, t)
        self.near_asks = {"id": None, "n": 0, "ready": 0}
        self.near_timer: asyncio.Task | None = None
        self.near_sent = 0
        self.sigs: dict[str, str] = {}  # key -> sig of the clip received for it (for the cross-check)
        self.grids: OrderedDict = OrderedDict()  # grid ids held
        self.drawn_said = 0  # (times it said, as draw.js does, that the picture is on screen)
        self.whole: dict[str, bool] = {}  # "ctx#key" -> the clip held is the whole run
        self.default_idx: dict[str, int | None] = {}  # slider name -> its index when the URL omits it

    def _hold(self, k: str, sig, whole: bool = True) -> None:
        self.held.pop(k, None)
        self.held[k] = sig
        self.whole[k] = whole
        while len(self.held) > CLIP_CACHE_MAX:
            self.held.popitem(last=False)

    def reconnecting(self) -> bool:
        # after a reconnect the student waits for its picture before moving again, as on the first
        # load: a move sent into the new session's first (slow, cold) run restarts that run, so a
        # student moving every 3 s on a busy process got its picture only after its last move
        o = self.tab.outages[-1] if self.tab.outages else None
        return not self.tab.connected or (o is not None and o["t_picture"] is None)

    def _key_from_url(self, query: str) -> str | None:
        """The canvas key (slider indices) the URL's settings give, as ``ui.mcmc.tune`` computes it."""
        q, idx = parse_qs(query), []
        for sl in self.tune["sliders"]:
            if sl["name"] in q:
                v = float(q[sl["name"]][0])
                idx.append(min(range(len(sl["options"])), key=lambda j: abs(sl["options"][j] - v)))
            elif self.default_idx.get(sl["name"]) is not None:
                idx.append(self.default_idx[sl["name"]])
            else:
                return None
        return "|".join(map(str, idx))

    def _on_drop(self, tab: Tab, outage: dict) -> None:
        # what the student saw when the connection dropped: the page wrote it into the URL
        outage["key_before"] = self.tune["key"] if self.tune else None
        outage["key_url"] = self._key_from_url(tab.query) if self.tune else None
        outage["query_before"] = tab.query
        self._cancel_near()
        self.pending = None

    def _pending(self) -> bool:
        return self.pending is not None and time.perf_counter() - self.pending[2] < PENDING_S

    def handle(self, msg, now: float) -> None:
        if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
            return
        el = msg.delta.new_element
        if el.WhichOneof("type") != "bidi_component" or not el.bidi_component.id.endswith("-" + self.CANVAS):
            return
        bc = el.bidi_component
        self.canvas_id = bc.id
        raw = bc.json if bc.WhichOneof("data") == "json" else (bc.mixed.json if bc.HasField("mixed") else "")
        data = json.loads(raw) if raw else {}
        tune = data.get("tune")
        if self.t_picture is None:
            self.t_picture = now
        # (as draw.js does: once, and again while later payloads still ask, at most 5 times)
        if data.get("ask_drawn") and self.drawn_said < 5 and not self.tab.closing:
            self.drawn_said += 1
            trig, frag = self.tab.event(self.canvas_id, "drawn", True)
            asyncio.get_running_loop().create_task(self._safe(self.tab.rerun([trig], fragment_id=frag)))
        if not tune or not isinstance(tune.get("sliders"), list):
            return
        ctx, key = tune["ctx"], tune["key"]
        for c in [data] + [c for _, c in data.get("near") or []]:
            gid = (c.get("grid") or {}).get("id")  # (the landscapes held, as decode.js keeps them)
            if gid:
                self.grids.pop(gid, None)
                self.grids[gid] = True
        for k, c in data.get("near") or []:
            self._hold(f"{ctx}#{k}", c.get("sig"), int(c.get("n_steps") or 0) >= int(c.get("n_total") or 0))
        if data.get("held"):
            if self.held.get(f"{ctx}#{key}") != data.get("sig"):  # not the same copy: ask again
                self.held.pop(f"{ctx}#{key}", None)
                self._send_near(key, ctx)
                return
        else:
            self._hold(f"{ctx}#{key}", data.get("sig"))
        self.sigs[key] = data.get("sig")
        for sl in tune["sliders"]:  # the defaults: the sliders the URL does not name (the page drops defaults)
            self.default_idx.setdefault(sl["name"], None)
            if sl["name"] not in parse_qs(self.tab.query):
                self.default_idx[sl["name"]] = int(sl["index"])
        o = self.tab.outages[-1] if self.tab.outages else None
        if o and o["t_picture"] is None and o["runs_at_connect"] is not None \
                and self.tab.runs_started > o["runs_at_connect"]:  # the first picture after a reconnect
            o["t_picture"], o["key_after"] = now, key
            o["query_kept"] = self.tab.query == o.get("query_before")
        for m in self.outstanding():  # the move's picture: its key, from a run started after it
            if m["key"] == key and self.tab.runs_started > m["runs_at_send"]:
                self.answer(m, now)
        if self.pending and (self.pending[0] == key or self.pending[1] != ctx):
            self.pending = None
        self.tune = tune
        if not self._pending():
            self.idx = [int(s["index"]) for s in tune["sliders"]]
        self._schedule_near(data)

    # -- the neighbours, as sliders.js asks for them -----------------------------------------
    def _neighbours(self) -> list[str]:
        idx, out = [int(s["index"]) for s in self.tune["sliders"]], []
        for k, s in enumerate(self.tune["sliders"]):
            for d in (1, -1):
                j = idx[k] + d
                if 0 <= j < len(s["shown"]):
                    n = list(idx)
                    n[k] = j
                    out.append("|".join(map(str, n)))
        return out

    def _held_keys(self, ctx: str) -> list[str]:
        return [k[len(ctx) + 1:] for k in self.held if k.startswith(ctx + "#")][-16:]

    def _cancel_near(self) -> None:
        if self.near_timer is not None:
            self.near_timer.cancel()
            self.near_timer = None

    def _send_near(self, key: str, ctx: str) -> None:
        if self.canvas_id is None or self.tab.closing:
            return
        trig, frag = self.tab.event(self.canvas_id, "near", {"key": key, "ctx": ctx, "have": self._held_keys(ctx)})
        self.near_sent += 1
        asyncio.get_running_loop().create_task(self._safe(self.tab.rerun([trig], fragment_id=frag)))

    @staticmethod
    async def _safe(coro):
        try:
            await coro
        except Exception:
            pass

    def _schedule_near(self, data: dict) -> None:
        self._cancel_near()
        tune = data["tune"]
        key, ctx, keys = tune["key"], tune["ctx"], self._neighbours()
        held = [k for k in keys if f"{ctx}#{k}" in self.held]
        ready, ident = int(data.get("ready") or 0), f"{ctx}#{key}"
        a = self.near_asks
        if a["id"] != ident or ready > a["ready"]:
            self.near_asks = a = {"id": ident, "n": 0, "ready": ready}
        more, later = ready > len(held), int(data.get("missing") or 0) > 0
        if not (len(held) < len(keys) and (more or later) and a["n"] < NEAR_ASKS):
            return
        eta = max(0.25, min(4.0, (float(data.get("eta_ms") or 0) or 600) / 1000))
        wait = 0.03 if more else min(8.0, eta * 1.5 ** a["n"])

        async def again(delay: float):
            await asyncio.sleep(delay)
            while not self.tab.closing and not self._pending() and self.near_asks["n"] < NEAR_ASKS:
                self.near_asks["n"] += 1
                self._send_near(key, ctx)
                await asyncio.sleep(min(8.0, max(0.6, eta * 1.5 ** self.near_asks["n"])))

        self.near_timer = asyncio.get_running_loop().create_task(again(wait))

    async def move(self, role: str | None = None, step: int | None = None) -> dict | None:
        if self.tune is None or self.canvas_id is None:
            return None
        sliders = self.tune["sliders"]
        k = next((i for i, s in enumerate(sliders) if s["role"] == role), None) if role else None
        k = self.rng.randrange(len(sliders)) if k is None else k
        d = step or self.rng.choice((-1, 1))
        idx = list(self.idx or [int(s["index"]) for s in sliders])
        if not 0 <= idx[k] + d < len(sliders[k]["options"]):
            d = -d
        idx[k] += d
        value = {s["name"]: s["options"][idx[i]] for i, s in enumerate(sliders)}
        key, ctx = "|".join(map(str, idx)), self.tune["ctx"]
        self.idx = idx
        self._cancel_near()
        held = f"{ctx}#{key}" in self.held
        # (as sliders.js: the answer may leave the clip out, or name its grid)
        value.update(ctx=ctx, have=[key] if held and self.whole.get(f"{ctx}#{key}") else [],
                     grids=list(self.grids)[-8:], near=self._held_keys(ctx))
        trig, frag = self.tab.event(self.canvas_id, "tune", value)
        self.pending = (key, ctx, time.perf_counter())
        m = self.new_move(what=sliders[k]["role"], key=key, value=value, held=held)
        await self.tab.rerun([trig], fragment_id=frag)
        return m


class LandscapeStudent(Student):
    page = "landscape"
    SLIDER = "temp"

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.run_charts = -1  # the run whose first chart has been seen
        self.default_T = None

    def _temp_in_query(self) -> float | None:
        """T as the server's URL says (absent: the page's default, read from the slider on the
        first load of a link without ``temp``)."""
        el = self.tab.find("slider", self.SLIDER)
        if el is None or el.id not in self.tab.widgets:
            return None
        q = parse_qs(self.tab.query).get(self.SLIDER)
        try:
            if self.default_T is None and not q:
                self.default_T = float(self.tab.widgets[el.id].string_array_value.data[0])
            return float(q[0]) if q else self.default_T
        except (ValueError, IndexError):
            return None

    def handle(self, msg, now: float) -> None:
        if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
            return
        if msg.delta.new_element.WhichOneof("type") != "plotly_chart" or self.run_charts == self.tab.runs_started:
            return
        self.run_charts = self.tab.runs_started  # the run's first chart: the picture
        if self.t_picture is None:
            self.t_picture = now
        T = self._temp_in_query()
        for m in self.outstanding():
            if self.tab.runs_started > m["runs_at_send"] and T is not None and abs(T - m["value"]) < 1e-9:
                self.answer(m, now)

    async def move(self, step: int | None = None) -> dict | None:
        el = self.tab.find("slider", self.SLIDER)
        if el is None or el.id not in self.tab.widgets or self.t_picture is None:
            return None
        opts = list(el.options)
        cur = opts.index(self.tab.widgets[el.id].string_array_value.data[0])
        d = step or self.rng.choice((-1, 1))
        if not 0 <= cur + d < len(opts):
            d = -d
        ws = WidgetState(id=el.id)
        ws.string_array_value.data.append(opts[cur + d])
        m = self.new_move(what="T", key=opts[cur + d], value=float(opts[cur + d]), held=False)
        await self.tab.rerun(set_values={el.id: ws})
        return m


class RbmStudent(Student):
    page = "rbm"
    START = "rbm_job__start"

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.t_press = self.t_progress = self.t_done = None
        self.runs_at_press = None
        self.ticks: list[float] = []
        self.started = False  # a Pause button has been seen since the press

    def handle(self, msg, now: float) -> None:
        if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
            return
        el = msg.delta.new_element
        kind = el.WhichOneof("type")
        if self.t_picture is None and kind in ("imgs", "alert"):
            self.t_picture = now
        if self.t_press is None or self.tab.runs_started <= self.runs_at_press:
            return
        if kind == "progress" and msg.delta.fragment_id:
            self.ticks.append(now)
            if self.t_progress is None:
                self.t_progress = now
        elif kind == "button" and el.button.id.endswith("-rbm_job__pause"):
            self.started = True
        elif kind == "button" and el.button.id.endswith("-" + self.START) and self.started and self.t_done is None:
            self.t_done = now

    async def press(self) -> bool:
        trig = self.tab.button(self.START)
        if trig is None:
            return False
        self.runs_at_press = self.tab.runs_started
        self.t_press = await self.tab.rerun([trig])
        return True


PAGES = {"mcmc": McmcStudent, "landscape": LandscapeStudent, "rbm": RbmStudent}
