"""Workflow action forms built from the plugin APIs' ``ACTIONS`` metadata — one template
(``_action_form.html``) renders every action of every workflow.

Metadata shape (shared by the grid and services plugins)::

    ACTIONS[action] = {"label": {"zh", "en"}, "fields": {name: {
        "kind": "text" | "longtext" | "choice" | "int" | "bool" | "photos" | "department"
                | "departments" (several) | "event" (a reference),
        "required": bool, "label": {"zh", "en"}, "choices": [...], "min": n, "max": n}}}

Each form carries the record's ``version`` as a hidden field, so a stale page gets the
"someone else changed this" answer instead of overwriting the newer state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage, MultiDict

from web.i18n import text

LONG = {"longtext", "note", "reason", "answer", "comment"}
CHOICE_LABELS: dict[str, Any] = {
    "mail": _l("by post"), "pickup": _l("pick up"), "electronic": _l("electronically"),
}


@dataclass
class ActionField:
    name: str
    kind: str
    label: str
    required: bool
    choices: list[tuple[str, str]] = field(default_factory=list)
    min: int | None = None
    max: int | None = None
    hint: str = ""
    value: Any = None
    error: str | None = None

    @property
    def input_id(self) -> str:
        return f"f-{self.name}"


@dataclass
class ActionForm:
    action: str
    label: str
    fields: list[ActionField]
    danger: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def form_id(self) -> str:
        return f"act-{self.action}"


DANGER = {"cancel", "refuse", "reject", "return", "withdraw"}


def build(actions: Mapping[str, Mapping[str, Any]], names: Iterable[str],
          choices: Mapping[str, list[tuple[str, str]]] | None = None) -> list[ActionForm]:
    """Forms for the actions ``names`` the user may take now, in the metadata's order."""
    allowed = set(names)
    out = []
    for name, spec in actions.items():
        if name not in allowed:
            continue
        out.append(ActionForm(
            action=name, label=text(spec.get("label")) or name.replace("_", " "),
            fields=[_field(n, f, choices or {}) for n, f in (spec.get("fields") or {}).items()],
            danger=name in DANGER,
        ))
    return out


def _field(name: str, spec: Mapping[str, Any], extra: Mapping[str, list[tuple[str, str]]]
           ) -> ActionField:
    kind = str(spec.get("kind") or "text")
    if kind == "text" and (name in LONG or spec.get("long")):
        kind = "longtext"
    options: list[tuple[str, str]] = []
    for c in spec.get("choices") or []:
        if isinstance(c, Mapping):
            options.append((str(c.get("value")), text(c.get("label")) or str(c.get("value"))))
        else:
            label = text((spec.get("choice_labels") or {}).get(c)) or CHOICE_LABELS.get(c, c)
            options.append((str(c), str(label)))
    if name in extra:
        options = list(extra[name])
    return ActionField(
        name=name, kind=kind, label=text(spec.get("label")) or name.replace("_", " "),
        required=bool(spec.get("required")), choices=options, min=spec.get("min"),
        max=spec.get("max"), hint=text(spec.get("hint")),
    )


def read(form: ActionForm, data: MultiDict[str, str], files: MultiDict[str, FileStorage]
         ) -> dict[str, Any]:
    """The submitted values of ``form``'s fields, typed; empty optional ones left out.

    Required-but-empty fields are recorded in ``form.errors`` (the API would refuse them
    too, but this way the message sits next to the field).
    """
    values: dict[str, Any] = {}
    for f in form.fields:
        if f.kind == "photos":
            uploads = [u for u in files.getlist(f.name) if u and u.filename]
            if uploads:
                values[f.name] = uploads
            elif f.required:
                form.errors[f.name] = "required"
            continue
        if f.kind == "departments":
            picked = [v for v in data.getlist(f.name) if v.strip()]
            f.value = picked
            if picked:
                values[f.name] = picked
            elif f.required:
                form.errors[f.name] = "required"
            continue
        raw = (data.get(f.name) or "").strip()
        f.value = raw
        if f.kind == "bool":
            values[f.name] = raw in ("1", "on", "true", "yes")
            continue
        if not raw:
            if f.required:
                form.errors[f.name] = "required"
            continue
        if f.kind == "int":
            try:
                number = int(raw)
            except ValueError:
                form.errors[f.name] = "number"
                continue
            if (f.min is not None and number < f.min) or (f.max is not None and number > f.max):
                form.errors[f.name] = "range"
                continue
            values[f.name] = number
        elif f.kind in ("choice", "department") and f.choices and \
                raw not in {v for v, _ in f.choices}:
            form.errors[f.name] = "choice"
        else:
            values[f.name] = raw
    return values
