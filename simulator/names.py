"""Chinese names for the synthetic city's areas, from Faker's ``zh_CN`` locale.

Names are unique among siblings; English names are plain ("District 3", "Town 2").
"""

from __future__ import annotations

from collections.abc import Callable

from faker import Faker

_COMMUNITY_SUFFIXES = ("里", "园", "苑", "花园", "新村", "家园", "东里", "西里")
_VILLAGE_SUFFIXES = ("家庄", "庄", "营", "屯", "坨", "台", "家铺", "家口", "店")
_TOWN_SUFFIXES = ("庄", "台", "口", "沽", "桥", "店", "营", "屯", "堡", "集", "")


class Namer:
    """Names in a deterministic order for one seed; each ``*_name`` call takes the names its
    siblings already have and returns a new one."""

    def __init__(self, seed: int) -> None:
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)

    def _unique(self, make: Callable[[], str], taken: set[str], fallback: str) -> str:
        for _ in range(50):
            name = make()
            if name not in taken:
                taken.add(name)
                return name
        taken.add(fallback)
        return fallback

    def _place(self) -> str:
        f = self.fake
        kind = f.random_int(0, 2)
        if kind == 0:
            return f.district()
        if kind == 1:
            return f.city_name()
        return f.last_name() + f.random_element(_TOWN_SUFFIXES)

    def district(self, seq: int, taken: set[str]) -> tuple[str, str]:
        name = self._unique(lambda: self.fake.district() + "区", taken, f"第{seq}区")
        return name, f"District {seq}"

    def street(self, seq: int, town: bool, taken: set[str]) -> tuple[str, str]:
        suffix = "镇" if town else "街道"
        name = self._unique(lambda: self._place() + suffix, taken, f"第{seq}{suffix}")
        return name, f"{'Town' if town else 'Subdistrict'} {seq}"

    def community(self, seq: int, village: bool, taken: set[str]) -> tuple[str, str]:
        f = self.fake
        if village:
            def make() -> str:
                return f.last_name() + f.random_element(_VILLAGE_SUFFIXES) + "村"
        else:
            def make() -> str:
                word = f.district() if f.random_int(0, 1) else f.city_name()
                return word + f.random_element(_COMMUNITY_SUFFIXES) + "社区"
        name = self._unique(make, taken, f"第{seq}{'村' if village else '社区'}")
        return name, f"{'Village' if village else 'Community'} {seq}"

    def coin(self, probability: float) -> bool:
        """A deterministic biased coin from the same stream (town or not, village or not)."""
        return self.fake.random.random() < probability


def grid_name(seq: int) -> tuple[str, str]:
    return f"第{seq}网格", f"Grid {seq}"
