"""The benchmark's yardstick: a bare Flask endpoint doing one ORM insert per request.

``bench_web.py`` serves it with gunicorn next to the real app and compares the requests per
second of reporting an event with this. Run: ``gunicorn --chdir bench 'bare_app:make()'``
with ``JINZHI_DATABASE_URL`` set.
"""

from __future__ import annotations

import datetime as dt
import os

from flask import Flask

from core.audit import AuditRecord
from core.db import make_engine, make_session_factory


def make() -> Flask:
    engine = make_engine(os.environ["JINZHI_DATABASE_URL"])
    sessions = make_session_factory(engine)
    app = Flask(__name__)

    @app.post("/insert")
    def insert() -> tuple[str, int]:
        with sessions() as session:
            session.add(AuditRecord(
                at=dt.datetime.now(dt.UTC), actor_id=None, actor_name="bench",
                actor_role="system", action="bench.insert", entity_type="bench",
                entity_id="0",
            ))
            session.commit()
        return "ok", 201

    return app
