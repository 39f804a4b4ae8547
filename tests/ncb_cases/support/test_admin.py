"""Admin of referrals (read-only, no victim's name) and of organisations (through the
service: validated and audited)."""

import pytest

from contacts.models import SupportOrganisation
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_admin_shows_referrals_read_only_without_the_victims_name(
    client_for, admin_user, referral_fr
):
    # given
    client = client_for(admin_user)

    # when
    listing = client.get("/admin/ncb_cases/supportreferral/")
    page = client.get(f"/admin/ncb_cases/supportreferral/{referral_fr.pk}/change/")
    searched = client.get("/admin/ncb_cases/supportreferral/?q=Okafor")

    # then
    assert listing.status_code == 200
    assert page.status_code == 200
    for response in (listing, page):
        assert "Okafor" not in response.content.decode()
    assert str(referral_fr.victim.public_id) in page.content.decode()
    assert "0 results" in searched.content.decode()
    assert client.get("/admin/ncb_cases/supportreferral/add/").status_code == 403


def test_admin_records_an_organisation_through_the_service(client_for, admin_user, shelter_fr):
    # given
    client = client_for(admin_user)
    france = shelter_fr.country

    # when
    bad = client.post(
        "/admin/contacts/supportorganisation/add/",
        {"country": france.pk, "name": "Bad-Test", "kind": "NGO", "languages": "french"},
    )
    good = client.post(
        "/admin/contacts/supportorganisation/add/",
        {
            "country": france.pk,
            "name": "Maison Relais-Test (fictitious)",
            "kind": "NGO",
            "services": ["LEGAL"],
            "languages": "fr, en",
            "phone": "+33 1 99 00 88 99",
            "is_active": "on",
        },
    )

    # then
    assert bad.status_code == 200
    assert "Not ISO 639-1 language codes" in bad.content.decode()
    assert good.status_code == 302
    created = SupportOrganisation.objects.get(name="Maison Relais-Test (fictitious)")
    assert created.languages == ["fr", "en"]
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="supportorganisation", actor=admin_user
    ).exists()
    assert client.get("/admin/contacts/supportorganisation/").status_code == 200
