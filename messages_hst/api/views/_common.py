"""What every viewset of the message API shares: the role gate, errors, schema pieces.

Access control is not decided here: the role gate only answers 401/403 before any message is
looked at (so it reveals nothing); `messages_hst.selectors` decide which messages may be read
(404 for missing and forbidden alike, before the request body is read), and the services
decide what may be done with them. A service's role refusal (an officer approving, an author
approving their own message) is a 403: the caller sees the message, so saying why hides
nothing; the case API's handler would make it a 404.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import exceptions, permissions

from contacts.api.serializers import ErrorSerializer
from messages_hst import permissions as message_permissions
from ncb_cases.api.schema import NOT_AUTHENTICATED, VALIDATION_ERROR
from ncb_cases.api.views._common import CaseApiViewSet


class MessageDataAccess(permissions.IsAuthenticated):
    """Readers of messages: officers, supervisors and analysts of an NCB.

    Anonymous callers get 401; SRB monitors and users of no NCB (instance admins included:
    they administer, they do not correspond) get 403; analysts get 403 for any write.
    """

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if message_permissions.message_reader(request.user) is None:
            self.message = _("Your role does not give access to messages.")
            return False
        writes = request.method not in permissions.SAFE_METHODS
        if writes and not message_permissions.can_compose(request.user):
            self.message = _("Your role reads messages but does not write them.")
            return False
        return True


class MessageApiViewSet(CaseApiViewSet):
    """Base of the message API's viewsets: the message role gate instead of the case one."""

    permission_classes = [MessageDataAccess]


def problem_dicts(problems) -> list[dict]:
    """`Problem`s (or their dicts) as the `{path, code, severity, message}` dicts of a 400."""
    return [
        problem if isinstance(problem, dict) else problem.as_dict() for problem in problems or ()
    ]


# What a service calls the message it was handed, as the API names it: the message's state.
SERVICE_KEYS = {"__all__": "non_field_errors", "inbound": "status", "original": "status"}


@contextmanager
def service_errors(*, problems_shown=None, **renamed: str):
    """The services' refusals in the API's shapes: `{field: [messages]}` naming what the
    client sent (`renamed`: service argument → request field; the message handed to the
    service is its `status`), HST problems as a 400 listing every one under `document`
    (`{path, code, severity, message}`, through `problems_shown` when the reader may not see
    everything they quote), a role refusal as a 403 with its reason (see the module
    docstring)."""
    try:
        yield
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        names = {**SERVICE_KEYS, **renamed}
        errors: dict[str, list] = {}
        for field, messages in exc.message_dict.items():
            errors.setdefault(names.get(field, field), []).extend(messages)
        problems = getattr(exc, "problems", None)
        if problems:
            shown = problems_shown or (lambda problems: problems)
            errors["document"] = shown(problem_dicts(problems))
        raise exceptions.ValidationError(errors) from exc
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(
            str(exc) or _("You may not do this with this message.")
        ) from exc


# --- Schema pieces --------------------------------------------------------------------------

MESSAGE_NOT_ALLOWED = OpenApiResponse(
    response=ErrorSerializer,
    description=_(
        "Your role reads no messages (SRB monitors, users of no NCB), does not write them "
        "(analysts), or may not take this action on this message (approving your own "
        "message, approving without being a supervisor of the sender NCB)."
    ),
)
MESSAGE_NOT_FOUND = OpenApiResponse(
    response=ErrorSerializer,
    description=_(
        "Missing, or not your NCB's message: the two look the same, whatever the request body."
    ),
)
DOCUMENT_PROBLEMS = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=_(
        "`{field: [messages]}` naming every field at fault; the HST document's problems "
        '(HST.md §8) as `{"document": [{"path", "code", "severity", "message"}, ...]}`, '
        'every one at once; a refusal of the message\'s state as `{"status": [...]}`. '
        "Nothing was changed."
    ),
    examples=[
        OpenApiExample(
            "Document with errors",
            value={
                "document": [
                    {
                        "path": "/body/persons/0/date_of_birth",
                        "code": "invalid_format",
                        "severity": "error",
                        "message": "body.persons[0].date_of_birth: '17/05/1984' is not valid: "
                        "expected YYYY, YYYY-MM or YYYY-MM-DD",
                    }
                ]
            },
            response_only=True,
        ),
        OpenApiExample(
            "Wrong state",
            value={"status": ["Not possible for a message queued."]},
            response_only=True,
        ),
    ],
)
READ_ERRORS = {401: NOT_AUTHENTICATED, 403: MESSAGE_NOT_ALLOWED}
DETAIL_ERRORS = {**READ_ERRORS, 404: MESSAGE_NOT_FOUND}
ACTION_ERRORS = {400: DOCUMENT_PROBLEMS, **DETAIL_ERRORS}
LIST_ERRORS = {400: VALIDATION_ERROR, **READ_ERRORS}
