"""Area codes, built like Chinese administrative codes.

city ``120000`` (province prefix + ``0000``) → district ``120101`` (6 digits) → street
``120101001`` (+3) → community ``120101001001`` (+3) → grid ``120101001001001`` (+3).
A code's ancestors are its prefixes, so scope checks need no database round trip.
"""

from __future__ import annotations

import enum

from core.errors import InvalidInput


class Level(enum.IntEnum):
    CITY = 0
    DISTRICT = 1
    STREET = 2
    COMMUNITY = 3
    GRID = 4

    @property
    def label(self) -> str:
        return self.name.lower()


_LENGTHS = {9: Level.STREET, 12: Level.COMMUNITY, 15: Level.GRID}


def level_of(code: str) -> Level:
    """The level of an area code; ``InvalidInput`` if the code is not shaped like one."""
    if not isinstance(code, str) or not code.isdigit():
        raise InvalidInput(f"area code {code!r} must be digits only (e.g. 120101001001001)")
    if len(code) == 6:
        return Level.CITY if code[2:] == "0000" else Level.DISTRICT
    try:
        return _LENGTHS[len(code)]
    except KeyError:
        raise InvalidInput(
            f"area code {code!r} has {len(code)} digits; expected 6 (city/district), "
            "9 (street), 12 (community) or 15 (grid)"
        ) from None


def city_of(code: str) -> str:
    return code[:2] + "0000"


def parent_of(code: str) -> str | None:
    level = level_of(code)
    if level is Level.CITY:
        return None
    if level is Level.DISTRICT:
        return city_of(code)
    return code[:-3]


def ancestors(code: str) -> list[str]:
    """Codes of every ancestor, nearest first, ending with the city."""
    out: list[str] = []
    parent = parent_of(code)
    while parent is not None:
        out.append(parent)
        parent = parent_of(parent)
    return out


def ancestor_at(code: str, level: Level) -> str | None:
    """The ancestor (or the area itself) at ``level``; ``None`` if ``code`` is above it."""
    own = level_of(code)
    if own < level:
        return None
    if level is Level.CITY:
        return city_of(code)
    return code[: {Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12, Level.GRID: 15}[level]]


def contains(outer: str, inner: str) -> bool:
    """Whether area ``outer`` is ``inner`` or one of its ancestors (scope checks)."""
    if level_of(outer) is Level.CITY:
        return inner[:2] == outer[:2]
    return inner.startswith(outer)


def child_code(parent: str, seq: int) -> str:
    """The code of the ``seq``-th child of ``parent`` (1-based)."""
    level = level_of(parent)
    if level is Level.CITY:
        if not 1 <= seq <= 99:
            raise InvalidInput("a city has at most 99 districts")
        return f"{parent[:2]}01{seq:02d}"
    if level is Level.GRID:
        raise InvalidInput("a grid has no child areas")
    if not 1 <= seq <= 999:
        raise InvalidInput("an area has at most 999 children")
    return f"{parent}{seq:03d}"
