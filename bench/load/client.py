"""One virtual browser tab speaking Streamlit 1.67's websocket protocol (``/_stcore/stream``).

What the real frontend does, as captured from Chromium (``crosscheck.py`` checks it again):

- connect with subprotocol ``streamlit`` (no XSRF token needed without auth), then send
  ``BackMsg.rerun_script`` = ``ClientState(query_string, page_name, context_info)`` with no
  widget states; every later rerun carries ``page_script_hash`` (from ``new_session``) and the
  current value of *every* widget on the page (built here from the element protos in the
  deltas: default, or the server's value when ``set_value``), the query string the server last
  wrote (``page_info_changed``), and ``fragment_id`` when the rerun is for a fragment (the page's
  hash comes from the ``navigation`` message: ``new_session``'s is the entry script's, and a
  rerun that names it runs the app with no page);
- a button press is ``WidgetState(id, trigger_value=True)``; a components-v2 event is
  ``WidgetState(id="$$STREAMLIT_INTERNAL_KEY_<element id>__events",
  json_trigger_value='[{"event": <name>, "value": <json>}]')`` with the fragment of the
  component's delta; triggers are sent once;
- ``auto_rerun(interval, fragment_id)`` makes the frontend send
  ``rerun_script(is_auto_rerun=True, fragment_id)`` every ``interval`` s (``setInterval``,
  whether or not a run is under way; an ``auto_rerun`` with the same interval keeps the timer)
  until ``stop_auto_rerun``.

Like a browser, a tab first GETs the page (keeping its cookies: HAProxy's sticky ``EBMSRV`` and
Streamlit's ``_streamlit_xsrf``) and opens the websocket with them.  With ``reconnect``, a dropped
websocket is reopened as the frontend's connection manager does (``nextReconnectDelayMs``: 250–500 ms,
then up to 4 s, doubling; ping ``/_stcore/health``, then connect offering the XSRF token and the
last session id), and the frontend's ``sendUpdateWidgetsMessage`` follows: a rerun with the page's
hash, every widget's state and the URL's query, which the page wrote (``page_info_changed``) with
the student's current settings.  A new process starts a new session from that URL.

Like the browser, a tab keeps the large elements it was sent (``metadata.cacheable``) and
sends their hashes (``cached_message_hashes``) with each rerun, so the server answers an
unchanged element with a ``ref_hash`` that the tab resolves from its copy; as the frontend's
``ForwardMsgCache``, a copy not sent or referenced in the last ``MAX_MESSAGE_AGE`` script runs
is dropped.  Bytes are websocket payload bytes
received (inflated) and, as ``wire``, the bytes off the socket: the tab offers permessage-deflate
like Chromium, which the server accepts with ``server.enableWebsocketCompression``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import random
import time
import urllib.error
import urllib.request
from typing import Callable

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED_OK, COMPILE_ERROR, EARLY_FOR_RERUN, FRAGMENT_OK = 0, 1, 2, 3
EVENTS_PREFIX, EVENTS_SUFFIX = "$$STREAMLIT_INTERNAL_KEY_", "__events"
DEFLATE = True  # offer permessage-deflate, as Chromium does
MAX_MESSAGE_AGE = 2  # Streamlit's global.maxCachedMessageAge (the frontend reads it from the server)
EARLY_FOR_RERUN = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
FRAGMENT_FINISHED = ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
ROUTE_COOKIE = "EBMSRV"  # the balancer's sticky cookie (deploy/haproxy.cfg.template): which process
XSRF_COOKIE = "_streamlit_xsrf"
RECONNECT_MAX_S = 4.0  # the frontend's cap on the delay between reconnect attempts


def off_loop(fn, *args):
    """``fn(*args)``, in a thread of its own when this thread already runs an event loop (a
    caller inside one: e.g. pytest after Playwright's sync API has started its loop there, where
    neither ``asyncio.run`` nor a second sync Playwright may start)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args)
    with concurrent.futures.ThreadPoolExecutor(1) as ex:
        return ex.submit(fn, *args).result()


