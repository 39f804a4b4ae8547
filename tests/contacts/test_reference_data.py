from io import StringIO

import pycountry
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from contacts.models import (
    Country,
    Language,
    NationalCentralBureau,
    ReferenceDataLoad,
    Region,
    SubRegionalBureau,
)
from contacts.reference import data, reference_data_load, reference_data_version
from contacts.reference.loader import shipped_countries

pytestmark = pytest.mark.django_db

ISO_LANGUAGES = [language for language in pycountry.languages if hasattr(language, "alpha_2")]


def test_first_load_creates_every_region_bureau_country_language_and_member_ncb(
    django_assert_max_num_queries,
):
    # when
    with django_assert_max_num_queries(40):
        report = reference_data_load()
    # then
    assert Region.objects.count() == 5
    assert SubRegionalBureau.objects.count() == 8
    assert Country.objects.count() == len(pycountry.countries) + 1  # and Kosovo
    assert Country.objects.filter(is_member=True).count() == 196
    assert Language.objects.count() == len(ISO_LANGUAGES)
    assert NationalCentralBureau.objects.count() == 196
    assert not NationalCentralBureau.objects.filter(group__isnull=True).exists()
    assert report.created["NationalCentralBureau"] == 196
    assert ReferenceDataLoad.objects.get().version == reference_data_version()


def test_membership_follows_interpol_2024_with_the_documented_exceptions():
    # when
    reference_data_load()
    # then
    members = dict(Country.objects.values_list("iso2", "is_member"))
    for iso2 in ("KP", "TV", "TW", "XK", "HK", "PR", "EH"):
        assert members[iso2] is False, iso2
    for iso2 in ("PS", "VA", "AW", "CW", "SX", "PW", "FM", "FR", "NG"):
        assert members[iso2] is True, iso2
    assert not NationalCentralBureau.objects.filter(country__is_member=False).exists()


def test_ncbs_are_named_after_the_capital_or_their_known_seat():
    # when
    reference_data_load()
    # then
    names = dict(NationalCentralBureau.objects.values_list("code", "name"))
    assert names["FR"] == "INTERPOL Paris"
    assert names["IT"] == "INTERPOL Rome"
    assert names["DE"] == "INTERPOL Wiesbaden"
    assert names["US"] == "INTERPOL Washington"
    group = Group.objects.get(ncb__code="NG")
    assert group.name == "NCB NG"


def test_countries_carry_their_region_capital_and_covering_bureau():
    # when
    reference_data_load()
    # then
    countries = {
        c.iso2: c
        for c in Country.objects.select_related("region", "sub_regional_bureau").filter(
            iso2__in=["FR", "NG", "BR", "TH", "EG", "US", "XK"]
        )
    }
    assert (countries["FR"].region.code, countries["FR"].capital) == ("EU", "Paris")
    assert countries["FR"].sub_regional_bureau.name == "European Regional Bureau"
    assert countries["NG"].sub_regional_bureau.city == "Abidjan"
    assert countries["BR"].sub_regional_bureau.city == "Buenos Aires"
    assert countries["TH"].sub_regional_bureau.city == "Bangkok"
    assert countries["EG"].region.code == "MENA"
    assert countries["EG"].sub_regional_bureau is None
    assert countries["US"].sub_regional_bureau is None
    assert (countries["XK"].iso3, countries["XK"].name) == ("XKX", "Kosovo")


def test_shipped_bureaus_cover_only_members_of_their_own_region():
    for country in shipped_countries():
        if country.bureau:
            assert country.is_member, country.iso2
            assert data.BUREAUS[country.bureau][2] == country.region, country.iso2


def test_second_load_changes_nothing_and_records_nothing(django_assert_max_num_queries):
    # given
    reference_data_load()
    # when
    with django_assert_max_num_queries(12):
        report = reference_data_load()
    # then
    assert not report.changed
    assert ReferenceDataLoad.objects.count() == 1


def test_second_load_keeps_an_administrators_correction_and_force_resets_it():
    # given
    reference_data_load()
    Country.objects.filter(iso2="TV").update(is_member=True)
    # when
    kept = reference_data_load()
    # then
    assert kept.kept["Country"] == 1
    assert Country.objects.get(iso2="TV").is_member
    assert NationalCentralBureau.objects.get(code="TV").name == "INTERPOL Funafuti"
    # when
    forced = reference_data_load(force=True)
    # then
    assert forced.updated["Country"] == 1
    assert not Country.objects.get(iso2="TV").is_member


def test_new_data_version_updates_the_rows_that_differ(monkeypatch):
    # given
    reference_data_load()
    Country.objects.filter(iso2="FR").update(capital="Lutetia")
    monkeypatch.setattr(data, "REFERENCE_DATA_VERSION", "2099.1")
    # when
    report = reference_data_load()
    # then
    assert +report.updated == {"Country": 1}
    assert Country.objects.get(iso2="FR").capital == "Paris"
    assert ReferenceDataLoad.objects.latest().version.startswith("2099.1+")


def test_load_restores_rows_missing_from_an_already_loaded_version():
    # given
    reference_data_load()
    Language.objects.filter(code="xh").delete()
    # when
    report = reference_data_load()
    # then
    assert +report.created == {"Language": 1}
    assert Language.objects.get(code="xh").name == "Xhosa"


def test_load_adopts_an_existing_ncb_and_its_group(ncb_fr):
    # given
    group_id = ncb_fr.group_id
    # when
    reference_data_load()
    # then
    ncb = NationalCentralBureau.objects.get(code="FR")
    assert (ncb.pk, ncb.group_id) == (ncb_fr.pk, group_id)


def test_command_prints_what_it_did_then_that_nothing_changed():
    # when
    first, second = StringIO(), StringIO()
    call_command("load_reference_data", stdout=first)
    call_command("load_reference_data", stdout=second)
    # then
    assert "first load" in first.getvalue()
    assert f"Country: {len(pycountry.countries) + 1} created, 0 updated" in first.getvalue()
    assert "already loaded" in second.getvalue()
    assert "Nothing changed." in second.getvalue()
