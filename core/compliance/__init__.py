"""The compliance report (issue 12 "Evidence a supervisor can print"; docs/compliance.md): for
every clause id of DB1302/T (``clauses.toml``, the ids of ../shared/spec/CLAUSES.md), the evidence
from live data in a period and where it comes from, or a gap.

* :mod:`.clauses` -- the clause list and which row an evidence's clause id belongs to;
* :mod:`.core_evidence` -- the core's own evidence (requests, onboarding, routing, notices, audit);
* :mod:`.declared` -- the declared services' and registers' ``clauses``;
* :mod:`.sources` -- every :class:`~core.contract.Evidence`: the core's, the hook
  ``register_evidence``'s and the declared services';
* :mod:`.report` -- :func:`build`, :func:`table`, :func:`write` (text, CSV, XLSX).

Used by ``rongtong report compliance`` (core/cli.py) and the admin page
``/admin/core/compliance/`` (core/web/admin/compliance.py).
"""
from __future__ import annotations

from .figures import text_of
from .report import NO_EVIDENCE, STATUS, Report, build, table, write

__all__ = ["NO_EVIDENCE", "STATUS", "Report", "build", "table", "text_of", "write"]
