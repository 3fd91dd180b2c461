"""Fair training turns for every session of one server: at most ``slots`` training ticks run at once.

Why: a class shares one small machine. When every student's training tick runs at once, each
tick takes the GIL and the cores from everyone else: all trainings crawl, and the sliders of the
students on other pages wait behind them. Here a tick runs only while it holds a *slot*; the
other sessions wait for their turn, and their pages keep answering meanwhile.

- A *participant* is a hashable id (the jobs layer uses (session id, job key)).
- ``ask(who)`` at every tick: a turn (``granted``), or the participant's place in the queue and
  an estimate of the wait. Free slots go to the waiters *least recently served* first (a
  newcomer, never served, first of all; FIFO among newcomers), so turns rotate round-robin:
  a waiter's turn comes after about ``waiters / slots`` turns' time (one passed over, below,
  waits about one poll longer).
- ``release(who)`` when the tick's work is done (before the page draws: drawing needs no slot).
- A waiter returns at once (its page shows its place) unless it is *on deck* (among the next
  ``deck`` in line): then it may wait up to ``wait_s`` inside ``ask`` for a slot to free. A freed
  slot goes to the best-placed waiter *present* (inside ``ask``); one that is not (its page polls
  once a second) is passed over and keeps its place. So no slot sits idle waiting for
  one page's timer, and nobody is passed over for long.
- A waiter that stops asking (a closed tab, a paused job) loses its place after ``stale_s``;
  ``leave(who)`` says so at once. Its "last served" time is kept for ``forget_s``, so coming
  back does not jump the queue.
- ``max_queue``: at most that many waiters; a newcomer beyond it gets ``full`` and is not queued.

Pure Python (threads and one condition), no Streamlit: ``tests/test_scheduler.py`` drives it
with many threads and a fake clock. ``SERVER`` is the process's one instance.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass
from typing import Callable, Hashable

from ui.kit import limits

#: torch threads per training tick. app.py sets 1 for the whole process (torch's setting is
#: process-wide); the jobs layer re-asserts it per tick, so a slot is one core's worth of work.
THREADS_PER_TICK = 1


def cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_slots(n_cores: int | None = None) -> int:
    """One core stays free for the event loop, the drawing and the other pages' sliders."""
    return max(1, (cores() if n_cores is None else n_cores) - 1)


@dataclass(frozen=True)
class Turn:
    """The answer to ``ask``: a granted turn (``waiting``: how many others wait meanwhile), or the
    place (1-based) among ``waiting`` waiters."""

    granted: bool
    place: int = 0
    waiting: int = 0
    eta_s: float = 0.0
    full: bool = False


