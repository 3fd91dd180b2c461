"""Opening a page of the app in Streamlit's AppTest (shared by the tests/test_page_*.py files)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def open_page(page: str, query: dict | None = None) -> AppTest:
    """app.py, switched to ``app_pages/<page>.py`` with these URL values, run once without an exception."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
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
