import pytest

from core.areas.codes import Level, ancestor_at, ancestors, child_code, contains, level_of
from core.errors import InvalidInput


def test_levels_follow_the_code_length():
    assert level_of("120000") is Level.CITY
    assert level_of("120101") is Level.DISTRICT
    assert level_of("120101001") is Level.STREET
    assert level_of("120101001002") is Level.COMMUNITY
    assert level_of("120101001002003") is Level.GRID


@pytest.mark.parametrize("bad", ["", "12010", "1201010011", "12a101", None])
def test_malformed_codes_are_refused_with_a_reason(bad):
    with pytest.raises(InvalidInput, match="area code"):
        level_of(bad)


def test_ancestors_are_prefixes_up_to_the_city():
    assert ancestors("120101001002003") == ["120101001002", "120101001", "120101", "120000"]
    assert ancestor_at("120101001002003", Level.STREET) == "120101001"
    assert ancestor_at("120101", Level.GRID) is None


def test_scope_containment():
    assert contains("120000", "120101001")
    assert contains("120101", "120101001002003")
    assert not contains("120102", "120101001002003")
    assert not contains("120101001002003", "120101")


def test_child_codes():
    assert child_code("120000", 3) == "120103"
    assert child_code("120103", 12) == "120103012"
    with pytest.raises(InvalidInput):
        child_code("120103001001001", 1)