def run_async(coro):
    """``asyncio.run(coro)``, wherever it is called from (``off_loop``)."""
    return off_loop(asyncio.run, coro)


def reconnect_delay(attempt: int, rng: random.Random) -> float:
    """The frontend's ``nextReconnectDelayMs`` (attempt 1, 2, ...), in seconds."""
    hi = min(RECONNECT_MAX_S, 0.5 * 2 ** (attempt - 1))
    lo = 0.25 if attempt == 1 else hi / 2
    return rng.uniform(lo, hi)


def _options(el) -> list[str]:
    return list(el.options)


def widget_state(kind: str, el) -> WidgetState | None:
    """The WidgetState the frontend sends for element ``el`` (of oneof type ``kind``) when the
    user has not touched it: its default, or the server's value when ``set_value`` is set.
    None for elements that send nothing until used (buttons, tabs, components)."""
    ws = WidgetState(id=el.id)
    if kind == "slider":
        if el.options:  # select_slider: the formatted options (the server's, or at the default indices)
            if el.set_value and el.raw_value:
                ws.string_array_value.data.extend(el.raw_value)
            else:
                idx = list(el.value) if el.set_value and el.value else list(el.default)
                ws.string_array_value.data.extend(el.options[int(i)] for i in idx)
        else:
            ws.double_array_value.data.extend(list(el.value) if el.set_value else list(el.default))
    elif kind in ("selectbox", "radio"):
        if el.set_value and el.HasField("raw_value"):
            ws.string_value = el.raw_value
        elif el.HasField("default") and 0 <= el.default < len(el.options):
            ws.string_value = el.options[el.default]
        else:
            return None
    elif kind == "number_input":
        v = el.value if el.set_value else el.default
        if el.data_type == 0:
            ws.int_value = int(v)
        else:
            ws.double_value = float(v)
    elif kind == "checkbox":
        ws.bool_value = el.value if el.set_value else el.default
    elif kind in ("text_input", "text_area"):
        ws.string_value = el.value if el.set_value else el.default
    elif kind == "button_group":
        if el.set_value:
            ws.string_array_value.data.extend(el.raw_values)
        else:
            ws.string_array_value.data.extend(el.options[i].content for i in el.default)
    else:
        return None
    return ws


