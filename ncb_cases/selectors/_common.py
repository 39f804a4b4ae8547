"""Small helpers shared by the selectors."""

from __future__ import annotations

import uuid

from django.http import Http404


def as_uuid(value) -> uuid.UUID:
    """A public id from a URL or a form; anything else is the same 404 as a missing object."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise Http404 from exc
