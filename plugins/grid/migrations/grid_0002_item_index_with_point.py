"""The item index carries the point: the duplicate check reads it from the index alone.

Revision ID: grid_0002
Revises: grid_0001
"""
from alembic import op

revision = "grid_0002"
down_revision = "grid_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_grid_event_item", table_name="grid_event")
    op.create_index("ix_grid_event_item", "grid_event", ["item_code", "reported_at", "lat", "lon"])


def downgrade() -> None:
    op.drop_index("ix_grid_event_item", table_name="grid_event")
    op.create_index("ix_grid_event_item", "grid_event", ["item_code", "reported_at"])
