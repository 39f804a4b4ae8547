import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone

from contacts.filtersets import NcbDirectoryFilterSet
from contacts.forms import (
    ContactPointEndForm,
    ContactPointForm,
    directory_filter_form_for_browser,
)
from contacts.services import ContactDetails
from tests.factories import ContactPointFactory, language

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _languages(db):
    for code in ("en", "fr", "ar"):
        language(code)


def form_data(**overrides):
    data = {
        "full_name": "  Nadia BENALI-TEST ",
        "title": "Capitaine",
        "unit": "",
        "phone": "",
        "phone_24_7": "+33 1 72 00 00 06",
        "secure_email": "n.benali@ncb-fr.example.test",
        "languages": ["fr", "ar"],
        "time_zone": "Europe/Paris",
        "designated_from": "2026-01-15",
    }
    data.update(overrides)
    query = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    return query


def test_valid_form_becomes_contact_details_with_language_codes():
    # given
    form = ContactPointForm(form_data())
    # when
    assert form.is_valid(), form.errors
    details = form.contact_details()
    # then
    assert isinstance(details, ContactDetails)
    assert details.full_name == "Nadia BENALI-TEST"
    assert sorted(details.languages) == ["ar", "fr"]
    assert details.phone_24_7 == "+33172000006"
    assert details.user is None
    assert form.cleaned_data["designated_from"] == datetime.date(2026, 1, 15)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("languages", ["fr", "zz"]),
        ("languages", []),
        ("time_zone", "Europe/Atlantis"),
        ("secure_email", "thb desk at example"),
        ("phone_24_7", ""),
        ("phone", "+33 1 23"),
        ("designated_from", "15/01/2026"),
    ],
)
def test_malformed_input_is_an_error_on_its_own_field(field, value):
    # when
    form = ContactPointForm(form_data(**{field: value}))
    # then
    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_national_phone_number_is_read_in_the_ncb_country():
    # given
    form = ContactPointForm(form_data(phone_24_7="01 72 00 00 06"), phone_region="FR")
    # when
    assert form.is_valid(), form.errors
    # then
    assert form.cleaned_data["phone_24_7"] == "+33172000006"


def test_bad_phone_is_reported_together_with_the_other_errors():
    # when
    form = ContactPointForm(form_data(phone_24_7="12ab", secure_email="nope"))
    # then
    assert not form.is_valid()
    assert sorted(form.errors) == ["phone_24_7", "secure_email"]
    assert "not a phone number" in form.errors["phone_24_7"][0]


def test_edit_form_has_no_start_date_and_shows_phones_grouped():
    # given
    contact = ContactPointFactory(phone="+33172000001", languages=["en", "fr"])
    # when
    form = ContactPointForm.for_contact_point(contact)
    # then
    assert "designated_from" not in form.fields
    assert form["phone"].value() == "+33 1 72 00 00 01"
    assert form["time_zone"].value() == "Europe/Paris"


def test_designation_form_starts_today_by_default():
    # when
    form = ContactPointForm()
    # then
    assert form["designated_from"].value() == timezone.localdate()


def test_time_zone_is_a_list_of_iana_zones_with_an_empty_first_choice():
    # when
    choices = dict(ContactPointForm().fields["time_zone"].choices)
    # then
    assert choices[""] == "Choose a time zone"
    assert choices["America/Sao_Paulo"] == "America/Sao Paulo"


def test_service_errors_land_on_their_fields_and_unknown_ones_above_the_form():
    # given
    form = ContactPointForm(form_data())
    assert form.is_valid()
    error = ValidationError(
        {"phone_24_7": ["Not a phone number."], "designated_by": ["Cannot be blank."]}
    )
    # when
    form.add_service_errors(error)
    # then
    assert form.errors["phone_24_7"] == ["Not a phone number."]
    assert form.non_field_errors() == ["Cannot be blank."]


def test_service_error_without_field_goes_above_the_form():
    # given
    form = ContactPointEndForm({"designated_to": "2026-02-01"})
    assert form.is_valid()
    # when
    form.add_service_errors(ValidationError("This designation has already ended."))
    # then
    assert form.non_field_errors() == ["This designation has already ended."]


def test_unticked_directory_check_box_means_no_filter_rather_than_false():
    # given
    filterset = NcbDirectoryFilterSet(QueryDict("q=paris"))
    # when
    directory_filter_form_for_browser(filterset.form)
    # then
    assert filterset.form.is_valid()
    assert filterset.form.cleaned_data["stale"] is None
    assert filterset.form.cleaned_data["without_contact"] is None


def test_ticked_directory_check_box_filters():
    # given
    filterset = NcbDirectoryFilterSet(QueryDict("stale=on"))
    # when
    directory_filter_form_for_browser(filterset.form)
    # then
    assert filterset.form.is_valid()
    assert filterset.form.cleaned_data["stale"] is True


def test_directory_choices_say_what_empty_means():
    # given
    filterset = NcbDirectoryFilterSet()
    # when
    form = directory_filter_form_for_browser(filterset.form)
    # then
    assert form.fields["region"].empty_label == "All regions"
    assert 'type="search"' in str(form["q"])
