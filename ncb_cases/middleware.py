"""Request middleware shared by every app."""

from django.contrib.auth.middleware import LoginRequiredMiddleware
from rest_framework.views import APIView


class BrowserLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Send anonymous browser users to the login page, everywhere but the exempt views.

    API views are left to DRF, which authenticates tokens itself and answers 401 as JSON
    instead of redirecting a script to an HTML login form.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "cls", None)
        if view_class is not None and issubclass(view_class, APIView):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
