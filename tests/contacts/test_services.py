import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from contacts import services
from contacts.choices import ContactRole
from contacts.models import ContactPoint
from tests.factories import language

pytestmark = pytest.mark.django_db


def details(**overrides):
    values = {
        "full_name": "Camille DURAND-TEST",
        "phone_24_7": "+33 1 72 00 00 02",
        "secure_email": "thb.desk@ncb-fr.example.test",
        "time_zone": "Europe/Paris",
        "languages": ("fr", "en"),
    }
    values.update(overrides)
    return services.ContactDetails(**values)


@pytest.fixture(autouse=True)
def _languages(db):
    for code in ("en", "fr", "de"):
        language(code)


def test_designation_stores_phone_as_e164_and_counts_as_verified(officer_fr, ncb_fr):
    # when
    contact = services.contact_point_designate(
        actor=officer_fr, ncb=ncb_fr, role=ContactRole.PRIMARY, details=details()
    )
    # then
    assert contact.phone_24_7 == "+33172000002"
    assert contact.last_verified_by == officer_fr
    assert sorted(contact.languages.values_list("code", flat=True)) == ["en", "fr"]


def test_redesignation_closes_previous_record_instead_of_overwriting(officer_fr, ncb_fr):
    # given
    first = services.contact_point_designate(
        actor=officer_fr,
        ncb=ncb_fr,
        role=ContactRole.PRIMARY,
        details=details(),
        designated_from=timezone.localdate() - datetime.timedelta(days=30),
    )
    # when
    second = services.contact_point_designate(
        actor=officer_fr, ncb=ncb_fr, role=ContactRole.PRIMARY, details=details(full_name="B")
    )
    # then
    first.refresh_from_db()
    assert first.designated_to == second.designated_from
    assert first.full_name == "Camille DURAND-TEST"
    assert ContactPoint.objects.current().filter(ncb=ncb_fr).get() == second


def test_backdated_designation_overlapping_history_is_refused(officer_fr, ncb_fr):
    # given
    today = timezone.localdate()
    services.contact_point_designate(
        actor=officer_fr,
        ncb=ncb_fr,
        role=ContactRole.PRIMARY,
        details=details(),
        designated_from=today - datetime.timedelta(days=10),
    )
    # when / then
    with pytest.raises(ValidationError) as excinfo:
        services.contact_point_designate(
            actor=officer_fr,
            ncb=ncb_fr,
            role=ContactRole.PRIMARY,
            details=details(),
            designated_from=today - datetime.timedelta(days=20),
        )
    assert "designated_from" in excinfo.value.message_dict


def test_bad_phone_time_zone_and_language_are_reported_together(officer_fr, ncb_fr):
    # when
    with pytest.raises(ValidationError) as excinfo:
        services.contact_point_designate(
            actor=officer_fr,
            ncb=ncb_fr,
            role=ContactRole.PRIMARY,
            details=details(phone_24_7="12", time_zone="Mars/Olympus", languages=("xx",)),
        )
    # then
    assert {"phone_24_7", "time_zone", "languages"} <= set(excinfo.value.message_dict)
    assert not ContactPoint.objects.exists()


def test_officer_of_another_ncb_cannot_designate(officer_de, ncb_fr):
    with pytest.raises(PermissionDenied):
        services.contact_point_designate(
            actor=officer_de, ncb=ncb_fr, role=ContactRole.PRIMARY, details=details()
        )
