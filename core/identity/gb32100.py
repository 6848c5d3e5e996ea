"""Unified social credit codes of organisations (统一社会信用代码), GB 32100-2015.

18 characters from ``CHARSET`` (a character's value is its index): 1 registration authority
(e.g. 9 = market regulation), 2 organisation type (e.g. 1 = enterprise), 3–8 the area code of
the registering authority, 9–17 the organisation code (GB 11714, whose own check character is
not enforced here) and 18 the check character: weights 3^i mod 31 over the first 17,
check = 31 − (sum mod 31), with 31 written as 0.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from core.errors import InvalidInput

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = tuple(3**i % 31 for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, ...
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714, used only to make realistic codes


@dataclass(frozen=True)
class CreditCode:
    code: str  # normalised to upper case
    authority: str
    org_type: str
    area_code: str


def credit_code_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    if len(first17) != 17 or any(c not in _VALUE for c in first17):
        raise InvalidInput(f"the check character is computed over 17 characters of {CHARSET}")
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def parse_credit_code(code: str) -> CreditCode:
    """Validate ``code`` and split it into its parts; InvalidInput says what is wrong."""
    if not isinstance(code, str):
        raise InvalidInput("the unified social credit code must be text")
    if len(code) != 18:
        raise _invalid(f"must be 18 characters long, not {len(code)}")
    code = "".join(c.upper() if c.isascii() else c for c in code)
    for i, c in enumerate(code, start=1):
        if c not in _VALUE:
            raise _invalid(
                f"character {i} ({c!r}) is not allowed; use digits and "
                "capital letters except I, O, S, V and Z"
            )
    for i, c in enumerate(code[2:8], start=3):
        if not c.isdigit():
            raise _invalid(f"character {i} ({c!r}) must be a digit: 3–8 are the area code")
    if credit_code_check_char(code[:17]) != code[17]:
        raise _invalid("the check character (character 18) does not match: one is mistyped")
    return CreditCode(code, code[0], code[1], code[2:8])


def is_valid_credit_code(code: str) -> bool:
    try:
        parse_credit_code(code)
    except InvalidInput:
        return False
    return True


def make_credit_code(
    rng: random.Random, area_code: str, authority: str = "9", org_type: str = "1"
) -> str:
    """A valid code drawn from ``rng`` (same rng state → same code).

    The organisation code is eight random digits and its GB 11714 check character.
    """
    if len(area_code) != 6 or not (area_code.isascii() and area_code.isdigit()):
        raise InvalidInput(f"area code {area_code!r} must be 6 digits")
    for name, value in (("authority", authority), ("org_type", org_type)):
        if len(value) != 1 or value not in _VALUE:
            raise InvalidInput(f"{name} {value!r} must be one character of {CHARSET}")
    body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = authority + org_type + area_code + body + _org_check_char(body)
    return first17 + credit_code_check_char(first17)


def _org_check_char(body: str) -> str:
    """GB 11714 check character of an all-digit organisation code body."""
    check = 11 - sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _invalid(problem: str) -> InvalidInput:
    return InvalidInput(f"unified social credit code: {problem}")
