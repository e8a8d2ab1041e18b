"""Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters of a 31-symbol alphabet,
the last a check character (issue 2 §3, DB1302 6.1 enterprise register)."""
from __future__ import annotations

import pytest

from rongtong.core.creditcode import ALPHABET, check_character, credit_code_problem, is_valid_credit_code, make_credit_code

# Codes published by the enterprises themselves (business licences).
REAL = ["914403001922038216", "9144030071526726XG", "91330100716105852F"]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_are_valid(code):
    assert credit_code_problem(code) is None and is_valid_credit_code(code)
    assert is_valid_credit_code(code.lower())  # letters may be typed in lower case


@pytest.mark.parametrize("code", REAL)
def test_any_single_changed_character_is_caught(code):
    for i in range(18):
        for ch in ALPHABET:
            if ch != code[i]:
                changed = code[:i] + ch + code[i + 1:]
                assert not is_valid_credit_code(changed), changed


@pytest.mark.parametrize("code, problem", [
    ("", "must be 18 characters"),
    ("91440300192203821", "must be 18 characters"),
    ("9144030019220382160", "must be 18 characters"),
    ("9144030019220382I6", "not allowed in a credit code: I"),
    ("91440300192203OZS6", "not allowed in a credit code: OSZ"),
    ("914403001922038217", "check digit does not match"),
    (None, "must be 18 characters"),
])
def test_problems_are_named(code, problem):
    assert problem in credit_code_problem(code)


def test_make_credit_code_completes_a_body():
    assert make_credit_code("91440300192203821") == "914403001922038216"
    assert check_character("9144030071526726X") == "G"
    with pytest.raises(ValueError):
        make_credit_code("9144030019220382")  # 16 characters
    with pytest.raises(ValueError):
        make_credit_code("9144030019220382O")  # O is not in the alphabet
