"""minors per gemeente, with its year: the report estimates the number of KOPP/KOV children from it

Revision ID: f6c8d0e2a4b6
Revises: e5b7c9d1f3a2
Create Date: 2026-12-02 19:20:00
"""
from alembic import op
import sqlalchemy as sa

revision = "f6c8d0e2a4b6"
down_revision = "e5b7c9d1f3a2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("gemeente") as batch_op:
        batch_op.add_column(sa.Column("minors", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("minors_year", sa.Integer(), nullable=True))
        batch_op.create_check_constraint("ck_gemeente_minors_positive", "minors IS NULL OR minors >= 0")


def downgrade():
    with op.batch_alter_table("gemeente") as batch_op:
        batch_op.drop_constraint("ck_gemeente_minors_positive", type_="check")
        batch_op.drop_column("minors_year")
        batch_op.drop_column("minors")
