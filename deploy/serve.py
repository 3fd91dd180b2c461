"""Several EBM Lab processes behind HAProxy, started by one command (issue 16, item 6).

    python -m deploy.serve --processes 2 --port 8500          # students open http://<host>:8500
    python -m deploy.serve --processes 2 --port 8500 --check  # write the config, `haproxy -c` it, exit

Starts N ``streamlit run ebm_lab.py`` (``app.py``, warmed before it listens) on 127.0.0.1 (ports
``--app-port``, ``--app-port``+1, …), waits until each answers ``/_stcore/health``, writes ``haproxy.cfg`` from ``deploy/haproxy.cfg.template``
(one server line each from ``deploy/haproxy-server.cfg.template``), checks it (``haproxy -c``) and
runs ``haproxy -f haproxy.cfg -db`` in the foreground on ``--address``:``--port``.  A cookie
(``EBMSRV``) keeps each browser, its page requests and its websocket, on one process; HAProxy
checks every process's health each second and sends nobody to one that is down.  A process that
exits is started again (``--no-restart``: not); its students reconnect to another one at once.
Ctrl-C or SIGTERM stops HAProxy, then every process.  The run directory holds the config, one log
per process and ``run.json`` (addresses and pids, rewritten when a process is restarted).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TEMPLATE = HERE / "haproxy.cfg.template"
SERVER_TEMPLATE = HERE / "haproxy-server.cfg.template"
COOKIE = "EBMSRV"  # the sticky cookie named in haproxy.cfg.template
MAXCONN = 4096
HEALTH_TIMEOUT_S = 90.0  # a cold process imports torch and the app: ~5 s alone, longer when N start at once
# A process that keeps dying right after its start is not restarted forever (a broken install).
CRASH_WINDOW_S, MAX_QUICK_CRASHES = 30.0, 3


def haproxy_path() -> str | None:
    """Debian installs it in /usr/sbin, which a non-root PATH may lack."""
    return shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy",) if os.access(p, os.X_OK)), None)


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def port_free(address: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((address, port))
        except OSError:
            return False
    return True


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m deploy.serve", description=__doc__.split("\n")[0])
    p.add_argument("--processes", type=int, default=2, help=f"app processes (1..{cores() * 4}: 4 per core)")
    p.add_argument("--port", type=int, default=8500, help="the class's port (HAProxy)")
    p.add_argument("--address", default="0.0.0.0", help="HAProxy's address (0.0.0.0: every interface)")
    p.add_argument("--app-port", type=int, help="first app process's port on 127.0.0.1 (default: --port + 1)")
    p.add_argument("--stats-port", type=int, help="HAProxy's stats page on 127.0.0.1 (default: after the apps)")
    p.add_argument("--run-dir", help="config, logs and run.json here (default: a new temporary directory)")
    p.add_argument("--no-restart", dest="restart", action="store_false", help="leave a process that exits down")
    p.add_argument("--check", action="store_true", help="write the config, check it with haproxy -c, exit")
    a = p.parse_args(argv)
    hi = cores() * 4
    if not 1 <= a.processes <= hi:
        p.error(f"--processes {a.processes}: must be 1..{hi} (4 per core on this machine's {cores()} cores)")
    a.app_port = a.port + 1 if a.app_port is None else a.app_port
    a.stats_port = a.app_port + a.processes if a.stats_port is None else a.stats_port
    ports = {"--port": [a.port], "--app-port": list(range(a.app_port, a.app_port + a.processes)),
             "--stats-port": [a.stats_port]}
    for flag, ps in ports.items():
        if not all(1024 <= q <= 65535 for q in ps):
            span = f"ports {ps[0]}..{ps[-1]}" if len(ps) > 1 else f"port {ps[0]}"
            p.error(f"{flag}: {span} must lie in 1024..65535")
    flat = [q for ps in ports.values() for q in ps]
    if len(set(flat)) != len(flat):
        p.error(f"ports overlap: --port {a.port}, app ports {a.app_port}..{a.app_port + a.processes - 1}, "
                f"--stats-port {a.stats_port}")
    if not a.check:
        busy = [f"{flag} {q}" for flag, ps in ports.items() for q in ps
                if not port_free(a.address if flag == "--port" else "127.0.0.1", q)]
        if busy:
            p.error("in use: " + ", ".join(busy))
    if haproxy_path() is None:
        p.error("haproxy is not installed (Debian: apt-get install haproxy)")
    return a


def servers(processes: int, app_port: int) -> list[dict]:
    return [{"name": f"s{i + 1}", "app_port": app_port + i} for i in range(processes)]


def render(a, srv: list[dict]) -> str:
    """haproxy.cfg from the two template files (nothing of HAProxy's language lives here)."""
    line = string.Template(SERVER_TEMPLATE.read_text().rstrip("\n"))
    return string.Template(TEMPLATE.read_text()).substitute(
        bind_address=a.address, port=a.port, stats_port=a.stats_port, maxconn=MAXCONN,
        servers="\n".join(line.substitute(s) for s in srv))


def check_config(path: Path) -> None:
    r = subprocess.run([haproxy_path(), "-c", "-q", "-f", str(path)], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"haproxy -c rejected {path}:\n{r.stdout}{r.stderr}")


def app_env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join(q for q in (str(ROOT), e.get("PYTHONPATH", "")) if q)
    # app.py sets torch to one thread; OpenMP/MKL pools started before that (and other
    # libraries' BLAS) would spawn one thread per core in every process: N processes × cores.
    for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        e.setdefault(k, "1")
    # One cookie secret for every process of this launch, so that a cookie Streamlit signs
    # (its session-middleware cookie; st.login's) still reads after a student moves to another
    # process.  XSRF (the _streamlit_xsrf cookie against the upload header) needs no secret.
    e.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
    return e


class App:
    """One ``streamlit run ebm_lab.py`` on 127.0.0.1:port, in its own process group, logging to a file
    (``ebm_lab.py`` serves ``app.py`` once the default link is computed: its health check answers
    when its first student can be served quickly)."""

    def __init__(self, name: str, port: int, run_dir: Path, env: dict):
        self.name, self.port, self.env = name, port, env
        self.log_path = run_dir / f"{name}.log"
        self.proc: subprocess.Popen | None = None
        self.started = 0.0
        self.quick_crashes = 0

    def start(self) -> None:
        cmd = [sys.executable, "-m", "streamlit", "run", "ebm_lab.py", "--server.port", str(self.port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=str(ROOT), env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        self.started = time.monotonic()

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass


def wait_healthy(apps: list[App], timeout: float) -> None:
    t_end = time.monotonic() + timeout
    waiting = list(apps)
    while waiting:
        for app in list(waiting):
            if app.proc.poll() is not None:
                raise SystemExit(f"{app.name} exited ({app.proc.returncode}) while starting; see {app.log_path}")
            if app.healthy():
                waiting.remove(app)
        if waiting and time.monotonic() > t_end:
            raise SystemExit(f"not healthy after {timeout:.0f} s: {', '.join(x.name for x in waiting)}")
        time.sleep(0.2)


def stop_all(haproxy: subprocess.Popen | None, apps: list[App]) -> None:
    """HAProxy first (no new connections), then the apps; SIGKILL what is left after 10 s."""
    procs = []
    if haproxy is not None and haproxy.poll() is None:
        haproxy.terminate()
        procs.append(haproxy)
    for app in apps:
        app.stop()
        if app.proc is not None:
            procs.append(app.proc)
    t_end = time.monotonic() + 10
    for pr in procs:
        try:
            pr.wait(timeout=max(0.1, t_end - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(pr.pid, signal.SIGKILL) if pr is not haproxy else pr.kill()
            except ProcessLookupError:
                pass
            pr.wait()


def write_run_file(path: Path, a, haproxy: subprocess.Popen, apps: list[App]) -> None:
    host = "127.0.0.1" if a.address in ("0.0.0.0", "::") else a.address
    info = {"url": f"http://{host}:{a.port}", "stats_url": f"http://127.0.0.1:{a.stats_port}/",
            "cookie": COOKIE, "haproxy_pid": haproxy.pid, "launcher_pid": os.getpid(),
            "servers": [{"name": x.name, "port": x.port, "pid": x.proc.pid, "log": str(x.log_path)} for x in apps]}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(info, indent=1))
    tmp.replace(path)  # readers never see half a file


def main(argv=None) -> int:
    a = parse(argv)
    run_dir = Path(a.run_dir) if a.run_dir else Path(tempfile.mkdtemp(prefix="ebm-serve-"))
    run_dir.mkdir(parents=True, exist_ok=True)
    srv = servers(a.processes, a.app_port)
    cfg = run_dir / "haproxy.cfg"
    cfg.write_text(render(a, srv))
    check_config(cfg)
    if a.check:
        print(cfg)
        return 0

    stopping, serving = [], []

    def on_signal(signum, _frame):
        stopping.append(signum)
        if not serving:  # still starting: leave the waits at once (the finally stops the children)
            raise SystemExit(128 + signum)

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)

    env = app_env()
    apps = [App(s["name"], s["app_port"], run_dir, env) for s in srv]
    haproxy = None
    try:
        for app in apps:
            app.start()
        print(f"starting {a.processes} app processes on 127.0.0.1:{a.app_port}..{a.app_port + a.processes - 1} "
              f"(logs in {run_dir})", flush=True)
        wait_healthy(apps, HEALTH_TIMEOUT_S)
        haproxy = subprocess.Popen([haproxy_path(), "-f", str(cfg), "-db"], stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        host = "127.0.0.1" if a.address in ("0.0.0.0", "::") else a.address
        while not stopping and haproxy.poll() is None and port_free(host, a.port):
            time.sleep(0.05)  # until HAProxy listens
        write_run_file(run_dir / "run.json", a, haproxy, apps)
        shown = socket.gethostname() if a.address in ("0.0.0.0", "::") else a.address
        print(f"EBM Lab: http://{shown}:{a.port}  ({a.processes} processes; stats http://127.0.0.1:{a.stats_port}/;"
              f" config {cfg})", flush=True)
        serving.append(True)
        while not stopping:
            if haproxy.poll() is not None:
                print(f"haproxy exited ({haproxy.returncode}): stopping", file=sys.stderr, flush=True)
                return 1
            for app in apps:
                if app.proc.poll() is None or not a.restart or app.quick_crashes >= MAX_QUICK_CRASHES:
                    continue
                quick = time.monotonic() - app.started < CRASH_WINDOW_S
                app.quick_crashes = app.quick_crashes + 1 if quick else 0
                if app.quick_crashes >= MAX_QUICK_CRASHES:
                    print(f"{app.name} exited {MAX_QUICK_CRASHES} times within {CRASH_WINDOW_S:.0f} s of its start:"
                          f" left down (see {app.log_path})", file=sys.stderr, flush=True)
                    continue
                print(f"{app.name} exited ({app.proc.returncode}): starting it again", file=sys.stderr, flush=True)
                app.start()  # HAProxy sends students to it again once its health check passes twice
                write_run_file(run_dir / "run.json", a, haproxy, apps)
            time.sleep(0.5)
        return 0
    finally:
        stop_all(haproxy, apps)


if __name__ == "__main__":
    sys.exit(main())
