"""Whether an event's address is a person's (or an organisation's) registered address.

Addresses are free text typed by reporters: "星光路18号楼下", "西青区中北镇星光路18号",
"星光路 18 号". Two addresses are *similar* when, spaces and punctuation removed and
full-width digits made plain, they are equal, or one contains the other's road and number
(``…路18号``), or the shorter one (at least six characters) lies inside the longer.
"""

from __future__ import annotations

import re
import unicodedata

_DROP = re.compile(r"[\s\-_,，。.、:：;；()（）#＃]+")
_HOUSE = re.compile(r"[^区县镇乡街道市省]{1,20}?(?:路|街|道|巷|里|胡同|大道|弄)\d+号")
MIN_CONTAINED = 6


def normalise(text: str | None) -> str:
    """NFKC (full-width digits → ASCII), no spaces or punctuation."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text or ""))


def house(text: str) -> str | None:
    """The road and house number (``星光路18号``) of a normalised address, if any."""
    found = _HOUSE.findall(text)
    return found[-1] if found else None


def similar(event_address: str | None, registered: str | None) -> bool:
    """Whether the two addresses name the same place (see the module's docstring)."""
    a, b = normalise(event_address), normalise(registered)
    if not a or not b:
        return False
    if a == b:
        return True
    ha, hb = house(a), house(b)
    if ha and hb:
        return ha == hb or ha.endswith(hb) or hb.endswith(ha)
    if (hb and hb in a) or (ha and ha in b):
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= MIN_CONTAINED and short in long_
