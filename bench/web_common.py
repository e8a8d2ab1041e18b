"""Shared plumbing for the web benchmarks (issue 3 "5. Speed"): a large demo database, benchmark
users with API tokens, gunicorn and wrk on 127.0.0.1 pinned to cores, and the figures table in the
"## Web (issue 3)" section of docs/benchmarks.md.

Everything binds to 127.0.0.1. The database is built once by ``rongtong demo --size N --no-serve``
and kept (``--db PATH``) so that the other web benchmarks can reuse it.
"""
from __future__ import annotations

import datetime
import json
import os
import platform as _platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "benchmarks.md"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

BIN = Path(sys.executable).parent
RONGTONG = str(BIN / "rongtong")
GUNICORN = str(BIN / "gunicorn")
DEFAULT_DB = Path(tempfile.gettempdir()) / "rongtong-bench" / "web-100k.db"
SECRET = "bench-secret-key-not-for-production-0123456789"
PASSWORD = "bench-password-2026"
SECTION = "## Web (issue 3)"
SECTION_INTRO = """Figures from `bench/web_*.py` and `bench/demo_size.py` (run on demand; see bench/README.md).
gunicorn and wrk run on 127.0.0.1; "pinned" means `taskset -c 0` for the server and `taskset -c 1`
for wrk. The machine's 2 cores are shared with other work, so figures vary between runs; the load
average at the time is given with each figure. The table keeps the last run of each row.

| measurement | figure | target | result | date (UTC) | machine |
|---|---|---|---|---|---|
"""


# --- The database ---------------------------------------------------------------------------------

def config_text(db_path: Path) -> str:
    from rongtong.core.setup import installed_builtin_plugins

    plugins = ", ".join(f'"{p}"' for p in installed_builtin_plugins())
    attachments = db_path.parent / "attachments"
    return (f'[site]\nsecret_key = "{SECRET}"\nhttps = false\n\n[database]\nurl = "sqlite:///{db_path}"\n\n'
            f'[attachments]\ndirectory = "{attachments}"\n\n[plugins]\nenabled = [{plugins}]\n')


def build_database(db_path: Path, size: int) -> float:
    """``rongtong demo --size N --no-serve`` into ``db_path``; returns wall seconds."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RONGTONG_")}
    start = time.perf_counter()
    subprocess.run([RONGTONG, "demo", "--size", str(size), "--no-serve", "--database", str(db_path)],
                   cwd=db_path.parent, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def prepare(db_path: Path, size: int = 100_000) -> dict:
    """The database (built if missing), its config file, and benchmark users with API tokens:
    ``staff`` (role staff), ``ent`` (enterprise user of enterprise 1), ``admin``. Returns
    ``{"config": path, "tokens": {...}, "users": {...}, "enterprise_id": 1}``."""
    db_path = Path(db_path).resolve()
    if not db_path.exists():
        print(f"building {db_path} (N={size:,}) ...", flush=True)
        print(f"built in {build_database(db_path, size):.0f} s", flush=True)
    cfg = db_path.with_suffix(".toml")
    cfg.write_text(config_text(db_path), encoding="utf-8")
    cache = db_path.with_suffix(".tokens.json")
    if cache.exists():
        return json.loads(cache.read_text())
    from rongtong.core.config import load_config
    from rongtong.core.models import Enterprise, User
    from rongtong.core.platform import Platform
    from rongtong.core.web.tokens import issue_token

    platform = Platform(load_config(cfg))
    platform.upgrade()
    ent = Enterprise.select().order_by(Enterprise.id).first()
    out = {"config": str(cfg), "tokens": {}, "users": {}, "enterprise_id": ent.id}
    for name, roles, extra in (("bench-staff", ["staff"], {}), ("bench-ent", ["enterprise"], {"enterprise": ent}),
                               ("bench-admin", ["admin"], {})):
        user = User.get_or_none(User.username == name)
        if user is None:
            user = User(username=name, display_name=name, roles=roles, **extra)
            user.set_password(PASSWORD)
            user.save()
        key = name.split("-")[1]
        out["users"][key] = name
        out["tokens"][key] = issue_token(user, "bench")
    platform.db.close()
    cache.write_text(json.dumps(out))
    return out


# --- Servers and load -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server subprocess on 127.0.0.1 (optionally pinned with taskset); stops on exit."""

    def __init__(self, argv, env=None, cpus=None, log=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        argv = [a.replace("{port}", str(self.port)) for a in argv]
        if cpus is not None and shutil.which("taskset"):
            argv = ["taskset", "-c", cpus] + argv
        self.log_path = log or tempfile.mktemp(suffix=".log")
        self.log = open(self.log_path, "w")
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("RONGTONG_")}
        full_env.update(env or {})
        full_env["PYTHONPATH"] = str(REPO)
        self.proc = subprocess.Popen(argv, env=full_env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait(self, path="/", timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {Path(self.log_path).read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.url + path, timeout=5).read()
                return self
            except urllib.error.HTTPError:
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"server did not answer on {self.url}")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        pids = [int(p) for p in out.split()]
        # with taskset the gunicorn master is our child's child only if taskset forks; it execs
        return pids

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def gunicorn(config_path, workers=1, cpus=None, log=None, extra=()) -> Server:
    """gunicorn serving the real app (``core.serving:wsgi_app()``) with ``workers`` sync workers."""
    return Server([GUNICORN, "-w", str(workers), "-b", "127.0.0.1:{port}", "--log-level", "warning",
                   *extra, "rongtong.core.serving:wsgi_app()"],
                  env={"RONGTONG_CONFIG": str(config_path)}, cpus=cpus, log=log)


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text.strip())
    return float(m.group(1)) * _UNITS[m.group(2)]


