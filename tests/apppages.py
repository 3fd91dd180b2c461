"""Opening a page of the app in Streamlit's AppTest (shared by the tests/test_page_*.py files)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


#: The MCMC page holds its Plotly charts back until the browser has drawn the picture
#: (ui.mcmc.tune.charts_ready); AppTest has no browser, so a test says it has drawn.
DRAWN = "_mcmc_drawn"


def open_page(page: str, query: dict | None = None, drawn: bool = True) -> AppTest:
    """app.py, switched to ``app_pages/<page>.py`` with these URL values, run once without an
    exception (``drawn``: as a browser that has drawn the MCMC picture already)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if drawn:
        at.session_state[DRAWN] = True
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.switch_page(str(ROOT / "app_pages" / f"{page}.py"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def assert_ok(at: AppTest, errors: bool = False) -> AppTest:
    """No exception (and, with ``errors``, no st.error either)."""
    assert not at.exception, [e.value for e in at.exception]
    if errors:
        assert not at.error, [e.value for e in at.error]
    return at
