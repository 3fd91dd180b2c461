"""A trainer that runs named phases of epochs of mini-batch updates, a bounded step at a time.

The DBN (greedy layers, top RBM, up-down fine-tuning) and the DBM (two pretraining RBMs,
then Algorithm 20.1) share this loop; a page tick calls ``step(n)`` and draws. Subclasses set
``PHASES``, ``phase_epochs``, ``n_batches`` and implement ``_update()`` (one mini-batch, a dict
of statistics), ``_enter(phase)``, and optionally ``_leave()`` and ``_epoch_extras(summary)``.
"""

from __future__ import annotations

import time

import torch


class PhasedTrainer:
    PHASES: tuple[str, ...] = ()
    phase_epochs: dict[str, int]
    n_batches: int
    phase: str
    epoch = batch = updates = 0
    seconds = 0.0
    done = False

    def _update(self) -> dict:
        raise NotImplementedError

    def _enter(self, phase: str) -> None:
        raise NotImplementedError

    def _leave(self) -> None:
        """Called when the current phase has run all its epochs (before the next is entered)."""

    def _epoch_extras(self, summary: dict) -> None:
        """Add end-of-epoch measurements (e.g. test accuracy) to ``summary``."""

    @property
    def total_batches(self) -> int:
        return self.n_batches * sum(self.phase_epochs.values())

    @property
    def progress(self) -> float:
        if self.done:
            return 1.0
        before = sum(self.phase_epochs[p] for p in self.PHASES[:self.PHASES.index(self.phase)])
        return min(1.0, ((before + self.epoch) * self.n_batches + self.batch) / max(1, self.total_batches))

    def step(self, n_batches: int = 1) -> list[dict]:
        """Up to ``n_batches`` updates (fewer when the run ends); one dict per update."""
        rows = []
        with torch.no_grad():
            for _ in range(int(n_batches)):
                if self.done:
                    break
                t0 = time.perf_counter()
                stats = self._update()
                self.seconds += time.perf_counter() - t0
                self.updates += 1
                row = {"phase": self.phase, "epoch": self.epoch + 1, "batch": self.batch + 1, **stats,
                       "seconds": self.seconds}
                rows.append(row)
                self._rows.append(row)
                self._advance()
        self.history.extend(rows)
        return rows

    def epoch_step(self) -> list[dict]:
        """Finish the current epoch."""
        return self.step(self.n_batches - self.batch)

    def fit(self, callback=None):
        while not self.done:
            self.epoch_step()
            if callback is not None and self.epochs_log:
                callback(self.epochs_log[-1])
        return self

    def _advance(self) -> None:
        self.batch += 1
        if self.batch < self.n_batches:
            return
        self._close_epoch()
        self.batch = 0
        self.epoch += 1
        if self.epoch < self.phase_epochs[self.phase]:
            return
        self._leave()
        i = self.PHASES.index(self.phase)
        nxt = next((p for p in self.PHASES[i + 1:] if self.phase_epochs[p] > 0), None)
        if nxt is None:
            self.done = True
        else:
            self._enter(nxt)

    def _close_epoch(self) -> None:
        """Average the epoch's per-update statistics into one row of ``epochs_log``."""
        rows, self._rows = self._rows, []
        if not rows:
            return
        s = {"phase": self.phase, "epoch": self.epoch + 1, "updates": self.updates, "seconds": self.seconds}
        for k, v in rows[0].items():
            if k not in s and k != "batch" and isinstance(v, (int, float)):
                s[k] = float(sum(r[k] for r in rows) / len(rows))
        self._epoch_extras(s)
        self.epochs_log.append(s)
