"""api keys: the channel a channel key's reports are recorded with

Revision ID: core_0003_api_key_channel
Revises: core_0002_api_keys
Create Date: 2026-11-29 06:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'core_0003_api_key_channel'
down_revision = 'core_0002_api_keys'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('core_api_key', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('core_api_key', schema=None) as batch_op:
        batch_op.drop_column('channel')
