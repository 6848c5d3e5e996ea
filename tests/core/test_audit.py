"""The audit trail is append-only, on every backend."""

import pytest
from sqlalchemy import exc, text

from core import audit


def test_records_are_kept_in_order(session, system, clock):
    audit.record(session, system, "create", "thing", 7, at=clock.now(), after={"a": 1})
    audit.record(session, system, "update", "thing", 7, at=clock.now(), before={"a": 1},
                 after={"a": 2}, note="because")
    rows = audit.trail(session, "thing", 7)
    assert [r.action for r in rows] == ["create", "update"]
    assert rows[1].before == {"a": 1} and rows[1].after == {"a": 2}
    assert rows[0].actor_name == "system"


@pytest.mark.parametrize("sql", ["UPDATE core_audit SET action = 'x'", "DELETE FROM core_audit"])
def test_the_database_refuses_to_change_history(session, system, clock, sql):
    audit.record(session, system, "create", "thing", 8, at=clock.now())
    session.flush()
    with pytest.raises(exc.DatabaseError, match="append-only"), session.begin_nested():
        session.execute(text(sql))
    assert len(audit.trail(session, "thing", 8)) == 1
