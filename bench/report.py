"""Write benchmark figures into docs/benchmarks.md (one row per measurement, replaced on re-run).

Only the first table (the core's) is rewritten; every section after it ("## Notes", other
benchmarks' sections) is kept as it is."""
from __future__ import annotations

import datetime
import os
import platform
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "benchmarks.md"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

HEADER = """# Benchmarks

Figures from `bench/` (run on demand, not part of the test suite):

    python bench/transitions.py     # transitions/s through the engine, audit chain on (SQLite, PostgreSQL)
    python bench/audit_verify.py    # `rongtong audit verify` over 1,000,000 events
    python bench/startup.py         # `rongtong --help`; building the app with every plugin enabled

Each run replaces its own rows. Targets are from issue 2 ("Speed"). The machine is shared, so figures
vary from run to run; the table keeps the last run.

| measurement | figure | target | result | date (UTC) | machine |
|---|---|---|---|---|---|
"""


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def record(name: str, figure: str, target: str, passed: bool | None) -> None:
    """Add or replace the row ``name`` in docs/benchmarks.md and print it."""
    rows = {}
    rest = ""
    if DOC.exists():
        text = DOC.read_text(encoding="utf-8")
        cut = text.find("\n## ", len("# Benchmarks"))  # our table ends at the next section
        ours, rest = (text, "") if cut < 0 else (text[:cut], text[cut:])
        for line in ours.splitlines():
            m = re.match(r"^\| (?!measurement|---)(.+?) \|", line)
            if m:
                rows[m.group(1)] = line
    result = "n/a" if passed is None else ("pass" if passed else "**FAIL**")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    rows[name] = f"| {name} | {figure} | {target} | {result} | {stamp} | {machine()} |"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(HEADER + "\n".join(rows.values()) + "\n" + rest, encoding="utf-8")
    print(f"{name}: {figure} (target {target}) {result}")
