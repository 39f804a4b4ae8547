"""Whether this session passed its second factor, and sending it there if not.

`VerifiedSessionMiddleware` gives `request.user` the `is_verified()` of django-otp from the
session alone: `django_otp.login()` records the verifying device in the session, only for a
device of that very user, and Django empties the session whenever another user signs in
on it. It does not reload the device on every request as django-otp's own middleware does
(one query per page): a device replaced on the profile page therefore leaves other sessions
verified until they end (8 hours at most) or the password is changed, which signs them out.

`MfaRequiredMiddleware` sends every signed-in browser session that has not passed its
second factor to it.

With `NCB_REQUIRE_MFA` on, a user who signed in with a password but has not entered a code
in this session is redirected to the code page (or to enrolment when they have no
authenticator yet) from every page, the admin included. Left alone: sign-in and sign-out,
the MFA pages themselves, pages open to anonymous visitors (health probes, language
switch), static files (served before this middleware) and the API, which authenticates
each request by its personal token.
"""

import functools

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from rest_framework.views import APIView

from contacts import lockout  # noqa: F401  (connects the audit of sign-in events)
from contacts.mfa import has_mfa

# URL names an unverified session may still reach.
EXEMPT_URL_NAMES = frozenset({"login", "logout", "mfa_verify", "mfa_setup", "set_language"})


class VerifiedSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None:
            request.user = SimpleLazyObject(functools.partial(_with_verification, request, user))
        return self.get_response(request)


def _with_verification(request, user):
    verified = bool(user.is_authenticated and request.session.get(DEVICE_ID_SESSION_KEY))
    user.is_verified = lambda: verified
    return user


class MfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.NCB_REQUIRE_MFA:
            return None
        view_class = getattr(view_func, "cls", None)
        if view_class is not None and issubclass(view_class, APIView):
            return None
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in EXEMPT_URL_NAMES:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        step = "mfa_verify" if has_mfa(user) else "mfa_setup"
        return redirect_to_login(request.get_full_path(), reverse(step))
