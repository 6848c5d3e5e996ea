"""Every extension point of Jinzhi, in one place. Read this file as a table of contents.

Hooks are grouped by concern and named after it: ``jinzhi_*`` (the platform itself),
``identity_*``, ``catalog_*``, ``events_*`` and ``linkage_*``. Each docstring says when the hook
is called, what it receives and returns, whether it is *firstresult*, whether it runs inside
the caller's database **transaction** or after commit, and what happens **on error**.

Built-in behaviour uses these same hooks: ``core.defaults`` (trylast fallbacks) and the
plugins under ``plugins/``. ``docs/plugin_hooks.md`` is generated from this file
(``jinzhi plugins --docs``) and a test keeps the two in step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from sqlalchemy.orm import Session

    from core.areas.locate import Location
    from core.contracts import (
        CaseRequest,
        DomainEvent,
        Evidence,
        Party,
        ProfileSection,
        RecordRef,
        Route,
        Subject,
    )
    from core.identity.roles import Actor
    from core.platform import Platform

hookspec = pluggy.HookspecMarker("jinzhi")
hookimpl = pluggy.HookimplMarker("jinzhi")


# ── The platform: commands, schema, reference data ───────────────────────────────────────


@hookspec
def jinzhi_cli_commands(cli: click.Group) -> None:
    """Add commands to the ``jinzhi`` command line.

    Called once when the CLI starts, after all plugins are loaded.

    :param cli: the root ``click.Group``; call ``cli.add_command(...)``.
    :returns: nothing.
    Transaction: none (commands open their own through ``Platform.session()``).
    On error: the CLI stops with a one-line error naming the plugin.
    """


@hookspec
def jinzhi_migration_dirs() -> list[str]:
    """Alembic version directories holding this plugin's migrations.

    Called whenever the schema is upgraded or checked (``jinzhi db upgrade``). A plugin's
    first revision declares ``branch_labels=("<plugin>",)`` and ``depends_on="core"``.

    :returns: absolute paths of directories.
    Transaction: none.
    On error: the upgrade stops before touching the database.
    """


@hookspec
def jinzhi_seed_reference(session: Session, platform: Platform) -> None:
    """Load reference data once the city's areas exist (departments, item lists, routing).

    Called by ``jinzhi seed`` and by test fixtures after areas are created, in dependency
    order of nothing: implementations must only rely on core tables (areas, departments).
    Must be idempotent: running it twice changes nothing.

    :param session: the seeding transaction.
    Transaction: inside the caller's; do not commit.
    On error: the whole seed is rolled back and the error is shown.
    """


# ── Identity: who is who, who may log in, what they may do ───────────────────────────────


@hookspec(firstresult=True)
def identity_authenticate(session: Session, username: str, password: str) -> Actor | None:
    """Check a login and return the ``Actor`` it belongs to.

    *firstresult*: the first non-None answer wins; ``core.defaults`` checks the
    ``core_account`` table (Argon2 hashes, lockout after repeated failures). Return None to
    let the next implementation try. Raise ``PermissionDenied`` to refuse outright (e.g. a
    locked account).

    Transaction: inside the caller's (failed-attempt counters are written there).
    On error: ``JinzhiError`` is shown to the user; anything else is a 500 and logged.
    """


@hookspec(firstresult=True)
def identity_resolve(session: Session, kind: str, number: str) -> Party | None:
    """Find the person (``kind="person"``, resident identity number) or organisation
    (``kind="organisation"``, unified social credit code) behind an identity number.

    *firstresult*; the default looks in ``core_person`` / ``core_organisation`` after
    validating the number (GB 11643 / GB 32100). A plugin may consult another register.

    :returns: a ``Party`` or None if nobody holds the number.
    Transaction: inside the caller's; read only.
    On error: ``InvalidInput`` for a malformed number reaches the user as is.
    """


@hookspec
def identity_roles(session: Session, actor: Actor) -> list[str]:
    """Contribute extra roles to a logged-in actor (e.g. a district's own 'inspector').

    All results are merged into ``Actor.extra_roles``.

    Transaction: inside the caller's; read only.
    On error: the login fails with the error shown.
    """


# ── Catalog: what can be reported and applied for, and where ─────────────────────────────


@hookspec
def catalog_event_items() -> list[Mapping[str, Any]]:
    """Contribute grid event items (the 9 categories / 230+ items list).

    The grid plugin's own taxonomy is contributed through this same hook (``trylast``).
    Results are merged by ``code``: the first occurrence wins, so a district plugin's item
    overrides a built-in one. The item schema is documented in ``plugins/grid/README.md``;
    the merged list is validated on load (duplicates, unknown departments, missing limits).

    Transaction: none (pure data).
    On error: loading the taxonomy fails with a message naming the item.
    """


@hookspec
def catalog_service_items() -> list[Mapping[str, Any]]:
    """Contribute government service items (政务服务事项) to the catalog.

    Merged by ``code`` like ``catalog_event_items``; schema in
    ``plugins/services/README.md``; validated on load.

    Transaction: none (pure data).
    On error: loading the catalog fails with a message naming the item.
    """


@hookspec
def catalog_storefronts() -> list[Mapping[str, Any]]:
    """Contribute district flagship stores (区级旗舰店): name, district, featured items, look.

    Transaction: none (pure data).
    On error: loading the catalog fails with a message naming the storefront.
    """


@hookspec
def catalog_validate_application(
    item: Mapping[str, Any], data: Mapping[str, Any], applicant: Party | None
) -> Mapping[str, str] | None:
    """Extra form rules for an application, beyond the item's JSON Schema.

    Called on every save and submit of an application, after schema validation.

    :param item: the service item (as a dict); :param data: the form answers so far.
    :returns: ``{field: message}`` for each problem (message says how to fix it), or None.
      All implementations' results are merged.
    Transaction: inside the caller's; must not write.
    On error: the save is refused with the error shown.
    """


# ── Events: every state change, routing, deadlines ──────────────────────────────────────


@hookspec
def events_published(event: DomainEvent, platform: Platform) -> None:
    """React to a domain event (a report, a dispatch, an application submitted, …).

    Called **after commit** of the transaction that produced the event, once per event, in
    order. Each implementation is called in isolation: if one raises, the error is logged
    and recorded in ``Platform.hook_failures`` and the others still run. Open your own
    transaction with ``platform.session()`` if you need to write.

    :param event: a frozen ``DomainEvent``.
    :param platform: the platform whose transaction committed (optional to declare: an
      implementation that takes only ``event`` is called with ``event`` alone).
    Transaction: after commit; none of the caller's.
    On error: logged and recorded; never undoes the committed change.
    """


@hookspec(firstresult=True)
def events_route(
    session: Session, item: Mapping[str, Any], location: Location
) -> Route | None:
    """Decide which department handles an event of ``item`` at ``location`` (派单).

    *firstresult*: a district plugin's rule wins over the grid plugin's routing table
    (``trylast``), which wins over the core default: the community is responsible when
    nobody else is (属地兜底).

    :returns: a ``Route``, or None to let the next implementation decide.
    Transaction: inside the caller's; read only.
    On error: the dispatch is refused with the error shown; nothing is stored.
    """


@hookspec
def events_tick(session: Session, now: dt.datetime) -> Mapping[str, int] | None:
    """Periodic work: deadline checks, automatic escalation, overdue flags.

    Called by ``jinzhi tick`` (cron) and by the simulator under its virtual clock.

    :param now: the current instant from the platform's clock.
    :returns: counts of what was done (``{"escalated": 3}``), merged for reporting.
    Transaction: inside the caller's; the caller commits once for the whole tick.
    On error: the tick is rolled back and the error is reported.
    """


# ── Linkage: one picture of people, organisations and places ─────────────────────────────


@hookspec
def linkage_profile_sections(
    session: Session, subject: Subject, viewer: Actor
) -> list[ProfileSection]:
    """Contribute sections to the profile of a person, organisation or place.

    All results are merged and sorted by ``ProfileSection.order``. Mask what ``viewer`` may
    not see; the caller logs the view in the data-use log.

    Transaction: inside the caller's; read only.
    On error: the profile fails with the error shown (a partial profile would mislead).
    """


@hookspec(firstresult=True)
def linkage_open_case(session: Session, request: CaseRequest, actor: Actor) -> RecordRef | None:
    """Open a record in this plugin's domain on another domain's behalf.

    The plugin that owns ``request.kind`` (``"grid.event"``, ``"services.followup"``, …)
    creates the record and returns its reference; others return None.

    Transaction: inside the caller's, so the link and the record commit together.
    On error: the whole operation is rolled back; ``JinzhiError`` reaches the user.
    """


@hookspec(firstresult=True)
def linkage_record_status(session: Session, record: RecordRef) -> RecordRef | None:
    """Return ``record`` with its current title and status, if this plugin owns its type.

    ``status`` is the plugin's status code, ``label`` its display label (Chinese). Used to
    show a record's progress in another domain (a citizen's report in their list).

    Transaction: inside the caller's; read only.
    On error: shown to the user.
    """


@hookspec(firstresult=True)
def linkage_case_involves(session: Session, record: RecordRef, actor: Actor) -> bool | None:
    """Whether ``actor`` works on ``record``, the case someone's data is pulled for.

    Linkage asks before a pull "for case X" (a profile, evidence): staff must work on the
    case — its handler, a commander or grid worker whose area holds it, the clerk of the
    application's department and area — and a citizen must be its applicant or reporter.
    The plugin that owns ``record.type`` answers True or False (a record it does not hold:
    False); others return None, and linkage then refuses the pull (nobody vouches for it).

    *firstresult*. Transaction: inside the caller's; read only.
    On error: the pull fails with the error shown; nothing is logged.
    """


@hookspec(firstresult=True)
def linkage_record_action(
    session: Session, record: RecordRef, action: str, data: Mapping[str, Any], actor: Actor
) -> RecordRef | None:
    """Take a workflow action on a record this plugin owns, on another domain's behalf.

    Linkage uses it to finish what it links: close a grid event with the licence that
    resolves it (``"grid.event"``, action ``"close"``, data ``{"evidence": [{"type", "id",
    "title"}], "note"}``), attach a certificate the applicant confirmed to an application
    (``"services.application"``, action ``"reuse_certificate"``, data ``{"material_code",
    "certificate_id", "version"}``). The owning plugin documents its actions and data, and
    applies its own rules: who may act (``actor``), and whether the record's state allows it.

    *firstresult*: the plugin that owns ``record.type`` acts and returns the record with its
    new status; others return None (the caller reports that nobody owns the record).
    Transaction: inside the caller's, so the action and linkage's own rows commit together.
    On error: the whole operation is rolled back; ``JinzhiError`` (``PermissionDenied``,
    ``InvalidTransition``, ``InvalidInput``, ``Conflict``) reaches the user as is.
    """


@hookspec
def linkage_evidence(session: Session, holder: Subject, type: str | None) -> list[Evidence]:
    """Documents the government already holds about ``holder`` (licences, certificates).

    :param type: only evidence of this type (e.g. ``"licence.kindergarten"``), or all.
    All results are merged. The caller records the pull in the data-use log.

    Transaction: inside the caller's; read only.
    On error: shown to the user; the applicant can still upload the document.
    """
