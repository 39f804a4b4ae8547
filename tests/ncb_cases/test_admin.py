"""Django admin: cases with guardian object permissions, persons masked, audit read-only."""

import pytest

pytestmark = pytest.mark.django_db


def test_admin_lists_cases_persons_and_audit_events(
    client_for, admin_user, case_fr, victim_fr, suspect_fr
):
    client = client_for(admin_user)
    for url in (
        "/admin/ncb_cases/case/",
        "/admin/ncb_cases/person/",
        "/admin/ncb_cases/auditevent/",
        f"/admin/ncb_cases/case/{case_fr.pk}/change/",
        f"/admin/ncb_cases/case/{case_fr.pk}/permissions/",
    ):
        assert client.get(url).status_code == 200, url


def test_admin_never_shows_a_victims_name(client_for, admin_user, victim_fr):
    client = client_for(admin_user)
    listing = client.get("/admin/ncb_cases/person/").content.decode()
    form = client.get(f"/admin/ncb_cases/person/{victim_fr.pk}/change/").content.decode()
    searched = client.get("/admin/ncb_cases/person/?q=Okafor").content.decode()
    assert "Victim V-1" in listing
    for page in (listing, form):
        assert "Okafor" not in page
    assert 'name="family_name"' not in form
    assert "0 results" in searched


def test_audit_events_cannot_be_added_changed_or_deleted_in_admin(client_for, admin_user, case_fr):
    # given
    from ncb_cases.models import AuditEvent

    event = AuditEvent.objects.first()
    client = client_for(admin_user)
    # then
    assert client.get("/admin/ncb_cases/auditevent/add/").status_code == 403
    assert client.post(f"/admin/ncb_cases/auditevent/{event.pk}/delete/").status_code == 403
    page = client.get(f"/admin/ncb_cases/auditevent/{event.pk}/change/").content.decode()
    assert 'name="_save"' not in page
