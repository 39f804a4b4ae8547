"""Small helpers shared by the selectors."""

from __future__ import annotations

import uuid

from django.http import Http404

from ncb_cases.audit import audit_denied
from ncb_cases.choices import AuditAction


def as_uuid(value) -> uuid.UUID:
    """A public id from a URL or a form; anything else is the same 404 as a missing object."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise Http404 from exc


def denied(user, model, public_id, for_change: bool = False) -> Http404:
    """The 404 for a refused or missing `model` with `public_id`; a refused attempt on one
    that exists is audited as DENIED (`ncb_cases.audit.audit_denied`)."""
    return audit_denied(
        user=user,
        existing=model.objects.filter(public_id=public_id),
        attempted=AuditAction.UPDATE if for_change else AuditAction.VIEW,
    )
