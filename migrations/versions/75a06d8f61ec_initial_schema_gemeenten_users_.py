"""initial schema: gemeenten, users, assessments, answers

Revision ID: 75a06d8f61ec
Revises: 
Create Date: 2026-11-22 21:53:28.947538

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '75a06d8f61ec'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('gemeente',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('province', sa.String(length=60), nullable=False),
    sa.Column('jeugdregio', sa.String(length=120), nullable=False),
    sa.Column('inhabitants', sa.Integer(), nullable=True),
    sa.CheckConstraint('inhabitants IS NULL OR inhabitants >= 0', name=op.f('ck_gemeente_inhabitants_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gemeente')),
    sa.UniqueConstraint('code', name=op.f('uq_gemeente_code'))
    )
    op.create_table('questionnaire_version',
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('fingerprint', name=op.f('pk_questionnaire_version'))
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(role IN ('beleidsmedewerker', 'inkoper')) = (gemeente_id IS NOT NULL)", name=op.f('ck_user_gemeente_matches_role')),
    sa.CheckConstraint("role IN ('beleidsmedewerker', 'inkoper', 'adviseur', 'admin')", name=op.f('ck_user_role_known')),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_user_gemeente_id_gemeente')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    op.create_table('assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('questionnaire_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('concept', 'definitief')", name=op.f('ck_assessment_status_known')),
    sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_assessment_year_plausible')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_assessment_created_by_id_user')),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_assessment_gemeente_id_gemeente')),
    sa.ForeignKeyConstraint(['questionnaire_fingerprint'], ['questionnaire_version.fingerprint'], name=op.f('fk_assessment_questionnaire_fingerprint_questionnaire_version')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_assessment_submitted_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment')),
    sa.UniqueConstraint('gemeente_id', 'year', name='uq_assessment_gemeente_year')
    )
    op.create_table('response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('respondent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_response_assessment_id_assessment')),
    sa.ForeignKeyConstraint(['respondent_id'], ['user.id'], name=op.f('fk_response_respondent_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response')),
    sa.UniqueConstraint('assessment_id', 'respondent_id', name='uq_response_assessment_respondent')
    )
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index('uq_response_shared', ['assessment_id'], unique=True, sqlite_where=sa.text('respondent_id IS NULL'), postgresql_where=sa.text('respondent_id IS NULL'))

    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=64), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_answer_response_id_response')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_answer_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer')),
    sa.UniqueConstraint('response_id', 'question_id', name='uq_answer_response_question')
    )


def downgrade():
    op.drop_table('answer')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('uq_response_shared', sqlite_where=sa.text('respondent_id IS NULL'), postgresql_where=sa.text('respondent_id IS NULL'))

    op.drop_table('response')
    op.drop_table('assessment')
    op.drop_table('user')
    op.drop_table('questionnaire_version')
    op.drop_table('gemeente')
