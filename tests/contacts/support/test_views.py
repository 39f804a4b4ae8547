"""The directory pages: who sees what, who may add and edit, and the shelter's address."""

import pytest
from django.urls import reverse

from contacts.models import SupportOrganisation
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.contacts.support.factories import SHELTER_ADDRESS, make_organisation
from tests.factories import country


def test_anonymous_users_are_sent_to_sign_in(client_for, db):
    response = client_for(None).get(reverse("contacts:support"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_users_of_no_ncb_are_refused(client_for, user_without_ncb):
    response = client_for(user_without_ncb).get(reverse("contacts:support"))

    assert response.status_code == 403


def test_every_member_lists_the_directory_without_addresses(
    client_for, officer_de, shelter_fr, legal_aid_it
):
    # when
    response = client_for(officer_de).get(reverse("contacts:support"))

    # then
    assert response.status_code == 200
    content = response.content.decode()
    assert shelter_fr.name in content
    assert legal_aid_it.name in content
    assert SHELTER_ADDRESS not in content
    assert "Via dei Fiori" not in content


def test_the_list_filters_by_service(client_for, officer_fr, shelter_fr, legal_aid_it):
    response = client_for(officer_fr).get(reverse("contacts:support"), {"service": "LEGAL"})

    content = response.content.decode()
    assert legal_aid_it.name in content
    assert shelter_fr.name not in content


def test_an_unknown_language_filter_is_shown_as_a_field_error(client_for, officer_fr):
    response = client_for(officer_fr).get(reverse("contacts:support"), {"language": "zz"})

    assert response.status_code == 200
    assert "ISO 639-1" in response.content.decode()


def test_the_list_query_count_does_not_grow_with_rows(
    client_for, officer_fr, france, django_assert_max_num_queries
):
    # given
    client = client_for(officer_fr)
    make_organisation(france, name="One-Test (fictitious)")
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("contacts:support"))
    for index in range(20):
        make_organisation(france, name=f"Many-Test {index} (fictitious)")

    # when / then
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("contacts:support"))
    assert "Many-Test 19" in response.content.decode()


@pytest.mark.parametrize("who", ["officer_fr", "analyst_fr", "admin_user"])
def test_the_shelters_country_and_admins_read_its_address_and_it_is_audited(
    request, client_for, who, shelter_fr
):
    # given
    user = request.getfixturevalue(who)

    # when
    response = client_for(user).get(reverse("contacts:support_detail", args=[shelter_fr.pk]))

    # then
    assert "12 rue des Tilleuls-Test" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="supportorganisation")
    assert event.actor == user
    assert event.details == {"support_organisation": shelter_fr.pk, "read": "shelter_address"}


@pytest.mark.parametrize("who", ["officer_de", "srb_europe"])
def test_others_see_the_shelter_without_its_address(request, client_for, who, shelter_fr):
    # given
    user = request.getfixturevalue(who)

    # when
    response = client_for(user).get(reverse("contacts:support_detail", args=[shelter_fr.pk]))

    # then
    assert response.status_code == 200
    content = response.content.decode()
    assert shelter_fr.name in content
    assert "Tilleuls" not in content
    assert not AuditEvent.objects.filter(object_type="supportorganisation").exists()


def test_an_unknown_organisation_is_404(client_for, officer_fr):
    response = client_for(officer_fr).get(reverse("contacts:support_detail", args=[999999]))

    assert response.status_code == 404


def test_the_csv_export_has_no_address(client_for, officer_fr, shelter_fr, legal_aid_it):
    response = client_for(officer_fr).get(reverse("contacts:support_export_csv"))

    content = response.content.decode("utf-8-sig")
    assert shelter_fr.name in content
    assert "Tilleuls" not in content
    assert "Via dei Fiori" not in content


def test_a_supervisor_adds_an_organisation_of_their_country(client_for, supervisor_fr):
    # when
    response = client_for(supervisor_fr).post(
        reverse("contacts:support_create"),
        {
            "country": "FR",
            "name": "Clinique Solidaire-Test (fictitious)",
            "kind": "HEALTH",
            "services": ["MEDICAL", "PSYCHOLOGICAL"],
            "languages": "fr, ar",
            "phone": "+33 1 99 00 77 88",
            "is_active": "on",
        },
    )

    # then
    organisation = SupportOrganisation.objects.get()
    assert response.status_code == 302
    assert organisation.languages == ["fr", "ar"]
    assert organisation.phone == "+33199007788"


def test_a_bad_language_code_keeps_the_form_with_the_error(client_for, supervisor_fr):
    response = client_for(supervisor_fr).post(
        reverse("contacts:support_create"),
        {"country": "FR", "name": "X-Test", "kind": "NGO", "languages": "french"},
    )

    assert response.status_code == 200
    assert "Not ISO 639-1 language codes: french" in response.content.decode()
    assert not SupportOrganisation.objects.exists()


@pytest.mark.parametrize("who", ["officer_fr", "srb_europe", "supervisor_de"])
def test_others_get_404_on_the_add_and_edit_pages(request, client_for, who, shelter_fr, ncb_de):
    client = client_for(request.getfixturevalue(who))

    if who != "supervisor_de":
        assert client.get(reverse("contacts:support_create")).status_code == 404
    assert client.get(reverse("contacts:support_edit", args=[shelter_fr.pk])).status_code == 404


def test_a_supervisor_of_another_country_cannot_post_an_organisation_of_france(
    client_for, supervisor_de
):
    response = client_for(supervisor_de).post(
        reverse("contacts:support_create"), {"country": "FR", "name": "X-Test", "kind": "NGO"}
    )

    assert response.status_code == 200  # France is not among the choices
    assert not SupportOrganisation.objects.exists()


def test_the_country_page_lists_its_organisations(client_for, officer_de, shelter_fr):
    # given
    make_organisation(country("IT"), name="Elsewhere-Test (fictitious)")

    # when
    response = client_for(officer_de).get(reverse("contacts:country", args=["FR"]))

    # then
    content = response.content.decode()
    assert shelter_fr.name in content
    assert "Elsewhere-Test" not in content
    assert "Tilleuls" not in content
