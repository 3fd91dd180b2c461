"""ui.kit.scheduler: fair training turns across sessions. Many threads asking at once (as the
students' fragments do), and a fake clock for the timeouts."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

import pytest

from ui.kit.scheduler import Scheduler, default_slots


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_slots_leave_one_core_free_and_never_fall_to_zero():
    assert [default_slots(n) for n in (1, 2, 4, 16)] == [1, 1, 3, 15]
    with pytest.raises(ValueError, match="slots"):
        Scheduler(0)


def test_two_slots_five_sessions_asking_over_and_over_take_fair_turns():
    # Five sessions poll in their own threads, as the students' fragments do, each with a little
    # jitter; a granted turn works ~5 ms and releases. The grants rotate: between two turns of one
    # session the others get n - 1 turns on average (a round: n / slots turns' time), and at most
    # about two rounds' worth (a waiter between two polls as a slot frees is passed over, once).
    sched, n, turns = Scheduler(2), 5, 300
    log: list[str] = []
    lock = threading.Lock()
    holding = Counter()
    most_at_once = [0]
    stop = threading.Event()
    start = threading.Barrier(n)  # all in class before the first ask: a late thread is not a late student

    def student(name: str, seed: int) -> None:
        rnd = random.Random(seed)
        start.wait()
        while not stop.is_set():
            turn = sched.ask(name, wait_s=1.0)  # on deck: waits inside ask, as a page does
            if not turn.granted:
                assert 1 <= turn.place <= turn.waiting <= n, turn
                time.sleep(rnd.uniform(0.0005, 0.002))
                continue
            with lock:
                log.append(name)
                holding[name] += 1
                most_at_once[0] = max(most_at_once[0], sum(holding.values()))
                if len(log) >= turns:
                    stop.set()
            time.sleep(rnd.uniform(0.003, 0.007))
            with lock:
                holding[name] -= 1
            sched.release(name)
            time.sleep(rnd.uniform(0.0005, 0.002))  # the page draws, then the next tick asks

    threads = [threading.Thread(target=student, args=(f"s{i}", i)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert not any(th.is_alive() for th in threads)
    assert most_at_once[0] <= 2  # never more ticks at once than slots
    counts = Counter(log)
    assert set(counts) == {f"s{i}" for i in range(n)}
    assert max(counts.values()) - min(counts.values()) <= 3, counts  # 60 each, give or take OS scheduling
    # turns interleave: the longest run of grants to others between two turns of one session
    gaps = []
    for name in counts:
        at = [i for i, who in enumerate(log) if who == name]
        gaps += [b - a - 1 for a, b in zip(at, at[1:])]
    assert sum(gaps) / len(gaps) == pytest.approx(n - 1, abs=0.3)
    assert max(gaps) <= 2 * (n - 1), (max(gaps), log[:40])
    assert sched.snapshot()["holding"] == []


def test_a_free_slot_goes_to_the_least_recently_served_waiter_present_not_to_whoever_asks_first():
    sched = Scheduler(1)
    assert sched.ask("a").granted
    assert not sched.ask("b").granted  # first in line (it will wait inside ask for the slot)
    assert not sched.ask("c").granted
    assert sched.snapshot()["waiting"] == ["b", "c"]  # FIFO among the never served
    got = {}
    th = threading.Thread(target=lambda: got.update(b=sched.ask("b", wait_s=5.0)))
    th.start()
    time.sleep(0.1)
    sched.release("a")
    th.join(timeout=5)
    assert got["b"].granted and got["b"].waiting == 1  # c still waits: a short turn for b
    d = sched.ask("d")  # a newcomer, never served, goes before those served already
    sched.ask("a")
    assert not d.granted and sched.snapshot()["waiting"] == ["c", "d", "a"]


def _in_thread(fn):
    out = {}
    th = threading.Thread(target=lambda: out.update(turn=fn()))
    th.start()
    time.sleep(0.1)  # inside ask by now
    return th, out


def test_a_waiter_not_there_when_the_slot_frees_is_passed_over_and_keeps_its_place():
    sched = Scheduler(1)
    assert sched.ask("a").granted
    assert sched.ask("b").place == 1 and sched.ask("c").place == 2
    sched.release("a")
    assert sched.ask("c").granted  # b's page is between two polls: the slot does not wait for it
    assert sched.ask("b").place == 1  # ... and b is still first
    assert sched.ask("a").place == 2
    th, out = _in_thread(lambda: sched.ask("b", wait_s=5.0))  # b's next poll, next in line: it waits
    sched.release("c")
    assert sched.ask("a").place == 2  # a asks as the slot frees: b, present, gets it
    th.join(timeout=5)
    assert out["turn"].granted and sched.snapshot()["holding"] == ["b"]


def test_a_session_that_stops_asking_loses_its_place_after_the_timeout():
    clock = Clock()
    sched = Scheduler(1, stale_s=3.0, clock=clock)
    assert sched.ask("a").granted
    assert sched.ask("gone").place == 1  # a tab that will close
    assert sched.ask("c").place == 2
    for _ in range(2):  # counted while it may still come back ...
        clock.now += 1.0
        assert sched.ask("c").place == 2
    clock.now += 1.5  # ... not longer than stale_s after its last ask
    t = sched.ask("c")
    assert (t.place, t.waiting) == (1, 1) and sched.snapshot()["waiting"] == ["c"]
    sched.leave("c")
    assert sched.busy()  # a still trains
    sched.release("a")
    assert not sched.busy()  # nobody waiting, nothing running: the prefetch may work
    assert sched.ask("w").granted
    assert sched.ask("x").place == 1 and sched.ask("y").place == 2
    sched.release("w")  # their pages are closed: neither asks again
    assert sched.busy()
    clock.now += 10
    assert not sched.busy()  # a waiter that vanished does not hold the prefetch back


def test_leave_frees_the_place_at_once_and_a_returning_session_keeps_its_history():
    clock = Clock()
    sched = Scheduler(1, clock=clock)
    assert sched.ask("a").granted
    sched.release("a")
    assert sched.ask("b").granted
    assert sched.ask("a").place == 1
    sched.leave("a")  # paused
    assert sched.snapshot()["waiting"] == []
    clock.now += 0.1
    assert sched.ask("c").place == 1
    assert sched.ask("a").place == 2  # served before: behind the newcomer, not ahead of it


def test_the_queue_limit_turns_away_a_newcomer_without_losing_anyone():
    clock = Clock()
    sched = Scheduler(1, max_queue=2, clock=clock)
    assert sched.ask("a").granted
    assert sched.ask("b").place == 1 and sched.ask("c").place == 2
    full = sched.ask("d")
    assert full.full and not full.granted and full.waiting == 2
    assert sched.snapshot()["waiting"] == ["b", "c"]  # nobody lost their place
    assert sched.ask("b").place == 1 and not sched.ask("c").full  # those queued stay queued
    sched.leave("c")
    assert sched.ask("d").place == 2  # room again
    closed = Scheduler(1, max_queue=0, clock=clock)
    assert closed.ask("x").granted  # a free slot needs no queue
    assert closed.ask("y").full


def test_next_in_line_waits_briefly_for_the_slot_the_others_return_at_once():
    sched = Scheduler(1)  # on deck: the first 2 * slots in line
    assert sched.ask("a").granted
    got = {}

    def on_deck(name):
        t0 = time.perf_counter()
        got[name] = sched.ask(name, wait_s=5.0), time.perf_counter() - t0

    threads = [threading.Thread(target=on_deck, args=(n,)) for n in ("b", "c")]
    for th in threads:
        th.start()
        time.sleep(0.1)
    t0 = time.perf_counter()
    d = sched.ask("d", wait_s=5.0)  # third in line: shows its place without waiting
    assert not d.granted and d.place == 3 and time.perf_counter() - t0 < 0.1
    time.sleep(0.1)
    sched.release("a")
    threads[0].join(timeout=5)
    assert got["b"][0].granted and 0.25 < got["b"][1] < 1.0  # as soon as it was free, not 5 s later
    sched.release("b")
    threads[1].join(timeout=5)
    assert got["c"][0].granted and sched.snapshot()["holding"] == ["c"]


def test_the_estimate_follows_the_measured_turns():
    clock = Clock()
    sched = Scheduler(1, hold_guess_s=0.5, clock=clock)
    assert sched.ask("x").granted and not sched.ask("y").granted
    for _ in range(30):  # turns of 0.3 s, back to back, someone always waiting
        holder = sched.snapshot()["holding"][0]
        clock.now += 0.3
        sched.release(holder)
        assert sched.ask(sched.snapshot()["waiting"][0]).granted
        assert not sched.ask(holder).granted  # its next tick: back in the queue
    t = sched.ask("z")  # a newcomer: next, when the turn running now ends
    assert t.place == 1 and t.eta_s == pytest.approx(0.3, abs=0.05)
    assert sched.eta_s(5) == pytest.approx(5 * 0.3, abs=0.1)
