import itertools
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts import services
from contacts.choices import ContactRole, OfficerRole
from contacts.models import (
    ApiToken,
    ContactPoint,
    Country,
    Language,
    NationalCentralBureau,
    NCBPublicKey,
    Notification,
    Officer,
    ReferenceDataLoad,
    Region,
    SubRegionalBureau,
)
from messages_hst import signing
from tests.factories import (
    ContactPointFactory,
    CountryFactory,
    NcbFactory,
    UserFactory,
    language,
    officer_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Each user of the cast would otherwise cost a deliberately slow PBKDF2 hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_serial = itertools.count(1)


def _letters(n: int) -> str:
    """Two or three letters unique per call, for made-up ISO-like codes."""
    return "".join(chr(ord("A") + int(d)) for d in f"{n:03d}")


def add_region():
    n = next(_serial)
    return Region.objects.create(code=f"T{n}", name=f"Test region {n}")


def add_bureau():
    n = next(_serial)
    return SubRegionalBureau.objects.create(
        code=f"RB-T{n}", name=f"Test bureau {n}", city="Lyon", region=add_region()
    )


def add_country():
    code = _letters(next(_serial))
    return CountryFactory(
        iso2=code[1:], iso3=code, name=f"Testland {code}", sub_regional_bureau=add_bureau()
    )


def add_ncb():
    return NcbFactory(country=add_country())


def add_language():
    code = _letters(next(_serial))[1:].lower()
    return language(code, f"Test language {code}")


def add_contact_point():
    return ContactPointFactory(ncb=add_ncb(), languages=["en"])


def add_officer():
    user = officer_user(f"officer_{next(_serial)}", add_ncb(), OfficerRole.OFFICER)
    return user.officer


def add_notification():
    return Notification.objects.create(recipient=UserFactory(), subject="Verify your contacts")


def add_api_token():
    token, _key = services.api_token_create(user=UserFactory(), name="analysis script")
    return token


def add_reference_data_load():
    return ReferenceDataLoad.objects.create(version=f"test.{next(_serial)}")


def add_public_key():
    key_text = signing.public_key_to_text(Ed25519PrivateKey.generate().public_key())
    return services.ncb_public_key_register(ncb=add_ncb(), public_key=key_text)


ADD_ROW = {
    Region: add_region,
    SubRegionalBureau: add_bureau,
    Country: add_country,
    NationalCentralBureau: add_ncb,
    Language: add_language,
    ContactPoint: add_contact_point,
    Officer: add_officer,
    Notification: add_notification,
    ApiToken: add_api_token,
    ReferenceDataLoad: add_reference_data_load,
    NCBPublicKey: add_public_key,
}


@pytest.fixture
def admin_client(client_for, admin_user):
    return client_for(admin_user)


def changelist_url(model) -> str:
    return reverse(f"admin:contacts_{model._meta.model_name}_changelist")


def change_url(obj) -> str:
    return reverse(f"admin:contacts_{obj._meta.model_name}_change", args=[obj.pk])


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("model", list(ADD_ROW), ids=lambda model: model.__name__)
def test_changelist_and_change_page_load_for_a_superuser(model, admin_client):
    # given
    obj = ADD_ROW[model]()
    # when
    changelist = admin_client.get(changelist_url(model))
    change = admin_client.get(change_url(obj))
    # then
    assert changelist.status_code == 200
    assert change.status_code == 200


@pytest.mark.parametrize("model", list(ADD_ROW), ids=lambda model: model.__name__)
def test_changelist_query_count_does_not_grow_with_the_rows(model, admin_client):
    # given
    ADD_ROW[model]()
    few = queries_for(admin_client, changelist_url(model))
    for _ in range(4):
        ADD_ROW[model]()
    # when
    more = queries_for(admin_client, changelist_url(model))
    # then
    assert more == few


@pytest.mark.parametrize("model", list(ADD_ROW), ids=lambda model: model.__name__)
def test_change_page_runs_a_bounded_number_of_queries(model, admin_client):
    # given
    obj = ADD_ROW[model]()
    # when
    count = queries_for(admin_client, change_url(obj))
    # then
    assert count <= 12


def test_admin_designation_goes_through_the_service_and_stores_e164(
    admin_client, admin_user, ncb_fr
):
    # given
    english = language("en")
    # when
    response = admin_client.post(
        reverse("admin:contacts_contactpoint_add"),
        {
            "ncb": ncb_fr.pk,
            "role": ContactRole.PRIMARY,
            "designated_from": "",
            "full_name": "Claire PETIT-TEST",
            "phone_24_7": "+33 1 99 00 00 21",
            "secure_email": "thb@ncb-fr.example.test",
            "languages": [english.pk],
            "time_zone": "Europe/Paris",
            "_save": "Save",
        },
    )
    # then
    assert response.status_code == 302
    contact = ContactPoint.objects.get()
    assert contact.phone_24_7 == "+33199000021"
    assert contact.designated_by == admin_user
    assert list(contact.languages.all()) == [english]


def test_admin_designation_with_a_malformed_phone_is_a_form_error(admin_client, ncb_fr):
    # when
    response = admin_client.post(
        reverse("admin:contacts_contactpoint_add"),
        {
            "ncb": ncb_fr.pk,
            "role": ContactRole.PRIMARY,
            "full_name": "Claire PETIT-TEST",
            "phone_24_7": "12",
            "secure_email": "thb@ncb-fr.example.test",
            "languages": [language("en").pk],
            "time_zone": "Europe/Paris",
        },
    )
    # then
    assert response.status_code == 200
    assert "phone_24_7" in response.context["adminform"].form.errors
    assert not ContactPoint.objects.exists()


def test_admin_redesignation_closes_the_previous_holder(admin_client, ncb_fr):
    # given
    previous = ContactPointFactory(ncb=ncb_fr, role=ContactRole.PRIMARY)
    # when
    admin_client.post(
        reverse("admin:contacts_contactpoint_add"),
        {
            "ncb": ncb_fr.pk,
            "role": ContactRole.PRIMARY,
            "full_name": "Claire PETIT-TEST",
            "phone_24_7": "+33 1 99 00 00 22",
            "secure_email": "thb@ncb-fr.example.test",
            "languages": [language("fr").pk],
            "time_zone": "Europe/Paris",
        },
    )
    # then
    previous.refresh_from_db()
    assert previous.designated_to == timezone.localdate()
    assert ContactPoint.objects.current().get(ncb=ncb_fr).full_name == "Claire PETIT-TEST"


def test_closed_designation_is_read_only_and_cannot_be_deleted(admin_client, ncb_fr):
    # given
    closed = ContactPointFactory(
        ncb=ncb_fr, designated_to=timezone.localdate() - timedelta(days=1)
    )
    # when
    page = admin_client.get(change_url(closed))
    edit = admin_client.post(change_url(closed), {"full_name": "Rewritten history"})
    delete = admin_client.post(
        reverse("admin:contacts_contactpoint_delete", args=[closed.pk]), {"post": "yes"}
    )
    # then
    assert page.context["has_change_permission"] is False
    assert edit.status_code == 403
    assert delete.status_code == 403
    closed.refresh_from_db()
    assert closed.full_name == "Camille DURAND-TEST"


def test_api_token_pages_never_show_the_hash_and_revoke_action_revokes(admin_client):
    # given
    token = add_api_token()
    # when
    page = admin_client.get(change_url(token))
    listing = admin_client.get(changelist_url(ApiToken))
    response = admin_client.post(
        changelist_url(ApiToken), {"action": "revoke", "_selected_action": [token.pk]}
    )
    # then
    assert token.prefix in page.content.decode()
    assert token.key_hash not in page.content.decode()
    assert token.key_hash not in listing.content.decode()
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_officer_added_in_admin_joins_the_ncb_group(admin_client, ncb_de):
    # given
    user = UserFactory(username="newcomer_de")
    # when
    response = admin_client.post(
        reverse("admin:contacts_officer_add"),
        {"user": user.pk, "ncb": ncb_de.pk, "role": OfficerRole.OFFICER},
    )
    # then
    assert response.status_code == 302
    assert Officer.objects.get(user=user).ncb == ncb_de
    assert user.groups.filter(pk=ncb_de.group_id).exists()


def test_admin_edit_of_a_current_designation_goes_through_the_service(
    admin_client, admin_user, ncb_fr
):
    # given
    contact = ContactPointFactory(
        ncb=ncb_fr,
        designated_by=admin_user,
        last_verified_by=admin_user,
        last_verified_at=timezone.now() - timedelta(days=200),
    )
    # when
    response = admin_client.post(
        change_url(contact),
        {
            "full_name": "Camille DURAND-TEST",
            "phone_24_7": "01 99 00 00 23",
            "secure_email": "thb@ncb-fr.example.test",
            "languages": [language("fr").pk],
            "time_zone": "Europe/Paris",
        },
    )
    # then
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.phone_24_7 == "+33199000023"
    assert contact.last_verified_by == admin_user
    assert not contact.is_stale


def test_a_partner_key_added_in_admin_gets_its_kid_and_a_malformed_one_is_a_form_error(
    admin_client, ncb_de
):
    # given
    key_text = signing.public_key_to_text(Ed25519PrivateKey.generate().public_key())
    add_url = reverse("admin:contacts_ncbpublickey_add")

    # when
    bad = admin_client.post(add_url, {"ncb": ncb_de.pk, "public_key": "not-a-key", "note": ""})
    good = admin_client.post(add_url, {"ncb": ncb_de.pk, "public_key": key_text, "note": "2026"})

    # then
    assert bad.status_code == 200
    assert "public_key" in bad.context["adminform"].form.errors
    assert good.status_code == 302
    key = NCBPublicKey.objects.get()
    assert key.kid == signing.key_id(signing.public_key_from_text(key_text))
    assert key.registered_by is not None
