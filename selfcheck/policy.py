"""Access checks used by every view: one place for who may see and change what."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from selfcheck.extensions import get_by_id
from selfcheck.models import Assessment, Gemeente


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


def visible_gemeente(gemeente_id: int) -> Gemeente:
    """The gemeente if the user may see it; 404 otherwise, so other gemeenten's ids do not leak."""
    gemeente = get_by_id(Gemeente, gemeente_id)
    if gemeente is None or not current_user.can_view(gemeente.id):
        abort(404)
    return gemeente


def visible_assessment(assessment_id: int, *, edit: bool = False) -> Assessment:
    assessment = get_by_id(Assessment, assessment_id)
    if assessment is None or not current_user.can_view(assessment.gemeente_id):
        abort(404)
    if edit and not current_user.can_edit(assessment.gemeente_id):
        abort(403)
    return assessment
