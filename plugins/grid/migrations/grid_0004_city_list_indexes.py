"""The city's list newest first, and its inbox boxes (escalated, 属地 cases, extensions to
approve), are read from indexes.

Revision ID: grid_0004
Revises: grid_0003
"""
from alembic import op

from core.migrations.statistics import refresh

revision = "grid_0004"
down_revision = "grid_0003"
branch_labels = None
depends_on = None

OPEN = ["status", "community_code", "due_at", "close_due", "reported_at"]


def upgrade() -> None:
    op.create_index("ix_grid_event_reported", "grid_event", ["reported_at"])
    op.drop_index("ix_grid_event_open", table_name="grid_event")
    op.create_index("ix_grid_event_open", "grid_event",
                    [*OPEN, "escalation_level", "department_code", "pending_request"])
    refresh("grid_event")


def downgrade() -> None:
    op.drop_index("ix_grid_event_open", table_name="grid_event")
    op.create_index("ix_grid_event_open", "grid_event", OPEN)
    op.drop_index("ix_grid_event_reported", table_name="grid_event")
