"""The server's start-up warm-up (``ebm_lab.py``, ``ui.kit.warmup``; issue 16, item 5).

- ``ui.mcmc.startup.default_key`` is the key the MCMC page's first run uses (if the page's
  defaults change and the key does not follow, the warm-up would compute a run nobody asks for);
- ``warm`` fills the caches that first run reads;
- ``streamlit run ebm_lab.py`` answers its health check only once warmed, and serves the app.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_default_key_is_the_key_of_the_pages_first_run(monkeypatch):
    from tests.apppages import open_page
    from ui.mcmc import runs as R
    from ui.mcmc import startup

    asked = []
    for name in ("run", "run_prefix"):
        real = getattr(R, name)
        monkeypatch.setattr(R, name, lambda *key, _real=real: asked.append(key) or _real(*key))
    open_page("mcmc", drawn=False)
    assert asked and asked[0] == startup.default_key()


def test_warm_fills_what_the_first_run_reads():
    from ui.kit import warmup
    from ui.mcmc import controls as M
    from ui.mcmc import runs as R
    from ui.mcmc import startup

    key = startup.default_key()
    R.RUNS.clear()
    M.GRIDS.clear()
    assert not R.is_cached(*key)
    took = warmup.warm()
    assert set(took) == {"imports_s", "mcmc_s", "rbm_s"}
    assert R.is_cached(*key)
    target, formula, _s, _e, T, *_r, half = key
    t0 = time.perf_counter()
    M.exact_grid(target, formula, T, M.EXACT_GRID, half=half)  # (a cache hit: no 400² grid again)
    assert time.perf_counter() - t0 < 0.05


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.status, r.read()


def test_ebm_lab_serves_the_app_once_warm(tmp_path):
    port = 18931
    log = open(tmp_path / "server.log", "wb")
    env = dict(os.environ, EBM_PREFETCH="0")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "ebm_lab.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=str(ROOT), env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            try:
                status, body = _get(f"http://127.0.0.1:{port}/_stcore/health")
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.2)
        assert status == 200
        text = (tmp_path / "server.log").read_text()
        assert "warmed up" in text and "Traceback" not in text, text  # (healthy only once warm)
        status, body = _get(f"http://127.0.0.1:{port}/mcmc")
        assert status == 200 and b'id="root"' in body
        status, body = _get(f"http://127.0.0.1:{port}/app/static/chain_canvas/main.js")
        assert status == 200 and b"export default" in body  # (static serving, from the app's folder)
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)
        log.close()
