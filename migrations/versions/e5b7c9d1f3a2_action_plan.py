"""The action plan: actions per check, and the domains it focuses on

Revision ID: e5b7c9d1f3a2
Revises: d4f8a2c6e1b3
Create Date: 2026-12-02 19:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = "e5b7c9d1f3a2"
down_revision = "d4f8a2c6e1b3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plan_focus",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessment.id"], ondelete="CASCADE", name="fk_plan_focus_assessment_id_assessment"
        ),
        sa.PrimaryKeyConstraint("assessment_id", "domain_id", name="pk_plan_focus"),
    )
    op.create_table(
        "plan_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.String(length=64), nullable=False),
        sa.Column("recommendation_id", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("partners", sa.String(length=300), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("success", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("status_note", sa.Text(), nullable=False),
        sa.Column("carried_from_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "status IN ('gepland', 'bezig', 'gereed', 'gestopt')", name="ck_plan_action_action_status_known"
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessment.id"], ondelete="CASCADE", name="fk_plan_action_assessment_id_assessment"
        ),
        sa.ForeignKeyConstraint(
            ["carried_from_id"], ["plan_action.id"], ondelete="SET NULL", name="fk_plan_action_carried_from_id_plan_action"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user.id"], ondelete="SET NULL", name="fk_plan_action_updated_by_id_user"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_plan_action"),
    )
    op.create_index("ix_plan_action_assessment_id", "plan_action", ["assessment_id"])


def downgrade():
    op.drop_index("ix_plan_action_assessment_id", table_name="plan_action")
    op.drop_table("plan_action")
    op.drop_table("plan_focus")
