"""What every viewset of the case API shares: who may call it, input validation, the case.

Access control is not decided here: the role gate below only answers 401/403 before any
object is looked at (so it reveals nothing), and the selectors and services decide which
case may be read or changed, answering 404 for missing and forbidden alike.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.serializers import Serializer

from ncb_cases import permissions as case_permissions
from ncb_cases import selectors
from ncb_cases.api.schema import UUID_PATTERN
from ncb_cases.audit import request_ip
from ncb_cases.models import Case


class CaseDataAccess(permissions.IsAuthenticated):
    """Readers of case data: officers, supervisors and analysts of an NCB, and admins.

    Anonymous callers get 401; SRB monitors and users of no NCB get 403 on the case list
    (they see no case data at all) and, like anyone for a case that is not theirs, 404 for
    anything under a case (issue 6: an SRB monitor can open nothing below the aggregate);
    analysts get 403 for any write (they read through the API only).
    """

    # Unsafe methods change cases, except where a view says otherwise (a POSTed search).
    unsafe_methods_write = True

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if not case_permissions.can_read_cases(request.user):
            if view.kwargs:  # a case, or something of a case, named by its id
                raise NotFound
            self.message = _("Your role does not give access to case data.")
            return False
        writes = self.unsafe_methods_write and request.method not in permissions.SAFE_METHODS
        if writes and not case_permissions.can_edit_cases(request.user):
            self.message = _("Your role reads cases but does not change them.")
            return False
        return True


class CaseDataReadAccess(CaseDataAccess):
    """Readers of case data, whatever the method: for a POST that writes nothing (search)."""

    unsafe_methods_write = False


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Serializer errors as `{dotted.path: [messages]}`, the shape the services use
    (`documents.0.mrz`), so that a client reads one error format whichever layer refused."""
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(flatten_errors(value, f"{prefix}{key}."))
        return flat
    if isinstance(detail, list) and not all(isinstance(item, str) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(flatten_errors(item, f"{prefix}{index}."))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix.rstrip("."): [str(message) for message in messages]} if messages else {}


def validated(serializer: Serializer) -> dict:
    """The serializer's validated data, or a 400 naming every field at fault."""
    if not serializer.is_valid():
        raise ValidationError(flatten_errors(serializer.errors))
    return dict(serializer.validated_data)


def user_by_username(username: str | None, *, field: str, message):
    """The active user with this username (None for an empty value), or a 400 on `field`.

    The message is the same for unknown and unsuitable users, so that it does not tell
    which usernames exist.
    """
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError({field: [message]})
    return user


class CaseApiViewSet(viewsets.GenericViewSet):
    """Base of every viewset of the case API: the role gate, no generic filter backends
    (filters are parsed explicitly), objects addressed by public id."""

    permission_classes = [CaseDataAccess]
    filter_backends: list = []
    lookup_field = "public_id"
    lookup_value_regex = UUID_PATTERN

    @property
    def ip(self) -> str | None:
        return request_ip(self.request)

    def fake_schema_view(self) -> bool:
        # drf-spectacular builds the schema without a user: no selector can run then.
        return getattr(self, "swagger_fake_view", False)


class CaseChildViewSet(CaseApiViewSet):
    """Base of the endpoints under `/cases/{case_id}/`: the case is read through the selector
    once per request, so a case the caller may not see is a 404 for everything under it."""

    _case: Case | None = None

    def get_case(self) -> Case:
        if self._case is None:
            self._case = selectors.case_get_for_user(
                user=self.request.user, case_id=self.kwargs["case_id"]
            )
        return self._case

    def check_in_case(self, obj_case_id) -> None:
        """An object reached under another case's URL is a 404, like a missing one."""
        if obj_case_id != self.get_case().pk:
            raise Http404
