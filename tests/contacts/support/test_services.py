"""Recording support organisations: who may, what is validated, what is audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contacts.models import SupportOrganisation
from contacts.support_services import (
    can_see_shelter_address,
    language_codes,
    support_organisation_create,
    support_organisation_update,
)
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.contacts.support.factories import SHELTER_ADDRESS

VALID = {
    "country": "FR",
    "name": "Association Relais-Test (fictitious)",
    "kind": "NGO",
    "services": ["LEGAL", "MEDICAL"],
    "languages": "fr, EN, ti",
    "city": "Marseille",
    "address": "5 quai du Port-Test, Marseille",
    "phone": "+33 1 99 00 55 66",
    "phone_24_7": True,
}


def test_supervisor_of_the_country_records_an_organisation(supervisor_fr):
    # when
    organisation = support_organisation_create(actor=supervisor_fr, data=VALID)

    # then
    organisation.refresh_from_db()
    assert organisation.phone == "+33199005566"
    assert organisation.languages == ["fr", "en", "ti"]
    assert organisation.services == ["MEDICAL", "LEGAL"]  # in the code list's order
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="supportorganisation")
    assert event.details["support_organisation"] == organisation.pk
    assert "Port-Test" not in str(event.details)


@pytest.mark.parametrize("who", ["officer_fr", "supervisor_de", "analyst_fr", "srb_europe"])
def test_others_may_not_record_an_organisation_of_france(request, who, ncb_fr, ncb_de):
    # given
    actor = request.getfixturevalue(who)

    # when / then
    with pytest.raises(PermissionDenied):
        support_organisation_create(actor=actor, data=VALID)
    assert not SupportOrganisation.objects.exists()


def test_admin_records_an_organisation_of_any_country(admin_user, ncb_fr):
    organisation = support_organisation_create(actor=admin_user, data=VALID)

    assert organisation.country.iso2 == "FR"


def test_every_bad_field_is_reported_at_once_and_nothing_is_saved(supervisor_fr):
    # given
    data = {
        **VALID,
        "services": ["LEGAL", "MASSAGE"],
        "languages": ["fr", "xx", "fra"],
        "phone": "12",
        "kind": "BANK",
        "secret": "x",
    }

    # when
    with pytest.raises(ValidationError) as caught:
        support_organisation_create(actor=supervisor_fr, data=data)

    # then
    errors = caught.value.message_dict
    assert set(errors) == {"services", "languages", "phone", "kind", "secret"}
    assert "MASSAGE" in errors["services"][0]
    assert "xx, fra" in errors["languages"][0]
    assert not SupportOrganisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_name_is_unique_within_a_country(supervisor_fr, shelter_fr):
    with pytest.raises(ValidationError) as caught:
        support_organisation_create(actor=supervisor_fr, data={**VALID, "name": shelter_fr.name})

    assert "name" in caught.value.message_dict


def test_a_24_7_line_needs_a_phone(supervisor_fr):
    with pytest.raises(ValidationError) as caught:
        support_organisation_create(actor=supervisor_fr, data={**VALID, "phone": ""})

    assert "phone" in caught.value.message_dict


def test_update_changes_only_the_fields_sent_and_is_audited(supervisor_fr, shelter_fr):
    # when
    support_organisation_update(
        actor=supervisor_fr, organisation=shelter_fr, data={"city": "Villeurbanne"}
    )

    # then
    shelter_fr.refresh_from_db()
    assert shelter_fr.city == "Villeurbanne"
    assert shelter_fr.address == SHELTER_ADDRESS
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.details["fields"] == ["city"]


def test_supervisor_of_another_country_may_not_update(supervisor_de, shelter_fr):
    with pytest.raises(PermissionDenied):
        support_organisation_update(
            actor=supervisor_de, organisation=shelter_fr, data={"city": "Berlin"}
        )


def test_language_codes_accept_a_text_or_a_list():
    assert language_codes("fr,  en fr") == ["fr", "en"]
    assert language_codes(["IT"]) == ["it"]
    assert language_codes("") == []


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("officer_fr", True),
        ("supervisor_fr", True),
        ("analyst_fr", True),
        ("admin_user", True),
        ("officer_de", False),
        ("srb_europe", False),
        ("user_without_ncb", False),
    ],
)
def test_a_shelters_address_is_for_its_countrys_ncb_and_admins(request, who, sees, shelter_fr):
    user = request.getfixturevalue(who)

    assert can_see_shelter_address(user, shelter_fr) is sees


def test_other_organisations_addresses_are_public(officer_de, legal_aid_it):
    assert can_see_shelter_address(officer_de, legal_aid_it) is True
