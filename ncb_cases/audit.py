"""The one way audit events are written (DESIGN.md §4, issue 3 item 4).

Services call `audit_record` inside the transaction of the write they record, so that a
write and its audit row commit or roll back together. Audited reads (case detail, person,
victim identity) call it from `ncb_cases.selectors`. A refused read is recorded as DENIED
*outside* any failing transaction, so the record survives the error answer.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.http import Http404

from contacts.permissions import officer_of
from ncb_cases.choices import AuditAction
from ncb_cases.log_context import current_request
from ncb_cases.models import AuditEvent, Case

if TYPE_CHECKING:
    from django.http import HttpRequest

PURPOSE_MAX_LENGTH = 1000
ModelT = TypeVar("ModelT", bound=models.Model)


def audit_record(**arguments: Any) -> AuditEvent:
    """Write one audit event (the arguments of `audit_event`) and return it."""
    event = audit_event(**arguments)
    event.save()
    return event


def audit_event(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    case: Case | None = None,
    purpose: str = "",
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """The audit event `audit_record` writes, not yet saved (a caller recording the many
    writes of one transaction saves them with one `bulk_create`).

    - `actor`: the acting user; None (or anonymous) for the system itself. Their NCB at this
      moment is recorded with them.
    - `action`: an `AuditAction` value.
    - `obj`: the object acted on or read; its model name and `public_id` are recorded.
    - `case`: the case concerned; taken from `obj` (itself a case, or its `.case`) if omitted.
    - `purpose`: the stated reason, required by the caller for sensitive reads.
    - `ip`: the client address; anything that is not an IP address is dropped.
    - `details`: a few small JSON-serialisable facts. Never put a protected person's identity
      here: the trail is shown to supervisors without the victim-identity permission.
    """
    user = actor if actor is not None and actor.is_authenticated else None
    officer = officer_of(user) if user is not None else None
    return AuditEvent(
        actor=user,
        actor_ncb_id=officer.ncb_id if officer else None,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_public_id=getattr(obj, "public_id", None),
        case_id=case.pk if case is not None else _case_id_of(obj),
        purpose=(purpose or "").strip()[:PURPOSE_MAX_LENGTH],
        ip=_valid_ip(ip),
        details=details or {},
    )


def _case_id_of(obj: models.Model | None) -> int | None:
    """The case `obj` is (or belongs to), by key: its case row need not be read for that."""
    if obj is None:
        return None
    if isinstance(obj, Case):
        return obj.pk
    return getattr(obj, "case_id", None)


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def request_ip(request: HttpRequest) -> str | None:
    """The client address of a request, for `ip=`.

    REMOTE_ADDR only: behind a reverse proxy, the WSGI server must set it from the proxy's
    header (gunicorn `--forwarded-allow-ips`), since a client can forge X-Forwarded-For.
    """
    return _valid_ip(request.META.get("REMOTE_ADDR"))


class AuditedNotFound(Http404):
    """A 404 whose refused attempt on an existing object is already in the audit trail."""


def audit_denied(
    *,
    user: AbstractBaseUser | AnonymousUser,
    existing: models.QuerySet,
    attempted: str = AuditAction.VIEW,
    ip: str | None = None,
) -> AuditedNotFound:
    """Record `user`'s refused attempt on the object `existing` finds (whoever asks), if it
    exists, as DENIED; return the 404 to raise. A missing object writes nothing: the answer
    is the same 404 either way. The client address defaults to the current request's.

    The row is written at once: keep the call out of a transaction that the 404 rolls back.
    """
    if user.is_authenticated:
        found = existing.first()
        if found is not None:
            if ip is None:
                request = current_request()
                ip = request_ip(request) if request is not None else None
            audit_record(
                actor=user,
                action=AuditAction.DENIED,
                obj=found,
                ip=ip,
                details={"attempted": attempted},
            )
    return AuditedNotFound()


def audited_read(
    *,
    user: AbstractBaseUser | AnonymousUser,
    read: Callable[[], ModelT],
    existing: models.QuerySet,
    ip: str | None = None,
    details: Callable[[ModelT], dict[str, Any]] | None = None,
) -> ModelT:
    """A person's read of one protected object: `read()` (a selector raising Http404 for what
    `user` may not see), then one VIEW audit row. A refused read of an object that exists
    (`existing`: the queryset that finds it whoever asks) is recorded as DENIED, committed even
    though the caller answers 404, then Http404 is raised again. Do not wrap this in an outer
    transaction: the DENIED row must survive the error answer."""
    try:
        obj = read()
    except AuditedNotFound:
        raise
    except Http404 as exc:
        raise audit_denied(user=user, existing=existing, ip=ip) from exc
    with transaction.atomic():
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            obj=obj,
            ip=ip,
            details=details(obj) if details else None,
        )
    return obj
