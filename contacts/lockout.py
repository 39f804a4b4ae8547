"""Brute-force protection of the sign-in (django-axes) and the audit of sign-in events.

Five failed sign-ins for one username from one client address lock that pair for 15 minutes
(settings `AXES_*`); a success resets the count. Axes counts every failed `authenticate()`
that is given the request: the sign-in form, the admin's and the API token endpoint alike.

The audit trail records each sign-in, failed sign-in and lockout with the client address. It
never records a password, a code or a username that matches no account (a mistyped password
is often typed into the username field).
"""

import ipaddress

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction

LOCKOUT_MINUTES = 15


def locked_message() -> str:
    return _(
        "Too many failed sign-ins: this account is locked from your address for "
        "%(minutes)d minutes. Try again later or ask an administrator to unlock it."
    ) % {"minutes": LOCKOUT_MINUTES}


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the outermost trusted reverse proxy saw it.

    With no trusted proxy (`TRUSTED_PROXY_COUNT=0`), REMOTE_ADDR. Behind N proxies, each one
    appends the address it received the request from to X-Forwarded-For, so the client's is
    the N-th entry from the right; entries further left were written by the client itself
    and are never trusted. A header too short or malformed falls back to REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            address = _valid_ip(forwarded[-count])
            if address:
                return address
    return _valid_ip(remote) if remote else None


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """What a locked-out client is told: a 400 in the API's error format, a page otherwise."""
    message = locked_message()
    if is_api_request(request):
        return JsonResponse({"non_field_errors": [message]}, status=400)
    return render(
        request,
        "registration/locked_out.html",
        {"message": message, "minutes": LOCKOUT_MINUTES},
        status=429,
    )


def _user_named(username) -> object | None:
    if not isinstance(username, str) or not username:
        return None
    return get_user_model()._default_manager.filter(**{"username": username}).first()


def _address(request) -> str | None:
    if request is None:
        return None
    return client_ip(getattr(request, "_request", request))


def audit_auth_event(*, request, user, event: str, failed: bool = False) -> None:
    """One audit record of a sign-in event; `event` names it, failures are DENIED."""
    audit_record(
        actor=user,
        action=AuditAction.DENIED if failed else AuditAction.UPDATE,
        ip=_address(request),
        details={"event": event},
    )


@receiver(user_logged_in, dispatch_uid="contacts.lockout.audit_sign_in")
def _audit_sign_in(sender, request, user, **kwargs) -> None:
    audit_auth_event(request=request, user=user, event="sign_in")


@receiver(user_login_failed, dispatch_uid="contacts.lockout.audit_sign_in_failed")
def _audit_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django masks the password in `credentials`; only a known account is named, as actor.
    user = _user_named((credentials or {}).get("username"))
    audit_auth_event(request=request, user=user, event="sign_in_failed", failed=True)


@receiver(user_locked_out, dispatch_uid="contacts.lockout.audit_locked_out")
def _audit_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    # Sent when the 5th failure locks the pair, and again for each attempt while locked.
    audit_record(
        actor=_user_named(username),
        action=AuditAction.DENIED,
        ip=ip_address,
        details={"event": "locked_out", "minutes": LOCKOUT_MINUTES},
    )
