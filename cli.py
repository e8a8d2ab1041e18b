"""Run the ``rongtong`` command from a checkout without installing: ``python cli.py --help``.

The command itself lives in :mod:`rongtong.core.cli`; the installed console script points there.
"""
from rongtong.core.cli import main

if __name__ == "__main__":
    main()
