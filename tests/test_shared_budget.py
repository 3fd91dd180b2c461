"""``EBM_CACHE_MB`` sizes every server-wide cache together: the caches' default budgets must add up
to ``ui.kit.shared.DEFAULT_TOTAL_MB`` (they had grown to 480 MB while the scale still said 400, so a
teacher's EBM_CACHE_MB=N gave 1.2 N)."""

from __future__ import annotations

import importlib
import pkgutil

import ui
from ui.kit import shared


def _server_caches() -> dict[str, shared.SharedCache]:
    """Every module-level SharedCache in the ``ui`` package (importing each module)."""
    found = {}
    for info in pkgutil.walk_packages(ui.__path__, "ui."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, shared.SharedCache):
                found[f"{info.name}.{name}"] = value
    return found


def test_the_default_budgets_add_up_to_the_total(monkeypatch):
    monkeypatch.delenv("EBM_CACHE_MB", raising=False)
    caches = _server_caches()
    assert len({id(c) for c in caches.values()}) >= 8, sorted(caches)
    total = sum(c.max_bytes for c in {id(c): c for c in caches.values()}.values())
    assert total == round(shared.DEFAULT_TOTAL_MB * (1 << 20)), (total / (1 << 20), sorted(caches))


def test_ebm_cache_mb_scales_them_together(monkeypatch):
    monkeypatch.setenv("EBM_CACHE_MB", "240")
    assert shared.budget_mb(48) == 24.0  # half of the defaults' total: half of each
    monkeypatch.setenv("EBM_CACHE_MB", "lots")
    assert shared.budget_mb(48) == 48.0  # not a number: the defaults
