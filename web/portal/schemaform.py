"""Form fields for an application step, from the item's JSON Schema as ``form_steps``
describes it: a text box, number, date, a choice (radios for a few options, a list for many)
or yes/no — with label, hint, example, the answer so far and the error in the page's
language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from web.i18n import current, text


@dataclass
class Field:
    name: str
    label: str
    hint: str
    widget: str  # text | number | date | radios | select | checkboxes | yesno | textarea
    required: bool
    value: Any
    options: list[tuple[str, str]]
    error: str | None

    @property
    def id(self) -> str:
        return f"answer-{self.name}"


def _widget(spec: Mapping[str, Any]) -> str:
    if spec.get("type") == "boolean":
        return "yesno"
    if spec.get("enum"):
        if spec.get("type") == "array":
            return "checkboxes"
        return "radios" if len(spec["enum"]) <= 6 else "select"
    if spec.get("type") in ("integer", "number"):
        return "number"
    if spec.get("format") == "date":
        return "date"
    if spec["name"] in ("reason", "description", "details", "scope", "purpose"):
        return "textarea"
    return "text"


def fields(specs: list[Mapping[str, Any]], app: Any, errors: Mapping[str, str]) -> list[Field]:
    out = []
    for spec in specs:
        name = spec["name"]
        value = app.rejected.get(name, app.answers.get(name))
        labels = spec.get("enum_labels") or {}
        options = [(str(v), text(labels.get(v)) or str(v)) for v in spec.get("enum") or []]
        hint = text(spec.get("hint"))
        if spec.get("example"):
            example = text(spec.get("example"))
            hint = f"{hint} ({'例如' if current() == 'zh' else 'e.g.'} {example})".strip()
        out.append(Field(name=name, label=text(spec["label"]), hint=hint, widget=_widget(spec),
                         required=bool(spec.get("required")), value=value, options=options,
                         error=errors.get(name)))
    return out


def read(specs: list[Mapping[str, Any]], form: MultiDict[str, str]) -> dict[str, Any]:
    """The step's answers as text (the API turns them into the schema's types)."""
    answers: dict[str, Any] = {}
    for spec in specs:
        name = spec["name"]
        if _widget(spec) == "checkboxes":
            answers[name] = ",".join(form.getlist(name))
        else:
            answers[name] = form.get(name, "")
    return answers


# a field that only applies when another answer has one of some values (the services
# plugin adds ``mail_address`` next to ``delivery_method``; it is needed for post only)
ONLY_WHEN: dict[str, tuple[str, frozenset[str]]] = {
    "mail_address": ("delivery_method", frozenset({"mail"})),
}


def not_applying(summary: Mapping[str, Any]) -> set[str]:
    """Fields of a "check your answers" summary whose answers do not apply and may be left
    out: their condition is answered otherwise, and they carry no error."""
    rows = [r for step in summary["steps"] for r in step["rows"]]
    answers = {r["field"]: r["value"] for r in rows}
    return {r["field"] for r in rows
            if r["field"] in ONLY_WHEN and not r.get("error")
            and answers.get(ONLY_WHEN[r["field"]][0]) not in (None, "")
            and answers[ONLY_WHEN[r["field"]][0]] not in ONLY_WHEN[r["field"]][1]}


def errors_for(specs: list[Mapping[str, Any]], errors_i18n: Mapping[str, Any]) -> dict[str, str]:
    """This step's errors, in the page's language."""
    names = {s["name"] for s in specs}
    return {k: text(v) for k, v in errors_i18n.items() if k in names}
