"""The shipped RBM's chains are computed once per server (issue 15 follow-up): sessions that show the
shipped model unchanged share them (``ui.rbm.sampling.SHARED``), a session with a model of its own never
reads them, and the start-up warm-up computes exactly what the page's first view asks for."""

from __future__ import annotations

import pytest

from apppages import assert_ok, open_page
from ui.rbm import sampling, startup
from ui.rbm import data as D

# Small and quick: 10 chains of 50 steps (the sharing does not depend on the sizes).
FAST = {"rbm_chains": "10", "rbm_gibbs": "50"}
# A model of one's own in a few seconds: 25 hidden units, 1 epoch on 500 digits.
TINY = {**FAST, "rbm_hidden": "25", "rbm_digits": "500", "rbm_epochs": "1"}


@pytest.fixture
def computed(monkeypatch):
    """The (hidden units, n, steps, T, seed) of every chain the page really runs, from an empty cache."""
    sampling.SHARED.clear()
    calls = []
    real = sampling.chains

    def counting(rbm, n, steps, T, seed):
        calls.append((rbm.n_hidden, int(n), int(steps), float(T), int(seed)))
        return real(rbm, n, steps, T, seed)

    monkeypatch.setattr(sampling, "chains", counting)
    yield calls
    sampling.SHARED.clear()


def _clip(at) -> dict:
    j = at.session_state["rbm_job"]  # (the session's memo: keyed by its model's version)
    return j["memo"][(j["version"], "samples", 10, 50, 1.0, 0)]


def _png(at) -> bytes:
    return _clip(at)["png"]


def _captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_a_second_session_reads_the_first_sessions_chains(computed):
    first = assert_ok(open_page("rbm", FAST), errors=True)
    assert computed == [(500, 10, 50, 1.0, 0)]
    assert (D.shipped_id(), "samples", 10, 50, 1.0, 0) in sampling.SHARED
    second = assert_ok(open_page("rbm", FAST), errors=True)
    assert computed == [(500, 10, 50, 1.0, 0)]  # not again
    assert _png(second) is _png(first)  # the very same picture, held once
    assert sampling.SHARED.hits >= 1
    # the timing caption says it was computed once for everyone (its seconds are the first session's)
    secs = _clip(second)["seconds"]
    assert any(f"Sampling took {secs:.2f} s on this server, once: every student" in c for c in _captions(second))


def test_a_trained_models_chains_are_never_shared(computed):
    at = open_page("rbm", TINY)
    shared = len(sampling.SHARED)  # the shipped model's first view: its chains and its clamp-and-fill
    assert shared >= 1
    next(b for b in at.button if "Train" in b.label).click().run()
    for _ in range(100):
        if at.session_state["rbm_job"]["status"] != "running":
            break
        at.run()
    assert_ok(at, errors=True)
    j = at.session_state["rbm_job"]
    assert j["status"] == "done" and j["trainer"] is not None
    # its own chains, at the same settings as the shipped model's: computed, kept in the session only
    assert computed[-1] == (25, 10, 50, 1.0, 0) and len(sampling.SHARED) == shared
    assert f"Sampling took {_clip(at)['seconds']:.2f} s on this server." in _captions(at)  # (its own: no "once")
    assert _png(at) is not sampling.SHARED.peek((D.shipped_id(), "samples", 10, 50, 1.0, 0))["png"]
    # another session still sees the shipped model's chains, not these
    other = open_page("rbm", FAST)
    assert _png(other) is sampling.SHARED.peek((D.shipped_id(), "samples", 10, 50, 1.0, 0))["png"]
    # loading the shipped model again: shared again, nothing computed
    n = len(computed)
    at.button(key="rbm_load").click().run()
    assert_ok(at, errors=True)
    assert len(computed) == n and _png(at) is _png(other)


def test_the_warm_up_computes_what_the_first_view_reads(computed):
    assert startup.warm()
    assert computed == [(500, 30, 1000, 1.0, 0)]  # the page's defaults: 30 chains × 1,000 steps
    at = assert_ok(open_page("rbm"), errors=True)  # a session's first view, no parameters
    assert len(computed) == 1  # read from the warm-up's entry
    assert at.session_state["rbm_job"]["memo"][(0, "samples", 30, 1000, 1.0, 0)] is sampling.SHARED.peek(
        startup.default_key(D.shipped_id()))
