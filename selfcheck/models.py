"""Database models. Answers are stored per (response, question); the questionnaire
an assessment was filled in with is kept by its fingerprint."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Index, UniqueConstraint, and_
from sqlalchemy.ext.hybrid import hybrid_property
from werkzeug.security import check_password_hash, generate_password_hash

from selfcheck.enums import GEMEENTE_ROLES, ActionStatus, Perspective, Role, Status, sql_list
from selfcheck.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Gemeente(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(6), nullable=False, unique=True)  # CBS code, e.g. GM0758
    name = db.Column(db.String(120), nullable=False)
    province = db.Column(db.String(60), nullable=False, default="")
    jeugdregio = db.Column(db.String(120), nullable=False, default="")
    inhabitants = db.Column(db.Integer)
    minors = db.Column(db.Integer)  # inhabitants under 18 (CBS): the report estimates KOPP/KOV children from it
    minors_year = db.Column(db.Integer)  # the year the number of minors is from

    assessments = db.relationship("Assessment", back_populates="gemeente", order_by="Assessment.year.desc()")

    __table_args__ = (
        CheckConstraint("inhabitants IS NULL OR inhabitants >= 0", name="inhabitants_positive"),
        CheckConstraint("minors IS NULL OR minors >= 0", name="minors_positive"),
    )


class User(UserMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)
    name = db.Column(db.String(120), nullable=False)
    password_hash = db.Column(db.String(255))  # None until the user accepts the invitation
    role = db.Column(db.String(20), nullable=False)
    gemeente_id = db.Column(db.Integer, db.ForeignKey("gemeente.id"))
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # Raised by logout, a new password and deactivation: a session cookie carries the generation it
    # was made in (auth.views), so raising it ends every earlier session of this user on the server.
    session_generation = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    gemeente = db.relationship("Gemeente", lazy="joined")  # every page header shows it
    tokens = db.relationship("UserToken", cascade="all, delete-orphan", passive_deletes=True, back_populates="user")

    __table_args__ = (
        CheckConstraint(f"role IN {Role.sql_list()}", name="role_known"),
        # Gemeente staff belong to exactly one gemeente; national roles to none.
        CheckConstraint(
            f"(role IN {sql_list(GEMEENTE_ROLES)}) = (gemeente_id IS NOT NULL)",
            name="gemeente_matches_role",
        ),
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def end_sessions(self) -> None:
        """Every session cookie of this user made so far stops working (no commit)."""
        self.session_generation = (self.session_generation or 0) + 1

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class UserToken(db.Model):
    """A link sent to a user (invitation, password reset): only the sha256 of its random token is
    stored, it expires, and it works once (auth.tokens)."""

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    purpose = db.Column(db.String(20), nullable=False)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    expires_at = db.Column(db.DateTime, nullable=False)
    used_at = db.Column(db.DateTime)

    user = db.relationship("User", back_populates="tokens")

    __table_args__ = (CheckConstraint("purpose IN ('invitation', 'reset')", name="purpose_known"),)


class QuestionnaireVersion(db.Model):
    """The exact text of a questionnaire version: shipped with the product, or uploaded by an adviser.

    The current version is the latest one published and not withdrawn; a check keeps the version it
    was started on. An uploaded version waits (published_at None) until someone publishes it.
    """

    fingerprint = db.Column(db.String(64), primary_key=True)
    version = db.Column(db.String(40), nullable=False)
    source = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    filename = db.Column(db.String(200))  # None: the file shipped with the product
    uploaded_by_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"))
    published_at = db.Column(db.DateTime)
    published_by_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"))
    withdrawn_at = db.Column(db.DateTime)  # only a version no check ever used can be withdrawn

    uploaded_by = db.relationship("User", foreign_keys=[uploaded_by_id])
    published_by = db.relationship("User", foreign_keys=[published_by_id])


class Assessment(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    gemeente_id = db.Column(db.Integer, db.ForeignKey("gemeente.id"), nullable=False)
    year = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(12), nullable=False, default=Status.CONCEPT.value)
    questionnaire_fingerprint = db.Column(
        db.String(64), db.ForeignKey("questionnaire_version.fingerprint"), nullable=False
    )
    created_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    submitted_at = db.Column(db.DateTime)
    submitted_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    consensus_shared = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    # The earlier check this one was pre-filled from. Its answers that nobody changed since still
    # have version 0 (every save raises an answer's version), so "carried over" needs no column.
    prefilled_from_id = db.Column(db.Integer, db.ForeignKey("assessment.id", ondelete="SET NULL"))
    # Raised by every save; an UPDATE that finds another version fails (optimistic locking).
    version = db.Column(db.Integer, nullable=False, default=1, server_default="1")

    # Plain lazy load: for gemeente staff the gemeente is already in the identity map (User.gemeente).
    gemeente = db.relationship("Gemeente", back_populates="assessments")
    questionnaire_version = db.relationship("QuestionnaireVersion")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    submitted_by = db.relationship("User", foreign_keys=[submitted_by_id])
    responses = db.relationship("Response", back_populates="assessment", cascade="all, delete-orphan")
    scores = db.relationship("DomainScore", cascade="all, delete-orphan")
    feedback = db.relationship("Feedback", order_by="Feedback.created_at", back_populates="assessment")
    prefilled_from = db.relationship("Assessment", remote_side=[id])
    actions = db.relationship(
        "PlanAction", back_populates="assessment", cascade="all, delete-orphan", order_by="PlanAction.id"
    )
    focus = db.relationship("PlanFocus", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (read by SQLAlchemy once, never mutated)
    __table_args__ = (
        UniqueConstraint("gemeente_id", "year", name="uq_assessment_gemeente_year"),
        CheckConstraint(f"status IN {Status.sql_list()}", name="status_known"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_plausible"),
    )

    @property
    def submitted(self) -> bool:
        return self.status == Status.DEFINITIEF

    @property
    def status_label(self) -> str:
        return Status(self.status).label


class Response(db.Model):
    """One set of answers to an assessment.

    Today every assessment has one shared response of its gemeente
    (respondent_id NULL); several respondents can each get their own later.
    """

    id = db.Column(db.Integer, primary_key=True)
    assessment_id = db.Column(db.Integer, db.ForeignKey("assessment.id"), nullable=False)
    respondent_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    # An invited respondent (no account): who, from which perspective, for which domains.
    name = db.Column(db.String(120))
    email = db.Column(db.String(254))
    perspective = db.Column(db.String(20))
    domains = db.Column(db.JSON)  # list of domain ids; None: all domains
    invite_hash = db.Column(db.String(64), unique=True)  # sha256 of the one-time link's token
    invite_expires_at = db.Column(db.DateTime)
    invite_used_at = db.Column(db.DateTime)  # when the respondent first started with the link
    submitted_at = db.Column(db.DateTime)
    # Who invited them: the person the respondent's pages name as their contact.
    invited_by_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"))

    assessment = db.relationship("Assessment", back_populates="responses")
    invited_by = db.relationship("User", foreign_keys=[invited_by_id])
    answers = db.relationship("Answer", back_populates="response", cascade="all, delete-orphan")

    @property
    def is_respondent(self) -> bool:
        return self.perspective is not None

    @hybrid_property
    def is_shared(self) -> bool:
        """The gemeente's own (final) answers, as opposed to a respondent's."""
        return self.respondent_id is None and self.perspective is None

    @is_shared.inplace.expression
    @classmethod
    def _is_shared_expression(cls):
        return and_(cls.respondent_id.is_(None), cls.perspective.is_(None))

    def covers(self, domain_id: str) -> bool:
        return self.domains is None or domain_id in self.domains

    __table_args__ = (
        UniqueConstraint("assessment_id", "respondent_id", name="uq_response_assessment_respondent"),
        CheckConstraint(f"perspective IS NULL OR perspective IN {Perspective.sql_list()}", name="perspective_known"),
        Index(
            "uq_response_shared",
            "assessment_id",
            unique=True,
            sqlite_where=db.text("respondent_id IS NULL AND perspective IS NULL"),
            postgresql_where=db.text("respondent_id IS NULL AND perspective IS NULL"),
        ),
    )


class Answer(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    response_id = db.Column(db.Integer, db.ForeignKey("response.id"), nullable=False)
    question_id = db.Column(db.String(64), nullable=False)
    value = db.Column(db.String(64))  # None: only a comment so far
    comment = db.Column(db.Text, nullable=False, default="")
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    # The assessment version that last changed this answer: a save based on an older version
    # that would change it again is a conflict.
    version = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    reason = db.Column(db.Text)  # why the owner chose this final answer when respondents differed

    response = db.relationship("Response", back_populates="answers")
    updated_by = db.relationship("User")

    __table_args__ = (UniqueConstraint("response_id", "question_id", name="uq_answer_response_question"),)


class AuditEvent(db.Model):
    """Who did what, when: answers changed, reports downloaded, data exported, accounts managed."""

    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), index=True)  # None once the user is deleted
    user_label = db.Column(db.String(300), nullable=False, default="")  # who, as it was at the time
    action = db.Column(db.String(40), nullable=False)
    gemeente_id = db.Column(db.Integer, db.ForeignKey("gemeente.id"))
    assessment_id = db.Column(db.Integer, db.ForeignKey("assessment.id"), index=True)
    detail = db.Column(db.JSON, nullable=False, default=dict)

    user = db.relationship("User")
    gemeente = db.relationship("Gemeente")
    assessment = db.relationship("Assessment")


class DomainScore(db.Model):
    """The scoring core's result per domain, stored so advisers' overviews aggregate in SQL.

    Rewritten whenever an assessment's answers change (assessments.refresh_scores); domain_id
    '_totaal' holds the overall score and level.
    """

    assessment_id = db.Column(db.Integer, db.ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    domain_id = db.Column(db.String(64), primary_key=True)
    score = db.Column(db.Integer)  # None: too few answers for a score
    level_id = db.Column(db.String(64))
    level_rank = db.Column(db.Integer)

    __table_args__ = (Index("ix_domain_score_domain_score", "domain_id", "score"),)


class Feedback(db.Model):
    """An adviser's comment on a submitted assessment, overall or for one domain."""

    id = db.Column(db.Integer, primary_key=True)
    assessment_id = db.Column(db.Integer, db.ForeignKey("assessment.id"), nullable=False, index=True)
    domain_id = db.Column(db.String(64))  # None: about the whole check
    author_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    text = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    author = db.relationship("User")
    assessment = db.relationship("Assessment", back_populates="feedback")


