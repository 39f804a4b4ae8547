"""The Content-Security-Policy of every response, with a fresh nonce per request.

Scripts run only from this origin or, where a script truly must be inline, with the request's
nonce (`{{ request.csp_nonce }}` in a template); no `unsafe-inline`, no `eval`. Styles come
from this origin only: inline `style=""` attributes are refused too, so templates use classes.
Nothing may frame a page (`frame-ancestors 'none'`, the modern twin of X-Frame-Options DENY),
and forms post only back here.

Swagger UI is served by drf-spectacular's split view, whose start-up script is a file of this
origin as well. One exception, for styles only: the pages of DRF's browsable API carry inline
styles in DRF's own templates, so their responses allow `'unsafe-inline'` styles (never
scripts). A `report-uri` is added when `CSP_REPORT_URI` is set.
"""

import secrets

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from rest_framework.renderers import BrowsableAPIRenderer

BASE_POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'self' 'nonce-{nonce}'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
)


INLINE_STYLES = "'self' 'unsafe-inline'"


def content_security_policy(nonce: str, *, inline_styles: bool = False) -> str:
    directives = [
        f"{name} {INLINE_STYLES if inline_styles and name == 'style-src' else value}".format(
            nonce=nonce
        )
        for name, value in BASE_POLICY
    ]
    report_uri = getattr(settings, "CSP_REPORT_URI", "")
    if report_uri:
        directives.append(f"report-uri {report_uri}")
    return "; ".join(directives)


class ContentSecurityPolicyMiddleware:
    """Sets `request.csp_nonce` (made only if a template asks for it) and the policy header
    (enforced, or report-only while `CSP_REPORT_ONLY` is on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        made: list[str] = []

        def make_nonce() -> str:
            made.append(secrets.token_urlsafe(16))
            return made[0]

        request.csp_nonce = SimpleLazyObject(make_nonce)
        response = self.get_response(request)
        header = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "CSP_REPORT_ONLY", False)
            else "Content-Security-Policy"
        )
        if header not in response:
            # An unused nonce still goes in the header: it is harmless and keeps one policy.
            nonce = made[0] if made else secrets.token_urlsafe(16)
            response[header] = content_security_policy(
                nonce, inline_styles=_is_browsable_api(response)
            )
        return response


def _is_browsable_api(response) -> bool:
    renderer = getattr(response, "accepted_renderer", None)
    return isinstance(renderer, BrowsableAPIRenderer)
