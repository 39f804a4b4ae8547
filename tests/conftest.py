"""The cast of named users shared by every test: their names say what they can see."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from contacts.choices import OfficerRole
from tests.factories import (
    CountryFactory,
    NcbFactory,
    RegionFactory,
    SubRegionalBureauFactory,
    UserFactory,
    officer_user,
)

pytest_plugins = ["tests.ncb_cases.sqlite_audit_flush"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs about half a second per user; tests check behaviour, not hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language_per_test():
    # A request in French (the officer's language, the switcher) leaves French active in the
    # thread; a later test rendering a template outside a request would then read French.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _evidence_store_per_test(settings, tmp_path, monkeypatch):
    # Each test its own evidence store, never the checkout's var/; the environment variable
    # carries it to a Celery worker process started by an integration test.
    root = tmp_path / "evidence-files"
    settings.EVIDENCE_FILE_ROOT = root
    monkeypatch.setenv("EVIDENCE_FILE_ROOT", str(root))


@pytest.fixture(autouse=True)
def _fresh_hst_lookup_caches():
    # The HST inbox and receipt checks keep NCBs and keyrings per process for a few seconds and
    # forget them when a record is saved or deleted; a test's rollback sends no such signal, and
    # on PostgreSQL the next test's NCBs get new ids, so a remembered NCB would point nowhere.
    from messages_hst import receipts
    from messages_hst.inbox import directory

    directory.clear()
    receipts.forget_keyrings()
    yield
    directory.clear()
    receipts.forget_keyrings()


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    # Production serves hashed files collected by `collectstatic`; tests read the sources.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture
def europe(db):
    return RegionFactory(code="EU", name="Europe")


@pytest.fixture
def srb_europe_bureau(europe):
    return SubRegionalBureauFactory(code="RB-EUR", name="European Regional Bureau", region=europe)


@pytest.fixture
def ncb_fr(srb_europe_bureau):
    country = CountryFactory(
        iso2="FR",
        iso3="FRA",
        name="France",
        capital="Paris",
        sub_regional_bureau=srb_europe_bureau,
    )
    return NcbFactory(country=country, name="INTERPOL Paris")


@pytest.fixture
def ncb_de(srb_europe_bureau):
    country = CountryFactory(
        iso2="DE",
        iso3="DEU",
        name="Germany",
        capital="Berlin",
        sub_regional_bureau=srb_europe_bureau,
    )
    return NcbFactory(country=country, name="INTERPOL Wiesbaden", phone_24_7="+49611000001")


@pytest.fixture
def officer_fr(ncb_fr):
    return officer_user("officer_fr", ncb_fr, OfficerRole.OFFICER)


@pytest.fixture
def supervisor_fr(ncb_fr):
    return officer_user("supervisor_fr", ncb_fr, OfficerRole.SUPERVISOR)


@pytest.fixture
def analyst_fr(ncb_fr):
    return officer_user("analyst_fr", ncb_fr, OfficerRole.ANALYST)


@pytest.fixture
def officer_de(ncb_de):
    return officer_user("officer_de", ncb_de, OfficerRole.OFFICER)


@pytest.fixture
def supervisor_de(ncb_de):
    return officer_user("supervisor_de", ncb_de, OfficerRole.SUPERVISOR)


@pytest.fixture
def srb_europe(ncb_fr, srb_europe_bureau):
    return officer_user(
        "srb_europe", ncb_fr, OfficerRole.SRB_MONITOR, sub_regional_bureau=srb_europe_bureau
    )


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def user_without_ncb(db):
    return UserFactory(username="no_ncb")


def mfa_verified_client(user, client=None) -> Client:
    """A browser session of `user` past both sign-in steps, as after a real sign-in.

    The user gets a confirmed authenticator (TOTP device) if they have none, and the session
    is marked verified with it the way `django_otp.login()` marks it (NCB_REQUIRE_MFA stays
    on for the suite, so an unverified session would be sent to the code page).
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = client or Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for():
    """`client_for(user)`: a browser session signed in as `user` (or anonymous for None),
    second factor included."""

    def make(user):
        if user is None:
            return Client()
        return mfa_verified_client(user)

    return make


@pytest.fixture
def api_client_for():
    """`api_client_for(user)`: a DRF client authenticated as `user` (anonymous for None)."""
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
