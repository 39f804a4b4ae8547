"""One error shape for the API: `{"detail": ...}` or `{field: [messages]}` with 400."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.defaults import page_not_found
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        # Services raise Django's ValidationError; the API answers it like a serializer error.
        if hasattr(exc, "error_dict"):
            detail = {
                ("non_field_errors" if field == "__all__" else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {"detail": " ".join(exc.messages)}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, PermissionDenied):
        # Forbidden and missing look the same (DESIGN.md §5).
        exc = Http404()
    return drf_exception_handler(exc, context)


def not_found(request, exception):
    """The instance's 404 page (`handler404`): under /api/ the same JSON as the API's own 404s,
    so a client scripting the API never has to parse an HTML page for a mistyped route."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
    return page_not_found(request, exception)
