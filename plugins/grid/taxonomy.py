"""The event taxonomy: the shipped item list plus district plugins' items, merged and checked.

Every plugin's ``catalog_event_items`` results are merged by ``code`` in hook-call order, so a
district plugin's item overrides the built-in one (ours is ``trylast``). The merged list is
validated on load; a problem raises ``InvalidInput`` naming the item and its plugin.
The schema of an item is in ``README.md``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import pluggy
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import InvalidInput
from plugins.grid.models import GridItem

DATA = Path(__file__).parent / "data"
STAGES = ("register", "dispatch", "handle", "verify")
UNITS = {
    "working_hours": ("工作小时", "working hours"),
    "working_days": ("个工作日", "working days"),
    "hours": ("小时", "hours"),
}
KINDS = {"event": ("事件", "event"), "facility": ("部件", "facility")}
PRIORITIES = ("low", "normal", "high", "urgent")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,19}$")
_REQUIRED = ("code", "category", "zh", "en", "kind", "priority", "department_type",
             "self_handle", "limits", "register_condition", "close_condition")


@dataclass(frozen=True, slots=True)
class Limit:
    """A stage's time limit: ``value`` in ``unit`` (working_hours, working_days or hours)."""

    value: float
    unit: str

    @property
    def label(self) -> dict[str, str]:
        zh, en = UNITS[self.unit]
        n = int(self.value) if float(self.value).is_integer() else self.value
        return {"zh": f"{n}{zh}", "en": f"{n} {en}"}


@dataclass(frozen=True)
class Item:
    """One event item (事项) of the merged taxonomy."""

    code: str
    category: str
    category_name: Mapping[str, str]
    name: str
    name_en: str
    kind: str
    priority: str
    department_type: str
    self_handle: bool
    limits: Mapping[str, Limit]
    register_condition: str
    close_condition: str
    keywords: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    area_code: str | None = None
    citizen: bool = True
    source: str = "grid"
    data: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def label(self) -> dict[str, str]:
        return {"zh": self.name, "en": self.name_en}

    @property
    def handle_limit(self) -> dict[str, str]:
        return self.limits["handle"].label

    @property
    def kind_label(self) -> dict[str, str]:
        zh, en = KINDS[self.kind]
        return {"zh": zh, "en": en}


@dataclass(frozen=True)
class Taxonomy:
    categories: Mapping[str, Mapping[str, str]]
    items: Mapping[str, Item]
    department_types: Mapping[str, Mapping[str, Any]]

    def item(self, code: str) -> Item:
        try:
            return self.items[code]
        except KeyError:
            raise InvalidInput(
                f"there is no event item {code!r}; see `jinzhi grid items`",
                fields={"item_code": "choose an item from the list (事项清单)"},
            ) from None


# ── the shipped data ─────────────────────────────────────────────────────────────────────


@functools.cache
def _base() -> dict[str, Any]:
    return yaml.safe_load((DATA / "taxonomy.yaml").read_text(encoding="utf-8"))


@functools.cache
def department_types() -> dict[str, dict[str, Any]]:
    rows = yaml.safe_load((DATA / "department_types.yaml").read_text(encoding="utf-8"))
    return {r["code"]: r for r in rows}


def base_items() -> list[dict[str, Any]]:
    """The shipped item list (what the grid plugin contributes through the hook)."""
    return [dict(i) for i in _base()["items"]]


def categories() -> dict[str, dict[str, str]]:
    return {c["code"]: {"zh": c["zh"], "en": c["en"]} for c in _base()["categories"]}


# ── merging and checking ─────────────────────────────────────────────────────────────────

_cache: WeakKeyDictionary[pluggy.PluginManager, Taxonomy] = WeakKeyDictionary()


def load(pm: pluggy.PluginManager) -> Taxonomy:
    """The merged, validated taxonomy of the plugins in ``pm`` (built once per manager)."""
    found = _cache.get(pm)
    if found is None:
        hook = pm.hook.catalog_event_items
        contributions = [
            (impl.plugin_name, impl.function()) for impl in reversed(hook.get_hookimpls())
        ]
        found = _cache[pm] = merge(contributions)
    return found


def merge(contributions: Iterable[tuple[str, Iterable[Mapping[str, Any]] | None]]) -> Taxonomy:
    """Merge ``(plugin, items)`` in call order (first wins) and check every item."""
    cats = categories()
    types = department_types()
    items: dict[str, Item] = {}
    for plugin, group in contributions:
        seen: set[str] = set()
        for raw in group or ():
            code = str(raw.get("code", "")) if isinstance(raw, Mapping) else ""
            where = f"event item {code or '?'} from plugin {plugin!r}"
            if code in seen:
                raise InvalidInput(f"{where}: the code {code} appears twice in this plugin")
            seen.add(code)
            item = check(raw, plugin, cats, types, where)
            items.setdefault(item.code, item)
    if not items:
        raise InvalidInput("no event items: is the grid plugin enabled?")
    ordered = dict(sorted(items.items()))
    return Taxonomy(cats, ordered, types)