def wrk(url, headers=(), connections=16, seconds=10, threads=1, cpus="1", script=None) -> dict:
    """Run wrk (pinned to ``cpus``); returns ``{"rps", "p50", "p99", "requests", "non2xx", "errors", "out"}``."""
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for h in headers:
        argv += ["-H", h]
    if script:
        argv += ["-s", script]
    argv.append(url)
    if cpus is not None and shutil.which("taskset"):
        argv = ["taskset", "-c", cpus] + argv
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-2000:]}{done.stdout[-2000:]}")
    out = done.stdout
    res = {"out": out, "stderr": done.stderr, "non2xx": 0, "errors": 0}
    res["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    res["requests"] = int(re.search(r"(\d+) requests in", out).group(1))
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
        res[f"p{pct}"] = _ms(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    res["errors"] = sum(int(x) for x in m.groups()) if m else 0
    return res


def rss_kb(pid: int) -> dict:
    """VmRSS and VmHWM (peak) of a process, in kB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f}"


# --- The figures ----------------------------------------------------------------------------------

def machine() -> str:
    cpu = _platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores (shared), Python {_platform.python_version()}"


def record(name: str, figure: str, target: str, passed: bool | None, section: str = SECTION,
           intro: str = SECTION_INTRO) -> None:
    """Add or replace row ``name`` in the ``section`` ("## Web (issue 3)" by default) of
    docs/benchmarks.md, touching nothing outside that section (other benchmarks own the rest of the
    file). ``intro`` is the section's text up to its table's header (used when it is new)."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if section in text:
        start = text.index(section)
        nxt = text.find("\n## ", start + len(section))
        end = len(text) if nxt < 0 else nxt + 1
        before, body, after = text[:start], text[start:end], text[end:]
    else:
        before, body, after = text.rstrip("\n") + "\n\n", "", ""
    rows = {}
    lines = body.splitlines()
    last = -1
    for i, line in enumerate(lines):
        m = re.match(r"^\| (?!measurement|---)(.+?) \|", line)
        if m:
            rows[m.group(1)] = line
            last = i
    notes = "\n".join(lines[last + 1:]).strip("\n") if last >= 0 else ""  # kept: text after the table
    result = "n/a" if passed is None else ("pass" if passed else "**FAIL**")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    rows[name] = f"| {name} | {figure} | {target} | {result} | {stamp} | {machine()} |"
    block = f"{section}\n\n{intro}" + "\n".join(rows.values()) + "\n" + (f"\n{notes}\n" if notes else "")
    DOC.write_text(before + block + (("\n" + after) if after else ""), encoding="utf-8")
    print(f"{name}: {figure} (target {target}) {result}", flush=True)
