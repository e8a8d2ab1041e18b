"""Message catalogs of a checkout: the same tool as ``rongtong i18n`` (core/i18n_catalogs.py).

    python scripts/i18n.py extract|update|compile|check [OWNER...]

OWNER is ``core`` or a plugin (built-in or installed); none means the core and every built-in plugin.
"""
from __future__ import annotations

import sys

from rongtong.core.errors import RongtongError
from rongtong.core.i18n_catalogs import COMMANDS, Owner, owners, problems, select

__all__ = ["Owner", "owners", "problems", "main"]  # what tests/core/test_translations.py uses


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        selected = select(argv[1:])
    except RongtongError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    result = COMMANDS[argv[0]](selected)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
