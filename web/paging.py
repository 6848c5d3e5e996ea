"""Paging of long lists: page number and size from the query string, bounded."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import current_app, request


@dataclass(frozen=True)
class Page:
    number: int = 1
    size: int = 25
    total: int | None = None
    has_next: bool = False

    @classmethod
    def from_request(cls, size: int | None = None) -> Page:
        try:
            number = max(1, min(int(request.args.get("page", 1)), 100_000))
        except ValueError:
            number = 1
        return cls(number=number, size=size or current_app.config["PAGE_SIZE"])

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int | None:
        if self.total is None:
            return None
        return max(1, -(-self.total // self.size))

    def with_total(self, total: int | None, shown: int | None = None) -> Page:
        """Record the total (if known) or, without it, whether a next page exists."""
        if total is not None:
            return replace(self, total=total, has_next=self.number * self.size < total)
        return replace(self, has_next=shown is not None and shown >= self.size)
