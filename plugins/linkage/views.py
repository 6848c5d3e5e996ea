"""What the linkage API returns: frozen dataclasses, never ORM rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.contracts import Evidence, Party, ProfileSection, RecordRef, Subject


@dataclass(frozen=True, slots=True)
class Profile:
    """One picture of a person, an organisation or a place (精准画像)."""

    subject: Subject
    title: str
    sections: tuple[ProfileSection, ...]
    purpose: RecordRef
    masked: bool  # identity numbers are masked for this viewer

    def section(self, key: str) -> ProfileSection:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections)


@dataclass(frozen=True, slots=True)
class Report:
    """A citizen's report and where it stands now (its grid event's status)."""

    event: RecordRef
    reported_at: dt.datetime
    reporter: str


@dataclass(frozen=True, slots=True)
class LicenceCheck:
    """What linkage found when a grid event called for a licence (link 2)."""

    event: RecordRef
    licence_type: str
    outcome: str  # licensed | followup_opened | followup_exists | no_organisation | ambiguous
    organisation: Party | None = None
    candidates: tuple[Party, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    followup: RecordRef | None = None


@dataclass(frozen=True, slots=True)
class DataUseEntry:
    """One row of someone's data-use log: who used what, when, for which case."""

    id: int
    at: dt.datetime
    who: str
    role: str
    data_type: str
    record: RecordRef | None
    purpose: RecordRef