class Tab:
    """One page view: a websocket, the widgets it shows, and the runs the server sends it.

    ``on_msg(tab, msg, nbytes)`` is called for every ForwardMsg after the tab's own bookkeeping.
    """

    def __init__(self, base_ws: str, page: str, query: str = "", on_msg: Callable | None = None,
                 reconnect: bool = False, give_up_after: float = 60.0):
        self.url = f"{base_ws}/_stcore/stream"
        self.http = base_ws.replace("ws://", "http://")
        self.page = page.strip("/")
        self.query = query
        self.on_msg = on_msg or (lambda tab, msg, n: None)
        self.ws = None
        self.page_hash = ""
        self.widgets: dict[str, WidgetState] = {}  # id -> what the frontend would send
        self.elements: dict[str, tuple[str, object]] = {}  # widget/component id -> (kind, proto)
        self.fragment_of: dict[str, str] = {}  # element id -> fragment id of its delta
        self.auto: dict[str, asyncio.Task] = {}  # fragment id -> auto-rerun task
        self.auto_every: dict[str, float] = {}
        self.bytes_in = 0  # websocket payload bytes (inflated)
        self.wire_in = 0  # bytes off the socket (frames, deflated when the server compresses)
        self.msgs_in = 0
        self.bytes_out = 0
        self.runs_started = 0  # new_session count
        self.finished: list[tuple[float, int]] = []
        self.errors: list[str] = []  # exceptions shown, protocol surprises
        self.ref_hashes = 0
        self.cache: dict[str, list] = {}  # hash -> [message, script runs since last used]
        self.closed_early: str | None = None
        self.closing = False
        self._reader: asyncio.Task | None = None
        self.cookies: dict[str, str] = {}
        self.routes: list[str | None] = []  # the route cookie at each websocket opened: the process
        self.sticky_breaks = 0  # upgrades answered with a new route cookie: the websocket left its process
        self.session_id = ""
        self.connected = False
        self.reconnect, self.give_up_after = reconnect, give_up_after
        self.outages: list[dict] = []  # one per dropped websocket (drop, reconnect, the picture again)
        self.on_drop: Callable = lambda tab, outage: None
        self._rng = random.Random(id(self))

    # -- sending --------------------------------------------------------------------------
    def _client_state(self, msg: BackMsg, fragment_id: str = "", auto: bool = False):
        cs = msg.rerun_script
        cs.query_string = self.query
        if self.page_hash:
            cs.page_script_hash = self.page_hash
        else:
            cs.page_name = self.page
        if fragment_id:
            cs.fragment_id = fragment_id
        cs.is_auto_rerun = auto
        cs.cached_message_hashes.extend(self.cache)
        ci = cs.context_info
        ci.timezone, ci.timezone_offset, ci.locale = "UTC", 0, "en-US"
        ci.url = f"{self.http}/{self.page}" + (f"?{self.query}" if self.query else "")
        ci.is_embedded, ci.color_scheme = False, "light"
        return cs

    async def rerun(self, triggers: list[WidgetState] = (), fragment_id: str = "", auto: bool = False,
                    set_values: dict[str, WidgetState] | None = None) -> float:
        """Send a rerun with every widget's state (``set_values`` replace some first, and stay);
        returns the send time (perf_counter)."""
        if set_values:
            self.widgets.update(set_values)
        msg = BackMsg()
        cs = self._client_state(msg, fragment_id, auto)
        if self.page_hash:  # the first request of a page view carries no widget states
            cs.widget_states.widgets.extend(self.widgets.values())
            cs.widget_states.widgets.extend(triggers)
        data = msg.SerializeToString()
        t = time.perf_counter()
        await self.ws.send(data)
        self.bytes_out += len(data)
        return t

    def event(self, component_id: str, name: str, value) -> tuple[WidgetState, str]:
        """(trigger, fragment id) for components-v2 event ``name`` of component ``component_id``."""
        ws = WidgetState(id=EVENTS_PREFIX + component_id + EVENTS_SUFFIX,
                         json_trigger_value=json.dumps([{"event": name, "value": value}], separators=(",", ":")))
        return ws, self.fragment_of.get(component_id, "")

    def button(self, suffix: str) -> WidgetState | None:
        """The trigger of the button whose id ends with ``-<suffix>`` (its key), if shown."""
        for wid, (kind, _el) in self.elements.items():
            if kind == "button" and wid.endswith("-" + suffix):
                return WidgetState(id=wid, trigger_value=True)
        return None

    def find(self, kind: str, key_suffix: str):
        for wid, (k, el) in self.elements.items():
            if k == kind and wid.endswith("-" + key_suffix):
                return el
        return None

    # -- HTTP, cookies -----------------------------------------------------------------------
    def _keep(self, set_cookies: list[str]) -> None:
        for h in set_cookies:
            name, _, value = h.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()

    def _cookie_header(self) -> dict:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    async def http_get(self, path: str, timeout: float = 10.0) -> int:
        """GET ``path`` with the tab's cookies, keeping the ones set; the status (in a thread: the
        students share one event loop)."""
        def get():
            req = urllib.request.Request(self.http + path, headers=self._cookie_header())
            try:
                with urllib.request.urlopen(req, timeout=timeout) as r:
                    r.read()
                    return r.status, r.headers.get_all("Set-Cookie") or []
            except urllib.error.HTTPError as e:
                return e.code, e.headers.get_all("Set-Cookie") or []

        status, set_cookies = await asyncio.to_thread(get)
        self._keep(set_cookies)
        return status

    # -- receiving ------------------------------------------------------------------------
    async def open(self, open_timeout: float = 60.0) -> float:
        # the page's HTML first, as a browser: its response carries the cookies the websocket needs
        status = await self.http_get(f"/{self.page}" + (f"?{self.query}" if self.query else ""), open_timeout)
        if status != 200:  # (a balancer with no process up answers 503): a browser would stop here
            raise ConnectionError(f"page GET answered {status}")
        await self._connect(open_timeout)
        return await self.rerun()

    async def _connect(self, open_timeout: float) -> None:
        protocols = ["streamlit"]
        if self.session_id and self.cookies.get(XSRF_COOKIE):
            # a reconnect, as the frontend: [protocol, XSRF token, last session]; the process that
            # holds that session resumes it, another one starts a new session
            protocols += [self.cookies[XSRF_COOKIE], self.session_id]
        before = self.cookies.get(ROUTE_COOKIE)
        # permessage-deflate like a browser (the server deflates when
        # server.enableWebsocketCompression is on); wire bytes are counted below the inflater
        self.ws = await websockets.connect(self.url, subprotocols=protocols,
                                           compression="deflate" if DEFLATE else None,
                                           max_size=None, open_timeout=open_timeout, ping_interval=None,
                                           close_timeout=2, additional_headers=self._cookie_header())
        feed = self.ws.data_received

        def counted(data: bytes) -> None:
            self.wire_in += len(data)
            feed(data)
        self.ws.data_received = counted  # (asyncio's transport calls the protocol's attribute)
        self._keep(self.ws.response.headers.get_all("Set-Cookie"))
        route = self.cookies.get(ROUTE_COOKIE)
        if before is not None and route != before:
            self.sticky_breaks += 1
        self.routes.append(route)
        self.connected = True
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for data in self.ws:
                n = len(data)
                self.bytes_in += n
                self.msgs_in += 1
                msg = ForwardMsg()
                msg.ParseFromString(data)
                msg = self._cached(msg)
                self._book(msg)
                self.on_msg(self, msg, n)
            reason = "closed by the server"
        except websockets.ConnectionClosed as e:
            reason = f"closed: {e}"
        except Exception as e:  # a bug in a handler must not pass silently
            self.errors.append(f"harness: {type(e).__name__}: {e}")
            raise
        self.connected = False
        if self.closing:
            return
        if self.reconnect:
            asyncio.get_running_loop().create_task(self._reconnect(reason))
        else:
            self.closed_early = reason

    async def _reconnect(self, reason: str) -> None:
        """The frontend's connection manager after a drop: wait, ping health, connect, rerun."""
        out = {"t_drop": time.perf_counter(), "reason": reason, "route_before": self.cookies.get(ROUTE_COOKIE),
               "attempts": 0, "t_connected": None, "route_after": None, "runs_at_connect": None,
               "t_picture": None}
        self.outages.append(out)
        for task in self.auto.values():  # the old session's timers; the new one sends its own
            task.cancel()
        self.auto.clear()
        self.auto_every.clear()
        self.on_drop(self, out)
        while not self.closing and time.perf_counter() - out["t_drop"] < self.give_up_after:
            out["attempts"] += 1
            await asyncio.sleep(reconnect_delay(out["attempts"], self._rng))
            try:
                if await self.http_get("/_stcore/health", timeout=5) != 200:
                    continue
                await self._connect(10)
            except (OSError, asyncio.TimeoutError, websockets.InvalidHandshake, websockets.ConnectionClosed):
                continue
            out["t_connected"], out["route_after"] = time.perf_counter(), self.cookies.get(ROUTE_COOKIE)
            out["runs_at_connect"] = self.runs_started
            try:
                await self.rerun()  # the frontend's sendUpdateWidgetsMessage: widgets + the URL's query
            except websockets.ConnectionClosed:
                pass  # dropped again: the reader starts the next outage
            return
        if not self.closing:
            self.closed_early = f"{reason} (no reconnect within {self.give_up_after:.0f} s)"

    def _cached(self, msg: ForwardMsg) -> ForwardMsg:
        """The message a ``ref_hash`` stands for (with the reference's metadata), as the
        browser resolves it; a large element is kept for later references."""
        if msg.WhichOneof("type") == "ref_hash":
            self.ref_hashes += 1
            held = self.cache.get(msg.ref_hash)
            if held is None:
                self.errors.append("ref_hash to a message this tab does not hold")
                return msg
            held[1] = 0
            full = ForwardMsg()
            full.CopyFrom(held[0])
            full.metadata.CopyFrom(msg.metadata)
            return full
        if msg.metadata.cacheable and msg.hash:
            self.cache[msg.hash] = [msg, 0]
        elif msg.WhichOneof("type") == "script_finished" and msg.script_finished != EARLY_FOR_RERUN:
            # (the frontend ages its copies once per finished run; a fragment's run ages only
            # the fragments' elements)
            fragment_run = msg.script_finished == FRAGMENT_FINISHED
            for h in list(self.cache):
                held = self.cache[h]
                if fragment_run and not held[0].delta.fragment_id:
                    continue
                held[1] += 1
                if held[1] > MAX_MESSAGE_AGE:
                    del self.cache[h]
        return msg

    def _book(self, msg: ForwardMsg) -> None:
        typ = msg.WhichOneof("type")
        if typ == "new_session":
            self.runs_started += 1
            self.session_id = msg.new_session.initialize.session_id or self.session_id
        elif typ == "navigation":  # the page's own hash (new_session's is the entry script's)
            if msg.navigation.page_script_hash:
                self.page_hash = msg.navigation.page_script_hash
        elif typ == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif typ == "script_finished":
            self.finished.append((time.perf_counter(), msg.script_finished))
            if msg.script_finished == COMPILE_ERROR:
                self.errors.append("script compile error")
        elif typ == "auto_rerun":
            fid, every = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            if self.auto_every.get(fid) == every and fid in self.auto:
                return  # as the frontend: the same interval keeps its timer (and phase)
            if fid in self.auto:
                self.auto.pop(fid).cancel()
            self.auto_every[fid] = every
            self.auto[fid] = asyncio.get_running_loop().create_task(self._tick(fid, every))
        elif typ == "stop_auto_rerun":
            ids = list(msg.stop_auto_rerun.fragment_ids) or list(self.auto)
            for fid in ids:
                if fid in self.auto:
                    self.auto.pop(fid).cancel()
                self.auto_every.pop(fid, None)
        elif typ == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            kind = el.WhichOneof("type")
            if kind == "exception":
                self.errors.append(f"exception shown: {el.exception.type}: {el.exception.message[:200]}")
                return
            proto = getattr(el, kind)
            wid = getattr(proto, "id", "") if proto.DESCRIPTOR.fields_by_name.get("id") else ""
            if wid:
                self.elements[wid] = (kind, proto)
                self.fragment_of[wid] = msg.delta.fragment_id
                ws = widget_state(kind, proto)
                if ws is not None and (wid not in self.widgets or getattr(proto, "set_value", False)):
                    self.widgets[wid] = ws

    async def _tick(self, fragment_id: str, every: float) -> None:
        """The frontend's setInterval for a ``run_every`` fragment."""
        try:
            while True:
                await asyncio.sleep(every)
                await self.rerun(fragment_id=fragment_id, auto=True)
        except (asyncio.CancelledError, websockets.ConnectionClosed):
            pass

    async def close(self) -> None:
        self.closing = True
        for task in self.auto.values():
            task.cancel()
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            try:
                await asyncio.wait_for(self._reader, 5)
            except (asyncio.TimeoutError, Exception):
                pass
