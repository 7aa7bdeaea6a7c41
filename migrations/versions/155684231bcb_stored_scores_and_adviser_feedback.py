"""stored scores and adviser feedback

After this upgrade, run `flask --app selfcheck refresh-scores` once to store the scores of
existing assessments (the scoring itself lives in the app, not in migrations).

Revision ID: 155684231bcb
Revises: cf35bd2157f1
Create Date: 2026-11-22 22:52:15.563697

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '155684231bcb'
down_revision = 'cf35bd2157f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('domain_score',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('domain_id', sa.String(length=64), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('level_id', sa.String(length=64), nullable=True),
    sa.Column('level_rank', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_domain_score_assessment_id_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', 'domain_id', name=op.f('pk_domain_score'))
    )
    with op.batch_alter_table('domain_score', schema=None) as batch_op:
        batch_op.create_index('ix_domain_score_domain_score', ['domain_id', 'score'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('domain_id', sa.String(length=64), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_feedback_assessment_id_assessment')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_feedback_author_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_assessment_id'), ['assessment_id'], unique=False)



def downgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_assessment_id'))

    op.drop_table('feedback')
    with op.batch_alter_table('domain_score', schema=None) as batch_op:
        batch_op.drop_index('ix_domain_score_domain_score')

    op.drop_table('domain_score')
