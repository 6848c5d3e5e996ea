"""Reference data the seed loads: the merged item list, departments and the routing table.
Idempotent: running it again adds only what is missing and keeps an admin's routing edits."""

from __future__ import annotations

import pluggy
from sqlalchemy.orm import Session

from plugins.grid import routing, taxonomy


def seed(session: Session, pm: pluggy.PluginManager) -> dict[str, int]:
    tax = taxonomy.load(pm)
    counts = {
        "items": taxonomy.sync(session, tax),
        "departments": routing.seed_departments(session),
        "routes_added": routing.seed_routes(session, tax),
    }
    session.flush()
    return counts
