"""Several app processes behind HAProxy (deploy/serve.py), checked with the class load harness.

- the launcher's config (from deploy/haproxy.cfg.template) passes ``haproxy -c`` and carries a
  sticky cookie, a health check and a cookie per process; its flags are range-checked;
- 4 virtual students through HAProxy in front of 2 processes for ~15 s: spread over both, each
  on one process (its cookie; HAProxy's own session counts agree), then process s1 is killed:
  its students reconnect once, to s2, and get the picture they had back from the URL; the
  others see nothing; the launcher starts s1 again.

Without haproxy the tests skip, unless EBM_REQUIRE_BROWSER=1 (CI, which installs it): then they
fail, as the browser tests do.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from deploy.serve import haproxy_path  # noqa: E402


@pytest.fixture(autouse=True)
def _need_haproxy():
    if haproxy_path() is None:
        reason = "haproxy is not installed (apt-get install haproxy)"
        if os.environ.get("EBM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (EBM_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(reason)


def _serve(*args):
    return subprocess.run([sys.executable, "-m", "deploy.serve", *args], cwd=str(ROOT), capture_output=True,
                          text=True, timeout=60)


def test_the_written_config_passes_haproxy_check(tmp_path):
    r = _serve("--processes", "3", "--port", "18700", "--check", "--run-dir", str(tmp_path))
    assert r.returncode == 0, r.stderr
    cfg = (tmp_path / "haproxy.cfg").read_text()
    assert "$" not in cfg  # every placeholder filled
    for line in ("cookie EBMSRV insert indirect nocache", "option httpchk GET /_stcore/health",
                 "http-check expect status 200", "timeout check 10s", "option persist", "timeout tunnel 1h",
                 "bind 0.0.0.0:18700"):
        assert line in cfg, line
    for i in (1, 2, 3):
        assert f"server s{i} 127.0.0.1:{18700 + i} cookie s{i} check inter 1s fall 2 rise 2" in cfg
    # haproxy -c itself must be able to fail: a broken config is rejected
    bad = tmp_path / "bad.cfg"
    bad.write_text(cfg.replace("balance leastconn", "balance nonsense"))
    assert subprocess.run([haproxy_path(), "-c", "-q", "-f", str(bad)], capture_output=True).returncode != 0


@pytest.mark.parametrize("args, message", [
    (["--processes", "0"], "--processes 0: must be 1.."),
    (["--processes", str(4 * len(os.sched_getaffinity(0)) + 1)], "4 per core"),
    (["--port", "80"], "--port: port 80 must lie in 1024..65535"),
    (["--port", "18800", "--app-port", "18799"], "ports overlap"),
])
def test_flags_out_of_range_are_refused_clearly(args, message):
    r = _serve(*args, "--check")
    assert r.returncode == 2 and message in r.stderr, r.stderr


def _load_bench():
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("load_class", BENCH / "load_class.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_two_processes_sticky_and_one_killed_mid_class(tmp_path):
    bench = _load_bench()
    [res] = bench.main(["--page", "mcmc", "--students", "4", "--balancer", "2", "--kill-after", "7",
                        "--duration", "15", "--every", "2", "--grace", "10", "--ramp", "1", "--settle", "1",
                        "--out", str(tmp_path / "lb.json")])
    b = res["balancer"]
    per = {r["student"]: r for r in b["per_student"]}
    assert res["students_loaded"] == 4 and res["errors"]["total"] == 0, res["errors"]

    # spread over both processes, and sticky: every websocket went where the cookie said
    assert set(b["students_per_process"]) == {"s1", "s2"}, b["students_per_process"]
    assert b["sticky_breaks"] == 0
    kill = b["kill"]
    on = {s: sorted(r["student"] for r in per.values() if r["routes"][0] == s) for s in ("s1", "s2")}
    assert kill["students_on_it"] == on["s1"]
    # HAProxy's own count of open connections per process (the websockets) agrees with the cookies
    assert {s: kill["stats_before"][s]["now"] for s in ("s1", "s2")} == {s: len(on[s]) for s in ("s1", "s2")}

    # s1's students: one reconnect, to s2, and the picture they had, from the URL
    for i in on["s1"]:
        r = per[i]
        assert r["routes"] == ["s1", "s2"] and r["drops"] == 1 and r["reconnects"] == 1, r
        assert r["errors"] == 0 and r["picture_matches"] == [True], r
        assert 0 < r["reconnect_s"][0] < 5 and r["reconnect_s"][0] < r["picture_back_s"][0] < 15, r
        assert r["moves"] - r["lost"] >= 2, r  # answered before and after the kill
    # the others: nothing happened to them
    for i in on["s2"]:
        r = per[i]
        assert r["routes"] == ["s2"] and r["drops"] == 0 and r["errors"] == 0, r
        assert r["moves"] >= 3 and r["lost"] <= r["moves"] // 2, r  # (a loss here: superseded by its next move)
    assert b["other_students"]["drops"] == 0 and b["killed_students"]["reconnects"] == len(on["s1"])
    # the launcher started s1 again (a new pid)
    s1_now = next(x for x in b["servers_at_end"] if x["name"] == "s1")
    assert s1_now["pid"] != kill["pid"]
