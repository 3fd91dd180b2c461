"""A fresh ``streamlit run app.py`` for the load bench (or several behind HAProxy: ``Balancer``), and
their RSS / CPU read from /proc."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(n: int, tries: int = 200) -> int:
    """The first of ``n`` consecutive free ports on 127.0.0.1 (the balancer's, its apps', its stats)."""
    rng = random.Random()
    for _ in range(tries):
        base = rng.randrange(20000, 60000 - n)
        socks = []
        try:
            for p in range(base, base + n):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError(f"no {n} consecutive free ports")


def server_env(env: dict | None) -> dict:
    e = dict(os.environ)
    if e.get("EBM_PREFETCH_OFF_FOR_PAGE_TESTS") == "1":  # set by tests/conftest.py, not by the
        e.pop("EBM_PREFETCH", None)                     # caller: a real server prefetches
    e.update(env or {})  # (a PYTHONPATH there comes after the project's root)
    e["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), e.get("PYTHONPATH", "")) if p)
    return e


class Server:
    """``python -m streamlit run app.py`` on 127.0.0.1 (own process group; ``stop`` ends it)."""

    def __init__(self, port: int | None = None, env: dict | None = None, app: str = "app.py"):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="load-streamlit-", suffix=".log", delete=False)
        e = server_env(env)
        cmd = [sys.executable, "-m", "streamlit", "run", app, "--server.port", str(self.port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false"]
        self.proc = subprocess.Popen(cmd, cwd=str(ROOT), env=e, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.proc.pid

    def wait_healthy(self, timeout: float = 60.0) -> float:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited ({self.proc.returncode}): {self.log_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - t0
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s: {self.log_text()}")

    def log_text(self, n: int = 3000) -> str:
        try:
            return Path(self.log.name).read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()
        try:
            os.unlink(self.log.name)
        except OSError:
            pass


class Balancer:
    """``python -m deploy.serve --processes K`` on 127.0.0.1 (HAProxy in front of K app processes);
    ``url`` is HAProxy's.  ``app_pids()`` / ``servers()`` read the launcher's run.json, which it
    rewrites when it restarts a process; ``kill(name)`` SIGKILLs one app process (a crash)."""

    def __init__(self, processes: int, env: dict | None = None):
        self.processes = processes
        self.port = free_ports(processes + 2)  # HAProxy, the apps, the stats page
        self.url = f"http://127.0.0.1:{self.port}"
        self.run_dir = Path(tempfile.mkdtemp(prefix="load-balancer-"))
        self.log = open(self.run_dir / "launcher.log", "wb")
        cmd = [sys.executable, "-m", "deploy.serve", "--processes", str(processes), "--port", str(self.port),
               "--address", "127.0.0.1", "--run-dir", str(self.run_dir)]
        self.proc = subprocess.Popen(cmd, cwd=str(ROOT), env=server_env(env), stdout=self.log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.proc.pid  # the launcher; the apps' pids: app_pids()
        self.killed: list[dict] = []

    def wait_healthy(self, timeout: float = 120.0) -> float:
        """Seconds until the launcher has written run.json (every app healthy, HAProxy listening)."""
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"deploy.serve exited ({self.proc.returncode}): {self.log_text()}")
            if (self.run_dir / "run.json").exists():
                return time.perf_counter() - t0
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"deploy.serve not ready after {timeout:.0f} s: {self.log_text()}")

    def info(self) -> dict:
        try:
            return json.loads((self.run_dir / "run.json").read_text())
        except (OSError, ValueError):
            return {}

    def servers(self) -> list[dict]:
        return self.info().get("servers", [])

    def app_pids(self) -> list[int]:
        return [s["pid"] for s in self.servers()]

    def haproxy_pid(self) -> int | None:
        return self.info().get("haproxy_pid")

    def stats(self) -> dict:
        """Per app process from HAProxy's stats CSV: state, open sessions now, sessions in all."""
        url = self.info().get("stats_url")
        try:
            with urllib.request.urlopen(url + ";csv", timeout=5) as r:
                rows = r.read().decode().splitlines()
        except (OSError, TypeError):
            return {}
        head = rows[0].lstrip("# ").split(",")
        out = {}
        for row in rows[1:]:
            d = dict(zip(head, row.split(",")))
            if d.get("pxname") == "app" and d.get("svname") not in ("FRONTEND", "BACKEND"):
                out[d["svname"]] = {"status": d["status"], "now": int(d["scur"] or 0), "total": int(d["stot"] or 0)}
        return out

    def kill(self, name: str) -> dict:
        s = next(x for x in self.servers() if x["name"] == name)
        os.kill(s["pid"], signal.SIGKILL)
        rec = {"name": name, "pid": s["pid"], "t": time.perf_counter()}
        self.killed.append(rec)
        return rec

    def log_text(self, n: int = 3000) -> str:
        parts = []
        for f in sorted(self.run_dir.glob("*.log")):
            parts.append(f"--- {f.name}\n" + f.read_text(errors="replace")[-n:])
        return "\n".join(parts)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the launcher stops HAProxy and its apps
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                for pid in self.app_pids() + [self.haproxy_pid()]:
                    try:
                        os.killpg(pid, signal.SIGKILL)
                    except (ProcessLookupError, TypeError):
                        pass
                self.proc.wait(timeout=10)
        self.log.close()
        shutil.rmtree(self.run_dir, ignore_errors=True)  # (the logs were read before: log_text)


