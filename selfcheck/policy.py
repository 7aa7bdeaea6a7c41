"""Who may see and change what: every access rule of the app, for users and for respondents.

Views never test roles themselves. They call a guard here (which answers 403 or 404), and
templates ask the same predicates through the `policy` template global.
A gemeente's data is invisible to other gemeenten: what they may not see answers 404, so ids
do not leak; what they may see but not change answers 403.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import wraps

from flask import abort, session
from flask_login import current_user, login_required

from selfcheck.enums import GEMEENTE_ROLES, Role
from selfcheck.extensions import get_by_id
from selfcheck.models import Assessment, Gemeente, PlanAction, Response, utcnow

# --- users -----------------------------------------------------------------------------------


def sees_all_gemeenten(user) -> bool:
    """Advisers and admins work nationally; gemeente staff see their own gemeente only."""
    return user.role in (Role.ADVISEUR, Role.ADMIN)


def can_view(user, gemeente_id: int) -> bool:
    return sees_all_gemeenten(user) or user.gemeente_id == gemeente_id


def can_edit(user, gemeente_id: int) -> bool:
    """Answers, respondents and the consensus: the beleidsmedewerkers of the gemeente."""
    return user.role == Role.BELEIDSMEDEWERKER and user.gemeente_id == gemeente_id


def can_download_report(user, gemeente_id: int) -> bool:
    """Gemeente staff of their own gemeente, and advisers; admins manage, they do not report."""
    return user.role == Role.ADVISEUR or (user.role in GEMEENTE_ROLES and user.gemeente_id == gemeente_id)


def uses_adviser_pages(user) -> bool:
    return user.role in (Role.ADVISEUR, Role.ADMIN)


def can_give_feedback(user) -> bool:
    """Feedback is the institute's advisers' word; admins manage the app and only read checks."""
    return user.role == Role.ADVISEUR


def can_manage_questionnaire(user) -> bool:
    """The questionnaire's content is the institute's: its advisers (and admins) upload and publish it."""
    return user.role in (Role.ADVISEUR, Role.ADMIN)


def can_edit_plan(user, assessment: Assessment) -> bool:
    """The plan is made from a definitive check's advice, by its gemeente's beleidsmedewerkers;
    inkopers, advisers and admins read it."""
    return assessment.submitted and can_edit(user, assessment.gemeente_id)


def roles_required(*roles):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def questionnaire_manager() -> None:
    """Guard for the questionnaire pages (after login_required): 403 for anyone else."""
    if not can_manage_questionnaire(current_user):
        abort(403)


def can_preview_report(user) -> bool:
    """A new version's preview report shows a real gemeente's answers: advisers only, like reports."""
    return user.role == Role.ADVISEUR


def report_previewer() -> None:
    if not can_preview_report(current_user):
        abort(403)


def visible_gemeente(gemeente_id: int) -> Gemeente:
    """The gemeente if the user may see it; 404 otherwise, so other gemeenten's ids do not leak."""
    gemeente = get_by_id(Gemeente, gemeente_id)
    if gemeente is None or not can_view(current_user, gemeente.id):
        abort(404)
    return gemeente


def editable_gemeente(gemeente_id: int) -> Gemeente:
    gemeente = visible_gemeente(gemeente_id)
    if not can_edit(current_user, gemeente.id):
        abort(403)
    return gemeente


def visible_assessment(assessment_id: int, *, edit: bool = False) -> Assessment:
    assessment = get_by_id(Assessment, assessment_id)
    if assessment is None or not can_view(current_user, assessment.gemeente_id):
        abort(404)
    if edit and not can_edit(current_user, assessment.gemeente_id):
        abort(403)
    return assessment


def downloadable_assessment(assessment_id: int) -> Assessment:
    assessment = visible_assessment(assessment_id)
    if not can_download_report(current_user, assessment.gemeente_id):
        abort(403)
    return assessment


def plan_assessment(assessment_id: int, *, edit: bool = False) -> Assessment:
    """The check whose plan the user opens: 404 if not theirs to see, 403 to change it when they may
    not, 409 to change the plan of a check that is not definitive yet."""
    assessment = visible_assessment(assessment_id, edit=edit)
    if edit and not assessment.submitted:
        abort(409)
    return assessment


def plan_action(assessment: Assessment, action_id: int) -> PlanAction:
    action = get_by_id(PlanAction, action_id)
    if action is None or action.assessment_id != assessment.id:
        abort(404)
    return action


def invited_respondent(assessment: Assessment, response_id: int) -> Response:
    """The owner's view of one respondent of their check."""
    response = get_by_id(Response, response_id)
    if response is None or response.assessment_id != assessment.id or not response.is_respondent:
        abort(404)
    return response


# --- respondents -------------------------------------------------------------------------------
# A respondent has no account: starting from the personal link (a POST, never a GET) puts the
# response's id in the session, bound to the link it was started with. A new link (renewal,
# reminder), an AVG erase (which removes the link) and the link's expiry end that session.

RESPONDENT_SESSION_KEY = "respondent_response"
RESPONDENT_BINDING_KEY = "respondent_link"


def respondent_binding(response: Response) -> str | None:
    """What a respondent's session stores of the link it started from: a hash of the stored hash,
    so the cookie holds nothing that finds the link, and any new link changes it."""
    if response.invite_hash is None:
        return None
    return hashlib.sha256(f"session:{response.invite_hash}".encode()).hexdigest()


def respondent_link_open(response: Response) -> bool:
    """The personal link still starts (and carries) a session."""
    return (
        response.is_respondent
        and response.invite_hash is not None
        and response.invite_expires_at is not None
        and response.invite_expires_at >= utcnow()
    )


def current_respondent() -> Response:
    """The respondent of this session; 403 for anyone else, and for a session ended on the server."""
    response = get_by_id(Response, session.get(RESPONDENT_SESSION_KEY) or 0)
    if (
        response is None
        or response.invite_used_at is None
        or not respondent_link_open(response)
        or not hmac.compare_digest(session.get(RESPONDENT_BINDING_KEY) or "", respondent_binding(response) or "-")
    ):
        abort(403)
    return response


def respondent_contact(response: Response):
    """The gemeente's owner of the check whom the respondent's pages name: who invited them, else
    who started the check; None if neither account exists any more."""
    return response.invited_by or response.assessment.created_by


def respondent_sees_domain(response: Response, domain_id: str) -> bool:
    """Respondents answer only the domains they were invited for, and never see others' answers."""
    return response.covers(domain_id)


def respondent_can_edit(response: Response) -> bool:
    return response.submitted_at is None and not response.assessment.submitted


def respondent_sees_outcome(response: Response) -> bool:
    """The gemeente's final answers, once the owner chose to share them."""
    return response.assessment.consensus_shared