class PlanFocus(db.Model):
    """A domain the gemeente chose to work on first; the plan opens with it."""

    assessment_id = db.Column(db.Integer, db.ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    domain_id = db.Column(db.String(64), primary_key=True)


class PlanAction(db.Model):
    """One action of a check's plan: what, who, with whom, by when, how success shows, and how it
    stands. Made from a recommendation (`recommendation_id`) or by hand; `carried_from` is the
    same action in last year's plan."""

    id = db.Column(db.Integer, primary_key=True)
    assessment_id = db.Column(
        db.Integer, db.ForeignKey("assessment.id", ondelete="CASCADE"), nullable=False, index=True
    )
    domain_id = db.Column(db.String(64), nullable=False)
    recommendation_id = db.Column(db.String(64))
    title = db.Column(db.String(300), nullable=False)
    owner = db.Column(db.String(120), nullable=False)
    partners = db.Column(db.String(300), nullable=False, default="")
    due = db.Column(db.Date)
    success = db.Column(db.Text, nullable=False, default="")
    status = db.Column(db.String(10), nullable=False, default=ActionStatus.GEPLAND.value)
    status_note = db.Column(db.Text, nullable=False, default="")
    carried_from_id = db.Column(db.Integer, db.ForeignKey("plan_action.id", ondelete="SET NULL"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"))
    # Two people editing one action: the second save is refused rather than silently winning.
    version = db.Column(db.Integer, nullable=False, default=1, server_default="1")

    assessment = db.relationship("Assessment", back_populates="actions")
    updated_by = db.relationship("User")
    carried_from = db.relationship("PlanAction", remote_side=[id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (read by SQLAlchemy once, never mutated)
    __table_args__ = (CheckConstraint(f"status IN {ActionStatus.sql_list()}", name="action_status_known"),)

    @property
    def status_label(self) -> str:
        return ActionStatus(self.status).label
