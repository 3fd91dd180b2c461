"""Browser-test scaffolding: a Streamlit server factory, a headless Chromium, idle waits.

``streamlit_server(app_path)`` starts ``python -m streamlit run <app>`` once per app for the
whole session (cwd = repo root, PYTHONPATH includes it) and returns its base URL.  The
``browser`` fixture is Debian's Chromium through Playwright.  Without /usr/bin/chromium (or
Playwright) the browser tests are skipped, unless EBM_REQUIRE_BROWSER=1, which makes them fail.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `import ui...` in tests, whatever the working directory
    sys.path.insert(0, str(ROOT))
APPS = Path(__file__).resolve().parent / "apps"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HEALTH_TIMEOUT_S = 60.0


#: A browser test that fails runs once more (pytest-rerunfailures); both runs must fail for the
#: suite to fail.  Why: a real browser and server on two loaded cores have timing races of their
#: own (three CI runs in a row each failed on a different one; each was a test reading too early
#: or an app race, since fixed).  Every rerun is printed (``R`` in the progress line, ``RERUN`` in
#: the summary): a rerun is a race to find, not a pass to keep.  Playwright's own runner does the
#: same on CI (``retries``).
BROWSER_RERUNS = 1


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser/ is a browser test (``-m "not browser"`` leaves them out)."""
    here = Path(__file__).resolve().parent
    reruns = config.pluginmanager.hasplugin("rerunfailures")
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if reruns:
                item.add_marker(pytest.mark.flaky(reruns=BROWSER_RERUNS))


def _require_browser() -> bool:
    return os.environ.get("EBM_REQUIRE_BROWSER") == "1"


def _no_browser(reason: str):
    if _require_browser():
        pytest.fail(f"{reason} (EBM_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """One ``streamlit run`` subprocess; ``url`` is its base URL."""

    def __init__(self, app_path: Path, port: int | None = None):
        self.app_path = Path(app_path)
        if not self.app_path.is_absolute():
            self.app_path = ROOT / self.app_path
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="streamlit-", suffix=".log", delete=False)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
        env.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
        if env.get("EBM_PREFETCH_OFF_FOR_PAGE_TESTS") == "1":  # tests/conftest.py's, not the caller's:
            env.pop("EBM_PREFETCH", None)                      # a real server prefetches
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(self.app_path),
            "--server.headless", "true",
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
        ]
        self.proc = subprocess.Popen(
            cmd, cwd=str(ROOT), env=env, stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        self.pid = self.proc.pid

    def wait_healthy(self, timeout: float = HEALTH_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s:\n{self.log_text()}")

    def log_text(self) -> str:
        try:
            return Path(self.log.name).read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # our own session: streamlit and its children
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()
        try:
            os.unlink(self.log.name)
        except OSError:
            pass


@pytest.fixture(scope="session")
def streamlit_server():
    """Factory: ``streamlit_server(app_path) -> base URL`` (one server per app per session)."""
    servers: dict[Path, StreamlitServer] = {}

    def start(app_path) -> str:
        path = Path(app_path)
        path = path if path.is_absolute() else ROOT / path
        if path not in servers:
            srv = StreamlitServer(path)
            servers[path] = srv
            srv.wait_healthy()
        return servers[path].url

    start.servers = servers  # for tests that need the pid (e.g. CPU accounting)
    yield start
    for srv in servers.values():
        srv.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _no_browser(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("playwright is not installed (pip install playwright)")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception:
        pw.stop()
        raise
    yield b
    b.close()
    pw.stop()


@contextlib.contextmanager
def new_page(browser, width: int = 1280, height: int = 900, timeout_ms: float = 30_000):
    """A page in a browser context of its own (its own cookies: a new Streamlit session), width ×
    height CSS px at one device pixel per px; closed on the way out."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
    try:
        pg = ctx.new_page()
        pg.set_default_timeout(timeout_ms)
        yield pg
    finally:
        ctx.close()


@pytest.fixture
def page(browser):
    with new_page(browser) as pg:
        yield pg


def app_idle(page, timeout_ms: float = 30_000) -> None:
    """Wait until the script run is over: stApp carries data-test-script-state="notRunning"."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", state="attached", timeout=timeout_ms
    )


def poll_until(predicate, timeout: float = 15.0, interval: float = 0.05, message: str = "condition"):
    """Poll ``predicate()`` until truthy; return its value or fail with ``message``."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message} (last: {last!r})")


# Helpers as fixtures, so test modules need not import this conftest by name.
@pytest.fixture
def wait_for_app_idle():
    """``wait_for_app_idle(page)``: the Streamlit script run is over."""
    return app_idle


@pytest.fixture
def wait_until():
    """``wait_until(predicate, timeout=15, message=...)``: poll until truthy."""
    return poll_until
