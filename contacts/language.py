"""Each officer's interface language, remembered on their NCB membership (issue 9).

Django keeps the chosen language in a cookie, which belongs to one browser. The officer's
choice is also stored on `Officer.language`, so it follows them: set when a signed-in officer
uses the language switcher, and put back into the cookie at sign-in and whenever a signed-in
request arrives without the cookie (a new browser, cleared cookies).
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from contacts.models import Officer
from contacts.permissions import officer_of


def officer_language_set(*, officer: Officer, language: str) -> None:
    """Remember `language` (a code of settings.LANGUAGES) as the officer's interface language.

    A preference, not case data: no audit row. Unknown codes are ignored.
    """
    if language not in dict(settings.LANGUAGES) or officer.language == language:
        return
    officer.language = language
    officer.full_clean(validate_unique=False, validate_constraints=False)
    officer.save(update_fields=["language", "updated_at"])


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's `set_language` (cookie, redirect to `next`), plus the officer's remembered choice.

    Anonymous users (the login page) keep the cookie only.
    """
    response = set_language(request)
    officer = officer_of(request.user)
    language = request.POST.get("language", "")
    if officer is not None and translation.check_for_language(language):
        officer_language_set(officer=officer, language=language)
    return response


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class OfficerLanguageMiddleware:
    """Apply the officer's remembered language (after AuthenticationMiddleware).

    - A request that signs the user in (the user was anonymous before the view and is not
      after) gets the officer's language as its cookie, replacing what the previous user of
      the browser chose.
    - A signed-in request without the language cookie is rendered in the officer's language
      and gets the cookie, so the membership is read once per browser, not on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        was_anonymous = not request.user.is_authenticated
        cookie_missing = settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        remembered = None
        if not was_anonymous and cookie_missing:
            remembered = self._remembered(request)
            if remembered:
                translation.activate(remembered)
                request.LANGUAGE_CODE = remembered
        response = self.get_response(request)
        if was_anonymous and request.user.is_authenticated:
            remembered = self._remembered(request)
        if remembered and settings.LANGUAGE_COOKIE_NAME not in response.cookies:
            _set_language_cookie(response, remembered)
        return response

    @staticmethod
    def _remembered(request: HttpRequest) -> str | None:
        officer = officer_of(request.user)
        if officer is None or officer.language not in dict(settings.LANGUAGES):
            return None
        return officer.language
