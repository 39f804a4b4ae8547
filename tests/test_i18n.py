"""Languages: the switcher, each officer's remembered language (applied at sign-in and in a new
browser), right-to-left Arabic pages and a page rendered from the compiled French catalogue."""

import datetime
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from ncb_cases import services
from ncb_cases.choices import OffenceType
from tests.factories import country
from tests.ncb_cases.assets.factories import make_asset

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
LOCALE_DIR = Path(settings.BASE_DIR) / "locale"


@pytest.fixture
def compiled_catalogues(settings, tmp_path):
    """The committed French catalogue compiled into a directory of this test's own.

    The suite must not depend on `make install` having compiled `locale/` (a plain `pytest`
    run, another process rewriting a .po): compile what is committed, as the build does.
    Changing LOCALE_PATHS makes Django drop its cached catalogues.
    """
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed")
    target = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    subprocess.run(
        [
            msgfmt,
            "-o",
            str(target / "django.mo"),
            str(LOCALE_DIR / "fr" / "LC_MESSAGES" / "django.po"),
        ],
        check=True,
    )
    settings.LOCALE_PATHS = [tmp_path / "locale"]


def language_cookie(response) -> str | None:
    cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    return cookie.value if cookie is not None else None


def sign_in(client, username="officer_fr"):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def test_signed_in_officer_switching_language_has_it_remembered(officer_fr, client_for):
    # given
    client = client_for(officer_fr)

    # when
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/cases/"})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/cases/"
    assert language_cookie(response) == "ar"
    officer_fr.officer.refresh_from_db()
    assert officer_fr.officer.language == "ar"


def test_anonymous_switch_sets_only_the_cookie(officer_fr):
    # given
    client = Client()

    # when
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/accounts/login/"})

    # then
    assert response.status_code == 302
    assert language_cookie(response) == "es"
    officer_fr.officer.refresh_from_db()
    assert officer_fr.officer.language is None


def test_unknown_language_is_not_remembered(officer_fr, client_for):
    # given
    client = client_for(officer_fr)

    # when
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})

    # then
    officer_fr.officer.refresh_from_db()
    assert officer_fr.officer.language is None


def test_remembered_language_replaces_the_browsers_at_sign_in(officer_fr):
    # given: the officer chose Arabic elsewhere; this browser was last used in Spanish
    officer_fr.officer.language = "ar"
    officer_fr.officer.save(update_fields=["language"])
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    # when
    response = sign_in(client)

    # then
    assert response.status_code == 302
    assert language_cookie(response) == "ar"


def test_language_chosen_in_one_browser_follows_the_officer_to_another(officer_fr, client_for):
    # given
    client_for(officer_fr).post("/i18n/setlang/", {"language": "ar", "next": "/"})
    other_browser = Client()

    # when
    response = sign_in(other_browser)

    # then
    assert language_cookie(response) == "ar"


def test_sign_in_without_a_remembered_language_keeps_the_browsers(officer_fr):
    # given
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    # when
    response = sign_in(client)

    # then
    assert response.status_code == 302
    assert language_cookie(response) is None


def test_signed_in_request_without_cookie_is_rendered_in_the_remembered_language(
    officer_fr, client_for
):
    # given: a signed-in session in a browser without the language cookie
    officer_fr.officer.language = "ar"
    officer_fr.officer.save(update_fields=["language"])
    client = client_for(officer_fr)

    # when
    response = client.get("/")

    # then
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.content.decode()
    assert language_cookie(response) == "ar"


def test_the_cookie_wins_over_the_remembered_language(officer_fr, client_for):
    # given: switched to Spanish on the login page, before signing in
    officer_fr.officer.language = "ar"
    officer_fr.officer.save(update_fields=["language"])
    client = client_for(officer_fr)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    # when
    response = client.get("/")

    # then
    assert '<html lang="es" dir="ltr">' in response.content.decode()
    assert language_cookie(response) is None


def test_arabic_pages_are_right_to_left(officer_fr, client_for):
    # given
    client = client_for(officer_fr)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    # when
    response = client.get("/cases/")

    # then
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_login_page_in_english_is_left_to_right():
    # when
    response = Client().get("/accounts/login/")

    # then
    assert '<html lang="en" dir="ltr">' in response.content.decode()


def test_french_page_shows_the_french_translation(compiled_catalogues, officer_fr, client_for):
    # given
    client = client_for(officer_fr)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    # when
    response = client.get("/")

    # then
    page = response.content.decode()
    assert '<html lang="fr" dir="ltr">' in page
    assert "Se déconnecter" in page
    assert "Sign out" not in page


@pytest.fixture
def case_with_asset(officer_fr):
    """A French case opened on 1 February 2026 holding an account of 1,234.50 EUR."""
    country("FR")
    case = services.case_create(
        actor=officer_fr,
        data={
            "title": "Fictitious locale test case",
            "summary": "Fictitious: only its dates and amounts matter here.",
            "offence_type": OffenceType.THB,
            "opened_on": datetime.date(2026, 2, 1),
            "countries": [{"country": "FR", "role": "DESTINATION"}],
        },
    )
    make_asset(officer_fr, case, estimated_value=Decimal("1234.50"), currency="EUR")
    return case


@pytest.mark.parametrize(
    ("language", "opened_on"),
    [("en", ">2026-02-01<"), ("fr", ">01/02/2026<"), ("es", ">01/02/2026<")],
)
def test_dates_are_shown_in_the_languages_order(
    language, opened_on, case_with_asset, officer_fr, client_for
):
    # given
    client = client_for(officer_fr)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    # when
    response = client.get(f"/cases/{case_with_asset.public_id}/")

    # then
    page = response.content.decode()
    assert opened_on in page
    assert '<time datetime="2026-02-01">' in page


@pytest.mark.parametrize(
    ("language", "amount"),
    [("en", ">1,234.50</span> EUR"), ("fr", ">1\N{NO-BREAK SPACE}234,50</span> EUR")],
)
def test_amounts_are_grouped_and_pointed_as_the_language_writes_them(
    language, amount, case_with_asset, officer_fr, client_for
):
    # given
    client = client_for(officer_fr)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    # when
    response = client.get(f"/cases/{case_with_asset.public_id}/assets/")

    # then
    assert response.status_code == 200
    assert amount in response.content.decode()
