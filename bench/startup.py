"""Start-up times (issue 2 "Speed"): `rongtong --help` at most 0.5 s; building the app with every
plugin enabled at most 1.5 s. Each figure is the best of several runs of a fresh interpreter (what an
operator or a starting worker sees), so a busy moment on a shared machine does not decide it.

    python bench/startup.py [--runs 5]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import REPO, record  # noqa: E402  (puts the repository on sys.path)

HELP_TARGET_S = 0.5
APP_TARGET_S = 1.5
RONGTONG = str(Path(sys.executable).parent / "rongtong")

BUILD_APP = """
import time
start, cpu = time.perf_counter(), time.process_time()
from rongtong.core.config import load_config
from rongtong.core.web.app import create_app
app = create_app(load_config())
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
import json
print(json.dumps({"seconds": elapsed, "cpu": cpu, "plugins": sorted(app.extensions["rongtong"].registry.plugins),
                  "rules": len(list(app.url_map.iter_rules()))}))
"""


def env_for(workdir: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RONGTONG_")}
    env["PYTHONPATH"] = str(REPO)
    return env


def best_of(runs: int, command: list[str], workdir: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of the fastest of ``runs`` runs."""
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(command, cwd=workdir, env=env_for(workdir), capture_output=True, text=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append((wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime))
        if result.returncode != 0:
            sys.exit(f"{' '.join(command)} failed: {result.stderr.strip()}")
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from rongtong.core.setup import installed_builtin_plugins

    plugins = installed_builtin_plugins()
    load = f"load average {os.getloadavg()[0]:.1f}"

    bare = tempfile.mkdtemp()
    seconds, cpu = best_of(args.runs, [RONGTONG, "--help"], bare)
    record("`rongtong --help`, no config file", f"{seconds:.2f} s (CPU {cpu:.2f} s; {load})", f"<= {HELP_TARGET_S} s",
           seconds <= HELP_TARGET_S)

    site = tempfile.mkdtemp()
    Path(site, "rongtong.toml").write_text(f'[site]\nsecret_key = "bench"\n[plugins]\nenabled = {json.dumps(plugins)}\n',
                                           encoding="utf-8")
    upgrade = subprocess.run([RONGTONG, "db", "upgrade"], cwd=site, env=env_for(site), capture_output=True, text=True)
    if upgrade.returncode != 0:
        sys.exit(f"rongtong db upgrade failed: {upgrade.stderr.strip()}")
    seconds, cpu = best_of(args.runs, [RONGTONG, "--help"], site)
    record(f"`rongtong --help`, {len(plugins)} plugins enabled", f"{seconds:.2f} s (CPU {cpu:.2f} s; {load})",
           f"<= {HELP_TARGET_S} s", seconds <= HELP_TARGET_S)

    inner = []
    for _ in range(args.runs):
        result = subprocess.run([sys.executable, "-c", BUILD_APP], cwd=site, env=env_for(site), capture_output=True,
                                text=True)
        if result.returncode != 0:
            sys.exit(f"building the app failed: {result.stderr.strip()[-2000:]}")
        inner.append(json.loads(result.stdout.strip().splitlines()[-1]))
    fastest = min(inner, key=lambda r: r["seconds"])
    built = [p for p in fastest["plugins"] if p != "core"]
    record(f"build the app (create_app), {len(built)} plugins enabled",
           f"{fastest['seconds']:.2f} s (CPU {fastest['cpu']:.2f} s; {fastest['rules']} URL rules; {load})",
           f"<= {APP_TARGET_S} s",
           fastest["seconds"] <= APP_TARGET_S)
    print("plugins:", ", ".join(built))


if __name__ == "__main__":
    main()
