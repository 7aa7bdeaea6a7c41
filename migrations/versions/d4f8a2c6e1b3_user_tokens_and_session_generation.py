"""user tokens, session generation, who invited a respondent

Revision ID: d4f8a2c6e1b3
Revises: a7c3e91f0b2d
Create Date: 2026-12-10 10:00:00

User invitation and password links become random tokens stored only as their sha256
(user_token), instead of signed payloads that carried the password hash. Every user gets a
session generation (raised by logout, a new password and deactivation) that ends old cookies.
A respondent remembers who invited them, the contact their pages name.
"""

import sqlalchemy as sa
from alembic import op

revision = "d4f8a2c6e1b3"
down_revision = "a7c3e91f0b2d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("purpose IN ('invitation', 'reset')", name=op.f("ck_user_token_purpose_known")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_user_token_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_token_token_hash")),
    )
    op.create_index(op.f("ix_user_token_user_id"), "user_token", ["user_id"], unique=False)
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("response") as batch_op:
        batch_op.add_column(sa.Column("invited_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_response_invited_by_id_user", "user", ["invited_by_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("response") as batch_op:
        batch_op.drop_constraint("fk_response_invited_by_id_user", type_="foreignkey")
        batch_op.drop_column("invited_by_id")
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("session_generation")
    op.drop_index(op.f("ix_user_token_user_id"), table_name="user_token")
    op.drop_table("user_token")
