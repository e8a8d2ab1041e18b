"""Unified social credit code (统一社会信用代码), GB 32100-2015, checked in full.

18 characters from the 31-symbol alphabet below (no I, O, Z, S, V):

====== ==================================================================================
1      registration authority code (登记管理部门代码), :data:`AUTHORITIES`
2      organisation type code (机构类别代码), one of those valid for the authority
3–8    administrative division code of the registering office (GB/T 2260): six digits
       starting with a province code of :data:`PROVINCES`, or 100000 (national bodies)
9–17   organisation code (组织机构代码, GB 11714): eight characters and a check character
       (weights 3, 7, 9, 10, 5, 8, 4, 2 mod 11; 0–9 or X)
18     check character over the first 17 with weights 3^i mod 31
====== ==================================================================================

:func:`credit_code_problem` names the first rule broken, translated through gettext (a message in
the current request's language, English ids otherwise).
"""
from __future__ import annotations

from rongtong.core.i18n import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714

# Registration authority -> organisation types valid for it (GB 32100-2015 Annex A as amended:
# N rural collective economic organisations, A military institutions).
AUTHORITIES = {
    "1": "1239",     # 机构编制: 机关, 事业单位, 编办直管群众团体, 其他
    "2": "19",       # 外交: 外国常驻新闻机构, 其他
    "3": "123459",   # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",       # 文化: 外国在华文化中心, 其他
    "5": "1239",     # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",      # 旅游: 外国/港澳台旅游部门常驻代表机构, 其他
    "7": "129",      # 宗教: 宗教活动场所, 宗教院校, 其他
    "8": "19",       # 工会: 基层工会, 其他
    "9": "123",      # 工商 (市场监管): 企业, 个体工商户, 农民专业合作社
    "A": "19",       # 中央军委改革和编制办公室: 军队事业单位, 其他
    "N": "1239",     # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",        # 其他
}
# Province-level codes of GB/T 2260 (the first two digits of a division code).
PROVINCES = frozenset((
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 "
    "71 81 82").split())
NATIONAL_DIVISION = "100000"


def check_character(body: str) -> str:
    """The check character (position 18) for the first 17 characters ``body``."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(body, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_character(body: str) -> str:
    """The GB 11714 check character for the eight characters ``body`` of an organisation code."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, ORG_WEIGHTS))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def division_problem(division: str) -> str | None:
    """None if ``division`` (positions 3–8) is a plausible GB/T 2260 code, else the message."""
    if not division.isdigit():
        return _("Positions 3–8 (administrative division code) must be six digits")
    if division != NATIONAL_DIVISION and division[:2] not in PROVINCES:
        return _("Positions 3–8 (administrative division code) %(code)s do not start with a province code of "
                 "GB/T 2260", code=division)
    return None


def credit_code_problem(code: str) -> str | None:
    """None if ``code`` is a valid credit code, else the first rule broken, naming the position
    (for form and API messages)."""
    if not isinstance(code, str) or len(code) != 18:
        return _("must be 18 characters")
    code = code.upper()
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        return _("contains characters not allowed in a credit code: %(chars)s", chars="".join(bad))
    authority, kind = code[0], code[1]
    if authority not in AUTHORITIES:
        return _("Position 1 (registration authority code) %(char)s is not a registration authority of "
                 "GB 32100", char=authority)
    if kind not in AUTHORITIES[authority]:
        return _("Position 2 (organisation type code) %(char)s does not match the registration authority "
                 "%(authority)s (allowed: %(allowed)s)", char=kind, authority=authority,
                 allowed=", ".join(AUTHORITIES[authority]))
    problem = division_problem(code[2:8])
    if problem:
        return problem
    if code[16] not in "0123456789X":
        return _("Position 17 (check character of the organisation code) must be 0–9 or X")
    if org_check_character(code[8:16]) != code[16]:
        return _("Positions 9–17 (organisation code): its check character does not match (GB 11714)")
    if check_character(code[:17]) != code[17]:
        return _("Position 18: check digit does not match (GB 32100-2015)")
    return None


def is_valid_credit_code(code: str) -> bool:
    return credit_code_problem(code) is None


def make_credit_code(body: str) -> str:
    """Complete 17 characters into a code with the right 18th character (positions 1–17 are not
    checked here: use :func:`credit_code_for` for a code valid in full)."""
    body = body.upper()
    if len(body) != 17 or any(ch not in ALPHABET for ch in body):
        raise ValueError("body must be 17 characters of the credit-code alphabet")
    return body + check_character(body)


def credit_code_for(serial: int | str, division: str = "110000", prefix: str = "91") -> str:
    """A code valid under every rule: ``prefix`` (authority and type, default 91: an enterprise
    registered by market regulation), ``division`` (positions 3–8) and an organisation code made of
    ``serial`` (a number below 10^8, zero-padded, or eight characters of the alphabet) with its check."""
    body = f"{serial:08d}" if isinstance(serial, int) else str(serial).upper()
    if isinstance(serial, int) and not 0 <= serial < 10 ** 8:
        raise ValueError("serial must be between 0 and 99999999")
    if len(body) != 8 or any(ch not in ALPHABET for ch in body):
        raise ValueError("serial must be eight characters of the credit-code alphabet")
    code = make_credit_code(prefix + division + body + org_check_character(body))
    problem = credit_code_problem(code)
    if problem:
        raise ValueError(problem)
    return code

