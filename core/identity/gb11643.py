"""Resident identity numbers (公民身份号码), GB 11643-1999.

18 characters: a 6-digit area code, the birth date as YYYYMMDD, a 3-digit sequence number
(odd for men, even for women) and a check character, ISO 7064 MOD 11-2 over the first 17
digits, where the value 10 is written ``X``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from core.errors import InvalidInput

WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))  # 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, ...
CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)
EARLIEST_BIRTH = dt.date(1850, 1, 1)


@dataclass(frozen=True)
class ResidentId:
    number: str  # normalised: a final ``x`` is upper case
    area_code: str
    birth_date: dt.date
    sex: Literal["M", "F"]


def resident_check_char(first17: str) -> str:
    """The check character ('0'–'9' or 'X') for the first 17 digits of a number."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise InvalidInput("the check character is computed over exactly 17 digits")
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def parse_resident_id(number: str, today: dt.date | None = None) -> ResidentId:
    """Validate ``number`` and split it into its parts; InvalidInput says what is wrong."""
    if not isinstance(number, str):
        raise InvalidInput("the resident identity number must be text")
    if len(number) != 18:
        raise _invalid(f"must be 18 characters long, not {len(number)}")
    for i, c in enumerate(number[:17], start=1):
        if not ("0" <= c <= "9"):
            raise _invalid(f"character {i} ({c!r}) must be a digit")
    if number[17] == "x":
        number = number[:17] + "X"
    if not ("0" <= number[17] <= "9" or number[17] == "X"):
        raise _invalid(
            f"the check character (character 18) must be a digit or X, not {number[17]!r}"
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _invalid(
            f"the birth date {number[6:14]} (characters 7–14) is not a real date"
        ) from None
    if birth < EARLIEST_BIRTH:
        raise _invalid(f"the birth date {birth} (characters 7–14) is too early")
    if birth > (today or dt.date.today()):
        raise _invalid(f"the birth date {birth} (characters 7–14) is in the future")
    if resident_check_char(number[:17]) != number[17]:
        raise _invalid("the check character (character 18) does not match: one is mistyped")
    return ResidentId(number, number[:6], birth, "M" if int(number[16]) % 2 else "F")


def is_valid_resident_id(number: str, today: dt.date | None = None) -> bool:
    try:
        parse_resident_id(number, today)
    except InvalidInput:
        return False
    return True


def make_resident_id(area_code: str, birth: dt.date, seq: int) -> str:
    """A valid number for ``area_code`` (6 digits), ``birth`` and ``seq`` (0–999; odd = M)."""
    if len(area_code) != 6 or not (area_code.isascii() and area_code.isdigit()):
        raise InvalidInput(f"area code {area_code!r} must be 6 digits")
    if isinstance(birth, dt.datetime) or not isinstance(birth, dt.date):
        raise InvalidInput("birth must be a date")
    if birth < EARLIEST_BIRTH:
        raise InvalidInput(f"birth date {birth} is too early")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= 999:
        raise InvalidInput(f"sequence number {seq!r} must be a whole number from 0 to 999")
    first17 = f"{area_code}{birth:%Y%m%d}{seq:03d}"
    return first17 + resident_check_char(first17)


def _invalid(problem: str) -> InvalidInput:
    # The number itself stays out of the message: messages end up in logs.
    return InvalidInput(f"resident identity number: {problem}")
