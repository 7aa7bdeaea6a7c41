"""prefilled_from: the earlier check a check was pre-filled from

Revision ID: a7c3e91f0b2d
Revises: 8e41c0d7b2f5
Create Date: 2026-12-02 16:00:00

Existing checks keep NULL: nothing is shown as carried over for them.
"""
from alembic import op
import sqlalchemy as sa

revision = "a7c3e91f0b2d"
down_revision = "8e41c0d7b2f5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.add_column(sa.Column("prefilled_from_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_assessment_prefilled_from_id_assessment", "assessment", ["prefilled_from_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.drop_constraint("fk_assessment_prefilled_from_id_assessment", type_="foreignkey")
        batch_op.drop_column("prefilled_from_id")
