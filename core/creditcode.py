"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from the 31-symbol alphabet below (no I, O, Z, S, V); the 18th is a check character
over the first 17 with weights 3^i mod 31.
"""
from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(body: str) -> str:
    """The check character for the first 17 characters ``body``."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(body, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None if ``code`` is a valid credit code, else a short reason (for form and API messages)."""
    if not isinstance(code, str) or len(code) != 18:
        return "must be 18 characters"
    code = code.upper()
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        return f"contains characters not allowed in a credit code: {''.join(bad)}"
    if check_character(code[:17]) != code[17]:
        return "check digit does not match (GB 32100-2015)"
    return None


def is_valid_credit_code(code: str) -> bool:
    return credit_code_problem(code) is None


def make_credit_code(body: str) -> str:
    """Complete 17 characters into a valid code (used by the demo and tests)."""
    body = body.upper()
    if len(body) != 17 or any(ch not in ALPHABET for ch in body):
        raise ValueError("body must be 17 characters of the credit-code alphabet")
    return body + check_character(body)
