"""Admin pages of assets (read-mostly, with their status history) and exchange rates
(maintained by administrators, ISO 4217 codes checked, changes audited)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ncb_cases.choices import AssetStatus, AuditAction
from ncb_cases.models import AuditEvent
from ncb_cases.models.assets import ExchangeRate
from tests.ncb_cases.assets.factories import move_to, rate

pytestmark = pytest.mark.django_db


def rate_post(**fields):
    data = {
        "currency": "USD",
        "reporting_currency": "EUR",
        "valid_from": "2026-01-01",
        "rate": "0.92",
        "source": "ECB (test)",
    }
    data.update(fields)
    return data


def test_an_admin_sees_an_asset_with_its_history_and_cannot_change_it(
    client_for, admin_user, officer_fr, asset_fr
):
    # given
    move_to(officer_fr, asset_fr, AssetStatus.SEIZED)
    url = reverse("admin:ncb_cases_asset_change", args=[asset_fr.pk])
    client = client_for(admin_user)

    # when
    page = client.get(url)
    posted = client.post(url, {"description": "changed"})

    # then
    assert page.status_code == 200
    content = page.content.decode()
    assert "Tribunal judiciaire de Paris (test)" in content
    assert 'name="description"' not in content
    assert posted.status_code == 403
    assert client.get(reverse("admin:ncb_cases_asset_add")).status_code == 403
    assert client.get(reverse("admin:ncb_cases_asset_changelist")).status_code == 200


def test_an_admin_adds_a_rate_through_the_service(client_for, admin_user):
    response = client_for(admin_user).post(
        reverse("admin:ncb_cases_exchangerate_add"), rate_post(currency="usd")
    )
    assert response.status_code == 302
    saved = ExchangeRate.objects.get()
    assert (saved.currency, saved.rate) == ("USD", Decimal("0.92"))
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="exchangerate", actor=admin_user
    ).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "EUR"}, "currency"),
        ({"reporting_currency": "EU"}, "reporting_currency"),
        ({"rate": "0"}, "rate"),
    ],
)
def test_bad_rates_are_refused_on_their_field(client_for, admin_user, fields, field):
    response = client_for(admin_user).post(
        reverse("admin:ncb_cases_exchangerate_add"), rate_post(**fields)
    )
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not ExchangeRate.objects.exists()


def test_a_second_rate_for_the_same_day_is_refused(client_for, admin_user):
    rate("USD", "0.9", valid_from="2026-01-01")
    response = client_for(admin_user).post(
        reverse("admin:ncb_cases_exchangerate_add"), rate_post()
    )
    assert response.status_code == 200
    assert ExchangeRate.objects.count() == 1


def test_a_correction_is_audited_and_rates_are_not_deleted(client_for, admin_user):
    existing = rate("USD", "0.9", valid_from="2026-01-01")
    client = client_for(admin_user)
    response = client.post(
        reverse("admin:ncb_cases_exchangerate_change", args=[existing.pk]),
        rate_post(rate="0.91"),
    )
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.rate == Decimal("0.91")
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="exchangerate")
    delete = reverse("admin:ncb_cases_exchangerate_delete", args=[existing.pk])
    assert client.get(delete).status_code == 403


def test_officers_have_no_admin(client_for, officer_fr):
    response = client_for(officer_fr).get(reverse("admin:ncb_cases_exchangerate_changelist"))
    assert response.status_code == 302
