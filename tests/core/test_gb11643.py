"""Resident identity numbers (GB 11643): parsing, messages, generation and error detection."""

from __future__ import annotations

import datetime as dt

import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import InvalidInput
from core.identity.gb11643 import (
    ResidentId,
    is_valid_resident_id,
    make_resident_id,
    parse_resident_id,
    resident_check_char,
)

# The two examples printed in the standard itself.
EXAMPLES = ["11010519491231002X", "440524188001010014"]
TODAY = dt.date(2026, 3, 2)
FAKE = Faker("zh_CN")

areas = st.from_regex(r"\A[1-8][0-9]{5}\Z")
births = st.dates(dt.date(1900, 1, 1), TODAY)
sequences = st.integers(0, 999)


def test_published_examples() -> None:
    assert parse_resident_id(EXAMPLES[0]) == ResidentId(
        "11010519491231002X", "110105", dt.date(1949, 12, 31), "F"
    )
    male = parse_resident_id(EXAMPLES[1])
    assert (male.area_code, male.birth_date, male.sex) == ("440524", dt.date(1880, 1, 1), "M")
    assert resident_check_char("11010519491231002") == "X"


def test_lowercase_x_is_normalised() -> None:
    assert parse_resident_id("11010519491231002x").number == "11010519491231002X"
    assert is_valid_resident_id("11010519491231002x")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("11010519491231002", "must be 18 characters long, not 17"),
        ("11010519491231002XX", "must be 18 characters long, not 19"),
        ("", "must be 18 characters long, not 0"),
        ("1101051949123100X2", "character 17 ('X') must be a digit"),
        ("11010519491231 02X", "character 15 (' ') must be a digit"),
        ("A1010519491231002X", "character 1 ('A') must be a digit"),
        ("11010519491231002Y", "check character (character 18) must be a digit or X, not 'Y'"),
        ("110105194902300026", "19490230 (characters 7–14) is not a real date"),
        ("110105202703010020", "2027-03-01 (characters 7–14) is in the future"),
        ("110105184912310021", "too early"),
        ("110105194912310021", "check character (character 18) does not match"),
    ],
)
def test_clear_messages(number: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_resident_id(number, today=TODAY)
    assert not is_valid_resident_id(number, today=TODAY)


def test_future_is_relative_to_today() -> None:
    number = make_resident_id("120104", dt.date(2026, 3, 3), 1)
    assert not is_valid_resident_id(number, today=TODAY)
    assert parse_resident_id(number, today=dt.date(2026, 3, 3)).sex == "M"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("12010", dt.date(1990, 1, 1), 1), "area code"),
        (("120104", dt.datetime(1990, 1, 1), 1), "birth must be a date"),
        (("120104", dt.date(1990, 1, 1), 1000), "sequence number"),
        (("120104", dt.date(1990, 1, 1), -1), "sequence number"),
    ],
)
def test_make_refuses_bad_parts(args: tuple, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        make_resident_id(*args)


def test_check_char_needs_17_digits() -> None:
    with pytest.raises(InvalidInput, match="17 digits"):
        resident_check_char("1101051949123100")


@pytest.mark.parametrize("number", EXAMPLES)
def test_every_single_substitution_is_rejected(number: str) -> None:
    for i, original in enumerate(number):
        allowed = "0123456789X" if i == 17 else "0123456789"
        for c in allowed.replace(original, ""):
            assert not is_valid_resident_id(number[:i] + c + number[i + 1 :]), (i, c)


@settings(max_examples=200)
@given(seed=st.integers(0, 2**32 - 1))
def test_faker_numbers_validate(seed: int) -> None:
    FAKE.seed_instance(seed)
    assert is_valid_resident_id(FAKE.ssn())


@given(area=areas, birth=births, seq=sequences)
def test_made_numbers_round_trip(area: str, birth: dt.date, seq: int) -> None:
    rid = parse_resident_id(make_resident_id(area, birth, seq), today=TODAY)
    assert (rid.area_code, rid.birth_date) == (area, birth)
    assert rid.sex == ("M" if seq % 2 else "F")


@settings(max_examples=300)
@given(area=areas, birth=births, seq=sequences, data=st.data())
def test_single_substitution_changes_the_check(
    area: str, birth: dt.date, seq: int, data: st.DataObject
) -> None:
    number = make_resident_id(area, birth, seq)
    i = data.draw(st.integers(0, 17), label="position")
    allowed = "0123456789X" if i == 17 else "0123456789"
    c = data.draw(st.sampled_from(allowed.replace(number[i], "")), label="replacement")
    changed = number[:i] + c + number[i + 1 :]
    if i < 17:  # the mathematical property itself, not just "something failed"
        assert resident_check_char(changed[:17]) != number[17]
    assert not is_valid_resident_id(changed, today=TODAY)
