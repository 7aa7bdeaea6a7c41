"""optimistic locking: a version on assessments and answers

Revision ID: 3b9d2c4e7a10
Revises: 75a06d8f61ec
Create Date: 2026-11-22 22:40:00

Existing rows start at version 1 (assessments) and 0 (answers), so no save is refused
because of the upgrade itself.
"""
from alembic import op
import sqlalchemy as sa

revision = "3b9d2c4e7a10"
down_revision = "75a06d8f61ec"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("answer") as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("answer") as batch_op:
        batch_op.drop_column("version")
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.drop_column("version")