class Scheduler:
    def __init__(self, slots: int, *, max_queue: int | None = None, stale_s: float = 3.0,
                 forget_s: float = 300.0, lease_s: float = 120.0, hold_guess_s: float = 0.5,
                 clock: Callable[[], float] = time.monotonic):
        if slots < 1:
            raise ValueError(f"slots must be at least 1, got {slots}")
        self.slots = slots
        #: waiters this near the front wait inside ``ask`` (up to its ``wait_s``) for a slot to free
        self.deck = 2 * slots
        self.max_queue = max_queue
        self.stale_s, self.forget_s, self.lease_s = stale_s, forget_s, lease_s
        self.clock = clock
        self._cond = threading.Condition()
        self._holding: dict[Hashable, float] = {}  # who -> granted at
        self._waiting: dict[Hashable, list[float]] = {}  # who -> [arrived, last asked]
        self._served: dict[Hashable, float] = {}  # who -> last granted (the queue's order)
        self._blocked: set = set()  # waiters inside ask(wait_s): present although not asking anew
        self._hold_s = hold_guess_s  # a turn's measured length (recent turns weigh most): the estimate
        self.grants = 0

    # --- the queue ------------------------------------------------------------------------
    def _purge(self, now: float) -> None:
        for who, (_, seen) in list(self._waiting.items()):
            if now - seen > self.stale_s and who not in self._blocked:
                del self._waiting[who]
        for who, since in list(self._holding.items()):
            if now - since > self.lease_s:  # a tick that never released (a bug): its slot comes back
                del self._holding[who]
        for who, t in list(self._served.items()):
            if now - t > self.forget_s and who not in self._waiting and who not in self._holding:
                del self._served[who]

    def _order(self) -> list:
        return sorted(self._waiting, key=lambda w: (self._served.get(w, -math.inf), self._waiting[w][0]))

    def _grant(self, who, now: float) -> Turn:
        del self._waiting[who]
        others = len(self._waiting)
        self._holding[who] = now
        self._served[who] = now
        self.grants += 1
        return Turn(True, waiting=others)

    def eta_s(self, place: int) -> float:
        """Seconds until the waiter at ``place`` gets a turn: as many turns as waiters ahead and
        itself, ``slots`` at a time (a freed slot is taken at once, so turns are back to back)."""
        return math.ceil(place / self.slots) * self._hold_s

    def _first(self, who) -> bool:
        """Would a free slot go to ``who`` now? To the least recently served waiters *present*
        (asking now, or waiting inside ``ask``): one that is not is passed over this once and
        keeps its place, so a slot never sits idle for a page that polls only once a second."""
        free = self.slots - len(self._holding)
        present = [w for w in self._order() if w == who or w in self._blocked]
        return who in present[:max(free, 0)]

    def ask(self, who: Hashable, wait_s: float = 0.0) -> Turn:
        """A turn for ``who`` now, or its place in the queue (see the module's docstring)."""
        with self._cond:
            now = self.clock()
            self._purge(now)
            if who in self._holding:  # asked twice without a release: no second slot
                return Turn(False, place=1, waiting=len(self._waiting) + 1, eta_s=self._hold_s)
            if who in self._waiting:
                self._waiting[who][1] = now
            else:
                self._waiting[who] = [now, now]
                if self.max_queue is not None and len(self._waiting) - 1 >= self.max_queue and not self._first(who):
                    del self._waiting[who]  # the class is full: not queued, nothing else changes
                    return Turn(False, waiting=len(self._waiting), full=True)
            deadline = now + wait_s
            self._blocked.add(who)
            try:
                while True:
                    if self._first(who):
                        return self._grant(who, now)
                    order = self._order()
                    i = order.index(who)
                    left = deadline - now
                    if left <= 0 or i >= self.deck:  # not next in line: show the place at once
                        return Turn(False, place=i + 1, waiting=len(order), eta_s=self.eta_s(i + 1))
                    self._cond.wait(left)
                    now = self.clock()
                    self._purge(now)
                    if who not in self._waiting:  # left meanwhile (``leave`` from another thread)
                        return Turn(False, waiting=len(self._waiting))
                    self._waiting[who][1] = now
            finally:
                self._blocked.discard(who)

    def release(self, who: Hashable) -> None:
        """The tick's work is done: its slot goes to the next waiter."""
        with self._cond:
            since = self._holding.pop(who, None)
            if since is not None:
                self._hold_s = 0.8 * self._hold_s + 0.2 * (self.clock() - since)
            self._cond.notify_all()

    def leave(self, who: Hashable) -> None:
        """``who`` no longer wants turns (paused, stopped, reset): its place goes at once."""
        with self._cond:
            if self._waiting.pop(who, None) is not None:
                self._cond.notify_all()

    def busy(self) -> bool:
        """Is any training running or waiting? (Background work backs off meanwhile.)"""
        with self._cond:
            now = self.clock()
            return bool(self._holding) or any(now - seen <= self.stale_s for _, seen in self._waiting.values())

    def snapshot(self) -> dict:
        """Who holds a slot and who waits, in order (for tests and a status line)."""
        with self._cond:
            return {"slots": self.slots, "holding": list(self._holding), "waiting": self._order(),
                    "hold_s": self._hold_s, "grants": self.grants}


def from_limits(lim: limits.ClassLimits) -> Scheduler:
    return Scheduler(lim.training_slots or default_slots(), max_queue=lim.max_queue)


#: The server's scheduler, sized by the class limits read at start-up.
SERVER = from_limits(limits.CLASS)
