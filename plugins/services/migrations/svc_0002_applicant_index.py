"""A person's applications by status, deadline, area and department from one index (a
place's profile counts its residents' applications from the index alone).

Revision ID: svc_0002
Revises: svc_0001
"""
from alembic import op

from core.migrations.statistics import refresh

revision = "svc_0002"
down_revision = "svc_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_svc_application_applicant_id", table_name="svc_application")
    op.create_index("ix_svc_application_applicant", "svc_application",
                    ["applicant_id", "status", "due_at", "area_code", "department_code"])
    refresh("svc_application")


def downgrade() -> None:
    op.drop_index("ix_svc_application_applicant", table_name="svc_application")
    op.create_index("ix_svc_application_applicant_id", "svc_application", ["applicant_id"])