def rss_mb(pid: int) -> float | None:
    """Resident set size (VmRSS) of ``pid`` in MB, from /proc/PID/status."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_s(pid: int) -> float | None:
    """utime + stime of ``pid`` in seconds, from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
        return (int(rest[11]) + int(rest[12])) / TICK  # fields 14 and 15 of stat
    except (OSError, IndexError, ValueError):
        return None


class Sampler:
    """Samples RSS and CPU every ``every`` s in a thread; ``mark(name)`` notes a moment.

    ``pid``: one pid, or a callable giving the pids now (the balancer's app processes): RSS is
    summed over the live ones, CPU over every pid seen (one that died keeps its last reading, so
    a killed process's work still counts and the total never goes down)."""

    def __init__(self, pid, every: float = 0.5):
        self.pids = pid if callable(pid) else (lambda: [pid] if pid else [])
        self.every = every
        self.samples: list[tuple[float, float | None, float | None, tuple]] = []  # (t, rss, cpu, loadavg)
        self.marks: dict[str, tuple[float, float | None, float | None]] = {}
        self._cpu_seen: dict[int, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self):
        pids = self.pids()
        if not pids:
            return time.perf_counter(), None, None, os.getloadavg()
        rss = [r for r in (rss_mb(p) for p in pids) if r is not None]
        with self._lock:
            for p in pids:
                c = cpu_s(p)
                if c is not None:
                    self._cpu_seen[p] = c
            cpu = sum(self._cpu_seen.values()) if self._cpu_seen else None
        return time.perf_counter(), (sum(rss) if rss else None), cpu, os.getloadavg()

    def _run(self):
        while not self._stop.is_set():
            self.samples.append(self._sample())
            self._stop.wait(self.every)

    def start(self):
        self._thread.start()
        return self

    def mark(self, name: str):
        s = self._sample()
        self.marks[name] = s[:3]
        return s

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)

    def between(self, a: str, b: str) -> dict:
        """Peak RSS, mean CPU (cores) and the busiest 2-s window between marks ``a`` and ``b``."""
        ta, tb = self.marks[a][0], self.marks[b][0]
        inside = [s for s in self.samples if ta <= s[0] <= tb]
        rss = [s[1] for s in inside if s[1] is not None] + [m[1] for m in (self.marks[a], self.marks[b]) if m[1]]
        out = {"peak_rss_mb": round(max(rss), 1) if rss else None}
        ca, cb = self.marks[a][2], self.marks[b][2]
        out["cpu_cores_mean"] = round((cb - ca) / (tb - ta), 3) if ca is not None and cb is not None and tb > ta else None
        peak = 0.0
        for i, s in enumerate(inside):
            j = i
            while j + 1 < len(inside) and inside[j][0] - s[0] < 2.0:
                j += 1
            if j > i and s[2] is not None and inside[j][2] is not None:
                peak = max(peak, (inside[j][2] - s[2]) / (inside[j][0] - s[0]))
        out["cpu_cores_peak_2s"] = round(peak, 3) if inside else None
        loads = [s[3][0] for s in inside]
        out["loadavg_1min_max"] = round(max(loads), 2) if loads else None
        return out
