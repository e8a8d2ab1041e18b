"""Where a key of a TOML file is written: so a problem with a declaration names ``file:line``.

:mod:`tomllib` parses a file into plain values and forgets positions. :func:`key_lines` reads the
text once more, line by line, and maps each key path to the line that defines it::

    [service]            -> ("service",): 1
    key = "legal"        -> ("service", "key"): 2
    [[steps]]            -> ("steps",): 4, ("steps", 0): 4
    [[steps.fields]]     -> ("steps", 0, "fields", 0): 7

Array-of-tables elements are numbered as :mod:`tomllib` numbers them. A value spanning several
lines (a multi-line array or string) is located at its key; :func:`line_of` answers the nearest
enclosing key for a path inside such a value. The file has already parsed, so the reader may be
simple: it never has to report a syntax error.
"""
from __future__ import annotations

import re

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _split_key(text: str) -> list[str]:
    """``a."b.c".d`` -> ``["a", "b.c", "d"]``."""
    parts, i, text = [], 0, text.strip()
    while i < len(text):
        ch = text[i]
        if ch in " \t.":
            i += 1
            continue
        if ch in "\"'":
            end = text.index(ch, i + 1)
            parts.append(text[i + 1:end])
            i = end + 1
            continue
        match = _BARE.match(text, i)
        if not match:
            break
        parts.append(match.group(0))
        i = match.end()
    return parts


def _strip_comment(line: str) -> str:
    """The line without its ``#`` comment (a ``#`` inside a string is kept)."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == "\\" and quote == '"':
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def _balance(text: str) -> int:
    """Open brackets minus closed ones outside strings."""
    depth, quote, escape = 0, None, False
    for ch in text:
        if quote:
            if escape:
                escape = False
            elif ch == "\\" and quote == '"':
                escape = True
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return depth


def key_lines(text: str) -> dict[tuple, int]:
    """``{key path: line number (1-based)}`` for every table header and key of ``text``."""
    lines: dict[tuple, int] = {}
    arrays: dict[tuple, int] = {}  # full path of an array of tables -> elements seen
    table: tuple = ()
    pending_depth, pending_string = 0, None
    for number, raw in enumerate(text.splitlines(), start=1):
        if pending_string:
            if pending_string in raw:
                pending_string = None
            continue
        line = _strip_comment(raw).strip()
        if pending_depth > 0:
            pending_depth += _balance(line)
            continue
        if not line:
            continue
        if line.startswith("[["):
            parts = _split_key(line[2:line.rindex("]]")])
            parent = _resolve(parts[:-1], arrays)
            path = parent + (parts[-1],)
            arrays[path] = arrays.get(path, 0) + 1
            table = path + (arrays[path] - 1,)
            lines.setdefault(path, number)
            lines[table] = number
            continue
        if line.startswith("["):
            table = _resolve(_split_key(line[1:line.rindex("]")]), arrays)
            lines.setdefault(table, number)
            continue
        if "=" not in line:
            continue
        key_text, _, value = line.partition("=")
        path = table + tuple(_split_key(key_text))
        lines.setdefault(path, number)
        value = value.strip()
        for marker in ('"""', "'''"):
            if value.startswith(marker) and value.count(marker) == 1:
                pending_string = marker
        if not pending_string:
            pending_depth = _balance(value)
    return lines


def _resolve(parts: list[str], arrays: dict[tuple, int]) -> tuple:
    """A dotted header's path, with the current element's index after every array of tables."""
    path: tuple = ()
    for part in parts:
        path += (part,)
        if path in arrays:
            path += (arrays[path] - 1,)
    return path


def line_of(lines: dict[tuple, int], path: tuple) -> int:
    """The line of ``path``, or of its nearest enclosing key that has one (1 when none)."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 1
