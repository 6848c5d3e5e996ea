"""The error types every layer raises and every front end (CLI, web, API) knows how to show.

Each error carries a message written for the person who has to fix the problem. Front ends
map them: ``NotFound`` → 404, ``PermissionDenied`` → 403, ``Conflict`` → 409,
``InvalidInput``/``InvalidTransition`` → 400/422, anything else of ours → 400.
"""

from __future__ import annotations

from collections.abc import Mapping


class JinzhiError(Exception):
    """Base class: a problem the user can understand and fix; never a bug."""

    status = 400
    code = "error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class InvalidInput(JinzhiError):
    """Input failed validation. ``fields`` maps a field name to what is wrong with it."""

    status = 422
    code = "invalid-input"

    def __init__(
        self, message: str, fields: Mapping[str, str] | None = None, **details: object
    ) -> None:
        super().__init__(message, **details)
        self.fields: dict[str, str] = dict(fields or {})


class NotFound(JinzhiError):
    status = 404
    code = "not-found"


class PermissionDenied(JinzhiError):
    status = 403
    code = "forbidden"


class Conflict(JinzhiError):
    """Someone else changed the record first (optimistic locking) or it already exists."""

    status = 409
    code = "conflict"


class InvalidTransition(JinzhiError):
    """A workflow action that is not allowed in the record's current state."""

    status = 409
    code = "invalid-transition"


class ConfigurationError(JinzhiError):
    """Bad configuration: a plugin that cannot load, a database that cannot be reached."""

    status = 500
    code = "configuration"
