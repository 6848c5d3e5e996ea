"""Unified social credit codes (GB 32100): parsing, messages, generation and error detection."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import InvalidInput
from core.identity.gb32100 import (
    CHARSET,
    CreditCode,
    credit_code_check_char,
    is_valid_credit_code,
    make_credit_code,
    parse_credit_code,
)

EXAMPLE = "91350100M000100Y43"  # the example printed in the standard

areas = st.from_regex(r"\A[1-8][0-9]{5}\Z")
codes = st.builds(
    make_credit_code,
    st.integers(0, 2**32 - 1).map(random.Random),
    areas,
    st.sampled_from(CHARSET),
    st.sampled_from(CHARSET),
)


def test_published_example() -> None:
    assert parse_credit_code(EXAMPLE) == CreditCode(EXAMPLE, "9", "1", "350100")
    assert credit_code_check_char(EXAMPLE[:17]) == "3"


def test_lowercase_is_normalised() -> None:
    assert parse_credit_code(EXAMPLE.lower()).code == EXAMPLE


def test_check_31_is_written_0() -> None:
    # Find a body whose weighted sum is a multiple of 31: its check character must be "0".
    rng = random.Random(7)
    while True:
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        if sum(int(c) * 3**i % 31 for i, c in enumerate(first17)) % 31 == 0:
            break
    assert credit_code_check_char(first17) == "0"
    assert is_valid_credit_code(first17 + "0")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "must be 18 characters long, not 17"),
        ("91350100M000100Y433", "must be 18 characters long, not 19"),
        ("91350100M0001O0Y43", "character 14 ('O') is not allowed"),
        ("9135010-M000100Y43", "character 8 ('-') is not allowed"),
        ("913501Z0M000100Y43", "character 7 ('Z') is not allowed"),
        ("9135A100M000100Y43", "character 5 ('A') must be a digit"),
        ("91350100M000100Y44", "check character (character 18) does not match"),
    ],
)
def test_clear_messages(code: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_credit_code(code)
    assert not is_valid_credit_code(code)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"area_code": "1201"}, "area code"),
        ({"area_code": "120104", "authority": "I"}, "authority"),
        ({"area_code": "120104", "org_type": "12"}, "org_type"),
    ],
)
def test_make_refuses_bad_parts(kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        make_credit_code(random.Random(1), **kwargs)


def test_make_is_deterministic() -> None:
    made = [make_credit_code(random.Random(42), "120104") for _ in range(2)]
    assert made[0] == made[1]
    assert parse_credit_code(made[0]).area_code == "120104"
    assert made[0][:2] == "91"


def test_every_single_substitution_of_the_example_is_rejected() -> None:
    for i, original in enumerate(EXAMPLE):
        for c in CHARSET.replace(original, ""):
            assert not is_valid_credit_code(EXAMPLE[:i] + c + EXAMPLE[i + 1 :]), (i, c)


@given(code=codes)
def test_made_codes_validate(code: str) -> None:
    assert is_valid_credit_code(code)


@settings(max_examples=300)
@given(code=codes, data=st.data())
def test_single_substitution_is_rejected(code: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, 17), label="position")
    c = data.draw(st.sampled_from(CHARSET.replace(code[i], "")), label="replacement")
    changed = code[:i] + c + code[i + 1 :]
    if i < 17:  # the mathematical property itself, not just "something failed"
        assert credit_code_check_char(changed[:17]) != code[17]
    assert not is_valid_credit_code(changed)
