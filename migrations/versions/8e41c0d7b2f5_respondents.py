"""respondents: invited perspectives with their own answers, and reasons for final answers

Revision ID: 8e41c0d7b2f5
Revises: 155684231bcb
Create Date: 2026-11-22 23:20:00

The gemeente's own (final) response is now the one without respondent and without perspective,
so its unique index is rebuilt with that condition.
"""
from alembic import op
import sqlalchemy as sa

revision = "8e41c0d7b2f5"
down_revision = "155684231bcb"
branch_labels = None
depends_on = None

OLD_WHERE = "respondent_id IS NULL"
NEW_WHERE = "respondent_id IS NULL AND perspective IS NULL"


def upgrade():
    with op.batch_alter_table("response") as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("perspective", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("domains", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("invite_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("invite_expires_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("invite_used_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_response_invite_hash"), ["invite_hash"])
        batch_op.create_check_constraint(
            "ck_response_perspective_known",
            "perspective IS NULL OR perspective IN ('beleid', 'inkoop', 'uitvoering', 'ketenpartner', 'zorgverzekeraar')")
        batch_op.drop_index("uq_response_shared", sqlite_where=sa.text(OLD_WHERE), postgresql_where=sa.text(OLD_WHERE))
        batch_op.create_index("uq_response_shared", ["assessment_id"], unique=True,
                              sqlite_where=sa.text(NEW_WHERE), postgresql_where=sa.text(NEW_WHERE))
    with op.batch_alter_table("answer") as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.add_column(sa.Column("consensus_shared", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.drop_column("consensus_shared")
    with op.batch_alter_table("answer") as batch_op:
        batch_op.drop_column("reason")
    with op.batch_alter_table("response") as batch_op:
        batch_op.drop_index("uq_response_shared", sqlite_where=sa.text(NEW_WHERE), postgresql_where=sa.text(NEW_WHERE))
        batch_op.create_index("uq_response_shared", ["assessment_id"], unique=True,
                              sqlite_where=sa.text(OLD_WHERE), postgresql_where=sa.text(OLD_WHERE))
        batch_op.drop_constraint("ck_response_perspective_known", type_="check")
        batch_op.drop_constraint(batch_op.f("uq_response_invite_hash"), type_="unique")
        for column in ("submitted_at", "invite_used_at", "invite_expires_at", "invite_hash", "domains",
                       "perspective", "email", "name"):
            batch_op.drop_column(column)
