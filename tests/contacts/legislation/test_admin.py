"""Admin of the legislation tracker: reviews through the service, no deletion."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.choices import LegislationStatus
from contacts.models import CountryLegislation
from ncb_cases.models import AuditEvent
from tests.contacts.legislation.factories import CountryLegislationFactory, days_ago

pytestmark = pytest.mark.django_db


def admin_form(country, **overrides):
    data = {
        "country": country.pk,
        "assistance_punishable": "YES",
        "incitement_punishable": "NO",
        "asset_seizure": "YES",
        "asset_confiscation": "UNKNOWN",
        "source_reference": "Penal Code (fictitious), art. 3",
        "source_url": "",
        "notes": "",
        "reviewed_on": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return data


def test_admin_adds_a_review_through_the_service(client_for, admin_user, ncb_fr):
    # when
    response = client_for(admin_user).post(
        reverse("admin:contacts_countrylegislation_add"), admin_form(ncb_fr.country)
    )
    # then
    assert response.status_code == 302
    legislation = CountryLegislation.objects.get()
    assert legislation.reviewed_by == admin_user
    assert AuditEvent.objects.filter(object_type="countrylegislation").count() == 1


def test_admin_sees_the_services_errors_on_the_fields(client_for, admin_user, ncb_fr):
    # given
    future = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    # when
    response = client_for(admin_user).post(
        reverse("admin:contacts_countrylegislation_add"),
        admin_form(ncb_fr.country, source_reference="", reviewed_on=future),
    )
    # then
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "source_reference" in errors
    assert "reviewed_on" in errors
    assert not CountryLegislation.objects.exists()


def test_admin_changes_a_review_and_cannot_delete_it(client_for, admin_user, ncb_fr):
    # given
    legislation = CountryLegislationFactory(country=ncb_fr.country)
    client = client_for(admin_user)
    # when
    response = client.post(
        reverse("admin:contacts_countrylegislation_change", args=[legislation.pk]),
        admin_form(ncb_fr.country, asset_confiscation="NO"),
    )
    delete = client.get(reverse("admin:contacts_countrylegislation_delete", args=[legislation.pk]))
    # then
    assert response.status_code == 302
    legislation.refresh_from_db()
    assert legislation.asset_confiscation == LegislationStatus.NO
    assert delete.status_code == 403


def test_the_admin_list_filters_stale_reviews(client_for, admin_user, ncb_fr, ncb_de):
    # given
    CountryLegislationFactory(
        country=ncb_fr.country,
        last_reviewed_on=days_ago(900),
    )
    CountryLegislationFactory(country=ncb_de.country)
    # when
    response = client_for(admin_user).get(
        reverse("admin:contacts_countrylegislation_changelist"), {"review": "stale"}
    )
    # then
    assert [row.country.iso2 for row in response.context["cl"].result_list] == ["FR"]
