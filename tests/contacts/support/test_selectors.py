"""Searching the directory: by country, kind, service, language, name or city."""

import pytest
from django.core.exceptions import ValidationError

from contacts.support_selectors import support_organisation_list
from tests.contacts.support.factories import make_organisation


def names(filters):
    return [organisation.name for organisation in support_organisation_list(filters=filters)]


def test_filters_by_service_match_whole_codes_only(shelter_fr, legal_aid_it):
    # LEGAL is a service of the Italian legal aid; MEDICAL (which ends in "AL") is nobody's.
    assert names({"service": "LEGAL"}) == [legal_aid_it.name]
    assert names({"service": "MEDICAL"}) == []


def test_filters_by_language_in_any_case(shelter_fr, legal_aid_it):
    assert names({"language": "YO"}) == [legal_aid_it.name]
    assert names({"language": "en"}) == [shelter_fr.name, legal_aid_it.name]


def test_filters_by_country_kind_and_text(shelter_fr, legal_aid_it):
    assert names({"country": "it"}) == [legal_aid_it.name]
    assert names({"kind": "SHELTER"}) == [shelter_fr.name]
    assert names({"q": "roma"}) == [legal_aid_it.name]


def test_inactive_organisations_are_left_out_unless_asked(france):
    make_organisation(france, name="Closed-Test (fictitious)", is_active=False)

    assert names({}) == []
    assert names({"active": "all"}) == ["Closed-Test (fictitious)"]


def test_unknown_filter_values_are_errors_naming_the_filter(db):
    with pytest.raises(ValidationError) as caught:
        support_organisation_list(
            filters={"service": "MASSAGE", "language": "zz", "kind": "BANK", "active": "maybe"}
        )

    assert set(caught.value.message_dict) == {"service", "language", "kind", "active"}