def check(
    raw: Any, plugin: str, cats: Mapping[str, Any], types: Mapping[str, Any], where: str
) -> Item:
    """One item dict → ``Item``; ``InvalidInput`` with a message naming it."""
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{where}: an item must be a mapping, not {type(raw).__name__}")
    missing = [k for k in _REQUIRED if raw.get(k) in (None, "")]
    if missing:
        raise InvalidInput(f"{where}: missing {', '.join(missing)}")
    code = str(raw["code"])
    if not _CODE.match(code):
        raise InvalidInput(f"{where}: the code must be 2–20 letters, digits, '.', '_' or '-'")
    if raw["category"] not in cats:
        raise InvalidInput(f"{where}: unknown category {raw['category']!r} "
                           f"(use one of {', '.join(cats)})")
    if raw["kind"] not in KINDS:
        raise InvalidInput(f"{where}: kind must be event or facility, not {raw['kind']!r}")
    if raw["priority"] not in PRIORITIES:
        raise InvalidInput(f"{where}: priority must be one of {', '.join(PRIORITIES)}")
    if raw["department_type"] not in types:
        raise InvalidInput(f"{where}: unknown department type {raw['department_type']!r} "
                           "(see plugins/grid/data/department_types.yaml)")
    for flag in ("self_handle", "citizen"):
        if flag in raw and not isinstance(raw[flag], bool):
            raise InvalidInput(f"{where}: {flag} must be true or false")
    area = raw.get("area_code")
    if area is not None and not (isinstance(area, str) and area.isdigit()):
        raise InvalidInput(f"{where}: area_code must be an area code such as 120101")
    return Item(
        code=code,
        category=str(raw["category"]),
        category_name=cats[raw["category"]],
        name=_text(raw["zh"], where, "zh"),
        name_en=_text(raw["en"], where, "en"),
        kind=raw["kind"],
        priority=raw["priority"],
        department_type=raw["department_type"],
        self_handle=bool(raw["self_handle"]),
        limits=_limits(raw["limits"], where),
        register_condition=_text(raw["register_condition"], where, "register_condition"),
        close_condition=_text(raw["close_condition"], where, "close_condition"),
        keywords=tuple(str(k) for k in raw.get("keywords") or ()),
        tags=tuple(str(t) for t in raw.get("tags") or ()),
        area_code=area,
        citizen=bool(raw.get("citizen", True)),
        source=plugin,
        data=dict(raw),
    )


def _text(value: Any, where: str, key: str) -> str:
    if isinstance(value, Mapping):
        value = value.get("zh") or value.get("en")
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{where}: {key} must be a non-empty text")
    return value.strip()


def _limits(raw: Any, where: str) -> dict[str, Limit]:
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{where}: limits must map each stage to {{value, unit}}")
    out: dict[str, Limit] = {}
    for stage in STAGES:
        spec = raw.get(stage)
        if not isinstance(spec, Mapping) or "value" not in spec or "unit" not in spec:
            raise InvalidInput(f"{where}: missing the time limit of stage {stage!r} "
                               "(limits.<stage>: {value, unit})")
        value, unit = spec["value"], spec["unit"]
        if unit not in UNITS:
            raise InvalidInput(f"{where}: stage {stage}: unit must be one of {', '.join(UNITS)}")
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise InvalidInput(f"{where}: stage {stage}: the limit must be a number > 0")
        if unit == "working_days" and not float(value).is_integer():
            raise InvalidInput(f"{where}: stage {stage}: working days must be whole days")
        out[stage] = Limit(float(value), unit)
    extra = sorted(set(raw) - set(STAGES))
    if extra:
        raise InvalidInput(f"{where}: unknown stage {extra[0]!r} (stages: {', '.join(STAGES)})")
    return out


# ── the stored copy (for SQL joins) ──────────────────────────────────────────────────────


def sync(session: Session, taxonomy: Taxonomy) -> int:
    """Make ``grid_item`` equal to the merged taxonomy; returns the number of items."""
    stored = {row.code: row for row in session.scalars(select(GridItem))}
    for code, item in taxonomy.items.items():
        values = {
            "category": item.category, "name": item.name, "name_en": item.name_en,
            "kind": item.kind, "priority": item.priority,
            "department_type": item.department_type, "self_handle": item.self_handle,
            "citizen": item.citizen, "area_code": item.area_code, "source": item.source,
            "data": _jsonable(item.data),
        }
        row = stored.pop(code, None)
        if row is None:
            session.add(GridItem(code=code, **values))
        else:
            for key, value in values.items():
                if getattr(row, key) != value:
                    setattr(row, key, value)
    for row in stored.values():  # items whose plugin is gone: keep events' joins working
        row.source = f"{row.source} (gone)" if not row.source.endswith("(gone)") else row.source
    session.flush()
    return len(taxonomy.items)


def _jsonable(data: Mapping[str, Any]) -> dict[str, Any]:
    return yaml.safe_load(yaml.safe_dump(dict(data), allow_unicode=True))
