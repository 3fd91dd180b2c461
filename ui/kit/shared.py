"""Server-wide caches that every session shares, bounded by bytes (issue 16: work done once).

A class on one server asks for the same things again and again: the shared link's run, its
neighbours one slider notch away, their diagnostics and charts.  ``SharedCache`` keeps the
results by key, least recently used first out, within a byte budget (not a count: one run of
16 x 5,000 steps weighs as much as forty of 4 x 200), and computes a missing entry once when
several sessions ask for it together (the later callers wait for the first; a caller that
must not wait, the background prefetch, says so with ``wait=False``).

Values are shared, not copied: whatever is cached must never be changed by its users (numpy
arrays are made read-only on the way in; other values are built fresh by ``compute``).
"""

from __future__ import annotations

import os
import sys
import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable

import numpy as np

_MB = 1 << 20


#: The sum of every server-wide cache's default budget (``tests/test_shared_budget.py`` adds them up).
DEFAULT_TOTAL_MB = 480.0


def budget_mb(default_mb: float) -> float:
    """A cache's budget: ``default_mb`` times EBM_CACHE_MB / DEFAULT_TOTAL_MB when that is set, so a
    teacher sizes all the shared caches together with one number."""
    raw = os.environ.get("EBM_CACHE_MB", "")
    try:
        total = float(raw) if raw else DEFAULT_TOTAL_MB
    except ValueError:
        total = DEFAULT_TOTAL_MB
    return default_mb * min(max(total, 16.0), 65536.0) / DEFAULT_TOTAL_MB


def nbytes(value: Any, _depth: int = 0) -> int:
    """Rough bytes held by ``value``: numpy arrays and torch tensors exactly, containers and
    objects by their parts (two levels down is enough for the records cached here)."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if hasattr(value, "element_size") and hasattr(value, "nelement"):  # a torch tensor
        return int(value.element_size() * value.nelement())
    if isinstance(value, (str, bytes)):
        return len(value)
    if _depth > 3:
        return sys.getsizeof(value)
    if isinstance(value, dict):
        return sum(nbytes(k, _depth + 1) + nbytes(v, _depth + 1) for k, v in value.items()) + 64
    if isinstance(value, (list, tuple)):
        return sum(nbytes(v, _depth + 1) for v in value) + 64
    fields = getattr(value, "__dict__", None)
    if fields is None and hasattr(value, "__slots__"):
        fields = {k: getattr(value, k, None) for k in value.__slots__}
    if fields:
        return sum(nbytes(v, _depth + 1) for v in fields.values()) + 64
    return sys.getsizeof(value)


def freeze(value: Any) -> Any:
    """Make the numpy arrays directly held by ``value`` (or its fields) read-only."""
    parts = value.values() if isinstance(value, dict) else getattr(value, "__dict__", {}).values()
    for a in [value, *parts]:
        if isinstance(a, np.ndarray):
            a.flags.writeable = False
    return value


class SharedCache:
    """A thread-safe LRU cache bounded by ``max_mb`` megabytes (see the module docstring)."""

    def __init__(self, name: str, max_mb: float):
        self.name = name
        self.max_bytes = int(max_mb * _MB)
        self._items: OrderedDict = OrderedDict()  # key -> (value, bytes)
        self._bytes = 0
        self._lock = threading.Lock()
        self._inflight: dict[Hashable, threading.Event] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key):
        """The cached value (now the most recently used), or None."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def peek(self, key):
        """The cached value without touching its place in the order, or None."""
        with self._lock:
            item = self._items.get(key)
            return None if item is None else item[0]

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def put(self, key, value):
        """Store ``value`` (frozen) under ``key``; evict the least recently used past the budget.
        A value bigger than the whole budget is returned but not kept."""
        freeze(value)
        size = nbytes(value)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if size <= self.max_bytes:
                self._items[key] = (value, size)
                self._bytes += size
                while self._bytes > self.max_bytes:
                    _, (_, dropped) = self._items.popitem(last=False)
                    self._bytes -= dropped
        return value

    def get_or_compute(self, key, compute: Callable[[], Any], wait: bool = True):
        """The value for ``key``, computed by ``compute()`` if missing, once for all callers that
        ask meanwhile (they wait for it).  ``wait=False``: never wait for another caller's
        computation, and let nobody wait for this one (it may be slow: the paused background
        prefetch), so that the others compute it themselves at full speed."""
        while True:
            value = self.get(key)
            if value is not None:
                return value
            with self._lock:
                if key in self._items:
                    continue
                pending = self._inflight.get(key)
                if pending is None or not wait:
                    mine = threading.Event()
                    if pending is None and wait:
                        self._inflight[key] = mine
                    self.misses += 1
                    break
            pending.wait(timeout=120)  # (the computing caller may have failed: then we try)
        try:
            return self.put(key, compute())
        finally:
            with self._lock:
                if self._inflight.get(key) is mine:
                    del self._inflight[key]
            mine.set()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def stats(self) -> dict:
        with self._lock:
            return {"name": self.name, "entries": len(self._items), "mb": round(self._bytes / _MB, 1),
                    "max_mb": round(self.max_bytes / _MB, 1), "hits": self.hits, "misses": self.misses}
