"""Events keep the link to a photo the reporting app hosts (Open311's media_url).

Revision ID: grid_0003
Revises: grid_0002
"""
import sqlalchemy as sa
from alembic import op

revision = "grid_0003"
down_revision = "grid_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("grid_event", sa.Column("media_url", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("grid_event") as batch_op:
        batch_op.drop_column("media_url")
