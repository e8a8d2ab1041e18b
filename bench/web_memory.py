"""Memory of one gunicorn worker with every plugin loaded (issue 3 "5. Speed": under 150 MB RSS).

    python bench/web_memory.py [--db PATH] [--size 100000] [--rounds 3]

Starts gunicorn with one worker and every built-in plugin enabled, warms it up with API, admin,
portal and documentation pages (as a staff user, an enterprise user and anonymously, several rounds),
then reads the worker's VmRSS (and peak VmHWM) from /proc/<pid>/status.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import time
import urllib.request
from pathlib import Path

from web_admin import login, timed
from web_common import DEFAULT_DB, gunicorn, load, prepare, record, rss_kb

TARGET_MB = 150.0


def api_paths(app_url, token) -> list[str]:
    spec = json.loads(urllib.request.urlopen(app_url + "/api/v1/openapi.json").read())
    paths = [p for p, ops in spec["paths"].items() if "get" in ops and "{" not in p]
    return ["/api/v1" + p if not p.startswith("/api/") else p for p in paths]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(DEFAULT_DB))
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip", action="append", default=[], help="an admin page to leave out")
    args = parser.parse_args()
    info = prepare(Path(args.db).resolve(), args.size)
    with gunicorn(info["config"], workers=1) as app:
        app.wait("/login")
        pids = subprocess.run(["pgrep", "-P", str(app.proc.pid)], capture_output=True, text=True).stdout.split()
        worker = int(pids[0])
        start = rss_kb(worker)
        staff = login(app.url, info["users"]["staff"])
        admin_pages = ["/admin/", "/admin/core/servicerequest/", "/admin/core/enterprise/", "/admin/core/request/1",
                       "/admin/core/transition/", "/admin/core/user/"]
        html = staff.open(app.url + "/admin/").read().decode()
        admin_pages += sorted(set(h for h in re.findall(r'href="(/admin/[a-z_]+/[a-z_]+/)"', html)))
        skipped = args.skip
        admin_pages = [p for p in dict.fromkeys(admin_pages) if p not in skipped]
        slow, peaks = {}, {}
        api = api_paths(app.url, info["tokens"]["staff"])
        statuses = {}
        for _round in range(args.rounds):
            for path in admin_pages:
                before = rss_kb(worker)["VmHWM"]
                ms, status, _body = timed(staff, app.url + path)
                statuses[status] = statuses.get(status, 0) + 1
                grew = rss_kb(worker)["VmHWM"] - before
                if grew > 20 * 1024:
                    peaks[path] = max(peaks.get(path, 0), grew)
                    print(f"peak memory grew by {grew / 1024:.0f} MB on {path}", flush=True)
                if ms > 1000 or status >= 500:
                    slow[path] = max(slow.get(path, 0), ms)
                    print(f"slow or failing admin page: {path} {status} {ms:.0f} ms", flush=True)
            for who in ("staff", "ent"):
                for path in api + ["/api/v1/requests/1", "/api/v1/requests/1/transitions", "/api/v1/docs", "/"]:
                    req = urllib.request.Request(app.url + path, headers={"Authorization": f"Bearer {info['tokens'][who]}"})
                    before = rss_kb(worker)["VmHWM"]
                    try:
                        status = urllib.request.urlopen(req, timeout=60).status
                    except urllib.error.HTTPError as exc:
                        status = exc.code
                    grew = rss_kb(worker)["VmHWM"] - before
                    if grew > 20 * 1024:
                        peaks[path] = max(peaks.get(path, 0), grew)
                        print(f"peak memory grew by {grew / 1024:.0f} MB on {path}", flush=True)
                    statuses[status] = statuses.get(status, 0) + 1
        time.sleep(0.5)
        now = subprocess.run(["pgrep", "-P", str(app.proc.pid)], capture_output=True, text=True).stdout.split()
        if now != pids:
            raise SystemExit(f"the worker was replaced during warm-up ({pids} -> {now}); see {app.log_path}")
        mem = rss_kb(worker)
    pages = sum(statuses.values())
    print(f"worker {worker}: start {start}, after {pages} requests {mem}; statuses {statuses}")
    rss_mb, hwm_mb = mem["VmRSS"] / 1024, mem["VmHWM"] / 1024
    record("memory: one gunicorn worker, every plugin loaded, after warm-up",
           f"VmRSS {rss_mb:.0f} MB (peak VmHWM {hwm_mb:.0f} MB; {start['VmRSS'] / 1024:.0f} MB before the first "
           f"request; {pages} requests over {len(admin_pages)} admin pages and {len(api) + 4} API/portal paths "
           f"on {args.size * 10:,} requests; left out: {', '.join(skipped) or 'none'})",
           f"< {TARGET_MB:.0f} MB", hwm_mb < TARGET_MB)
    grown = "; ".join(f"`{p}` +{kb / 1024:.0f} MB" for p, kb in sorted(peaks.items(), key=lambda kv: -kv[1]))
    record(f"pages raising one worker's peak memory by more than 20 MB at {args.size * 10:,} requests",
           grown or "none", "reported", None)
    shown = "; ".join(f"`{p}` {ms / 1000:.1f} s" for p, ms in sorted(slow.items(), key=lambda kv: -kv[1]))
    record(f"admin pages slower than 1 s at {args.size * 10:,} requests (memory warm-up, staff user)",
           shown or "none", "reported", None)


if __name__ == "__main__":
    main()
