"""Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters of a 31-symbol alphabet,
checked in full (issue 2 §3, issue 12; DB1302 6.1 enterprise register, 4.4.4 onboarding): position 1
the registration authority, 2 an organisation type of that authority, 3–8 an administrative division
(GB/T 2260), 9–17 the organisation code with its own check (GB 11714), 18 the overall check."""
from __future__ import annotations

import pytest

from rongtong.core.creditcode import (ALPHABET, check_character, credit_code_for, credit_code_problem, is_valid_credit_code,
                                      make_credit_code, org_check_character)

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
    ("914403001922038217", "Position 18: check digit does not match"),
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


# --- every part of the code (issue 12) -------------------------------------------------------------

def test_the_organisation_code_check_of_gb_11714():
    # 19220382-1 and 71526726-X are the organisation codes inside two of the REAL codes.
    assert org_check_character("19220382") == "1"
    assert org_check_character("71526726") == "X"
    # Letters count A=10 ... W=32: M·3 + A·7 + 5·9 + D·10 + A·5 + 0·8 + B·4 + W·2 = 469, 469 mod 11 = 7.
    assert org_check_character("MA5DA0BW") == "4"


@pytest.mark.parametrize("prefix, division, meaning", [
    ("91", "440300", "an enterprise registered in Shenzhen (工商, 企业)"),
    ("92", "130100", "an individual business in Shijiazhuang (工商, 个体工商户)"),
    ("93", "130600", "a farmers' cooperative in Baoding (工商, 农民专业合作社)"),
    ("11", "100000", "a central government body (机构编制, 机关)"),
    ("12", "130000", "a public institution of Hebei (机构编制, 事业单位)"),
    ("51", "110000", "a social organisation (民政, 社会团体)"),
    ("52", "310000", "a private non-enterprise unit (民政, 民办非企业单位)"),
    ("53", "440000", "a foundation (民政, 基金会)"),
    ("31", "110105", "a law firm (司法行政, 律师执业机构)"),
    ("81", "330100", "a grassroots trade union (工会)"),
    ("N2", "130602", "a village collective economic organisation (农业)"),
    ("Y1", "650100", "another registration authority"),
])
def test_codes_of_every_kind_of_organisation_are_valid(prefix, division, meaning):
    code = credit_code_for(1234567, division, prefix)
    assert credit_code_problem(code) is None, meaning
    assert code[:8] == prefix + division and code[8:17] == "012345671"  # 153 mod 11 = 10: check 1


def _with_check(body17: str) -> str:
    """Only the rule under test fails: the 18th character is made right."""
    return make_credit_code(body17)


@pytest.mark.parametrize("code, problem", [
    (_with_check("B1110000192203821"), "Position 1 (registration authority code) B"),
    (_with_check("W1110000192203821"), "Position 1 (registration authority code) W"),
    (_with_check("94110000192203821"), "Position 2 (organisation type code) 4 does not match the registration authority 9"),
    (_with_check("56110000192203821"), "Position 2 (organisation type code) 6 does not match the registration authority 5"),
    (_with_check("Y2110000192203821"), "allowed: 1"),
    (_with_check("9111000A192203821"), "Positions 3–8 (administrative division code) must be six digits"),
    (_with_check("91990000192203821"), "Positions 3–8 (administrative division code) 990000"),
    (_with_check("91100100192203821"), "Positions 3–8"),  # 10xxxx is only 100000, the national level
    (_with_check("91440300192203822"), "Positions 9–17 (organisation code)"),
    (_with_check("9144030019220382A"), "Position 17 (check character of the organisation code) must be 0–9 or X"),
    ("914403001922038210", "Position 18: check digit does not match"),
])
def test_each_broken_rule_is_named_by_its_position(code, problem):
    assert problem in credit_code_problem(code)


def test_messages_are_translated(platform):
    from rongtong.core.i18n import site_language

    with site_language(platform, "zh_Hans_CN"):
        assert credit_code_problem(_with_check("94110000192203821")) == \
            "第 2 位机构类别代码 4 与登记管理部门 9 不符（允许：1, 2, 3）"
        assert credit_code_problem("914403001922038210") == "第 18 位校验码不符（GB 32100-2015）"
    with site_language(platform, "en"):
        assert credit_code_problem(_with_check("91440300192203822")).startswith("Positions 9–17")


def test_the_generator_makes_distinct_codes_valid_in_full():
    codes = {credit_code_for(i) for i in range(0, 3000, 7)} | {credit_code_for(i, "130000") for i in range(5000)}
    assert len(codes) == 429 + 5000
    assert all(is_valid_credit_code(c) for c in codes)
    with pytest.raises(ValueError):
        credit_code_for(10 ** 8)
    with pytest.raises(ValueError, match="Position 2"):
        credit_code_for(1, prefix="95")
