"""Settings for the whole suite.

The MCMC page's background prefetch (a thread that computes the runs one slider notch away)
is off in the in-process page tests: it would compete with the test for the two cores and
make a page's numbers depend on timing. A test that is about the prefetch turns it on itself
(``monkeypatch.setattr(runs, "PREFETCH", True)``); the browser tests' servers get the
production default (``tests/browser/conftest.py`` drops this setting for them).
"""

from __future__ import annotations

import os

import pytest

if "EBM_PREFETCH" not in os.environ:
    os.environ["EBM_PREFETCH"] = "0"
    os.environ["EBM_PREFETCH_OFF_FOR_PAGE_TESTS"] = "1"


_RERUN_REPORTS: list = []


# (here, not in tests/browser/conftest.py: with pytest-xdist only this conftest is loaded in the
# process that prints the summary)
def pytest_runtest_logreport(report):
    """Keep the failure behind each rerun (tests/browser/conftest.py): the plugin prints only its name."""
    if report.outcome == "rerun":
        _RERUN_REPORTS.append((report.nodeid, report.longreprtext))


def pytest_terminal_summary(terminalreporter):
    for nodeid, text in _RERUN_REPORTS:
        terminalreporter.write_sep("-", f"rerun after this failure: {nodeid}")
        terminalreporter.write_line("\n".join(text.splitlines()[-60:]))  # (the end: the assertion, its values)


@pytest.fixture
def class_limits():
    """Apply class limits to the three training pages' controls; the server's own come back after."""
    from ui.deep import specs as deep_specs
    from ui.kit import limits
    from ui.landscape import ebm2d
    from ui.rbm import specs as rbm_specs

    def apply(lim) -> None:
        for m in (rbm_specs, deep_specs, ebm2d):
            m.apply_limits(lim)
    yield apply
    apply(limits.CLASS)
