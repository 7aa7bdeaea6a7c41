"""questionnaire publishing: who uploaded and published a version, and when; withdrawal

Revision ID: a1d3f5b7c9e2
Revises: f6c8d0e2a4b6
Create Date: 2026-12-03 12:00:00

Every version stored so far was in use, so each counts as published when it was first stored.
"""
import sqlalchemy as sa
from alembic import op

revision = "a1d3f5b7c9e2"
down_revision = "f6c8d0e2a4b6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("questionnaire_version") as batch_op:
        batch_op.add_column(sa.Column("filename", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("uploaded_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("published_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("published_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            "fk_questionnaire_version_uploaded_by_id_user", "user", ["uploaded_by_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_foreign_key(
            "fk_questionnaire_version_published_by_id_user", "user", ["published_by_id"], ["id"], ondelete="SET NULL"
        )
    op.execute("UPDATE questionnaire_version SET published_at = created_at")


def downgrade():
    with op.batch_alter_table("questionnaire_version") as batch_op:
        batch_op.drop_constraint("fk_questionnaire_version_published_by_id_user", type_="foreignkey")
        batch_op.drop_constraint("fk_questionnaire_version_uploaded_by_id_user", type_="foreignkey")
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("published_by_id")
        batch_op.drop_column("published_at")
        batch_op.drop_column("uploaded_by_id")
        batch_op.drop_column("filename")
