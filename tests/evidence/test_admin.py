"""Django admin: items searchable; the custody log, files and checkpoints read-only."""

import pytest

from evidence.models import CustodyEvent
from tests.evidence.factories import evidence_item

pytestmark = pytest.mark.django_db


def test_admin_lists_items_events_files_and_checkpoints(client_for, admin_user, officer_fr):
    # given
    item = evidence_item(actor=officer_fr)
    client = client_for(admin_user)

    # when / then
    for url in (
        "/admin/evidence/evidenceitem/",
        f"/admin/evidence/evidenceitem/{item.pk}/change/",
        "/admin/evidence/custodyevent/",
        "/admin/evidence/evidencefile/",
        "/admin/evidence/custodycheckpoint/",
        "/admin/evidence/dossierexport/",
    ):
        assert client.get(url).status_code == 200, url


def test_items_are_searchable_by_item_number(client_for, admin_user, officer_fr):
    # given
    first = evidence_item(actor=officer_fr)
    second = evidence_item(actor=officer_fr, case=first.case)
    client = client_for(admin_user)

    # when
    page = client.get("/admin/evidence/evidenceitem/", {"q": second.item_number}).content

    # then
    assert second.item_number.encode() in page
    assert b"1 result" in page


def test_custody_events_cannot_be_added_changed_or_deleted_in_admin(
    client_for, admin_user, officer_fr
):
    # given
    event = evidence_item(actor=officer_fr).custody_events.get()
    client = client_for(admin_user)

    # when
    add = client.get("/admin/evidence/custodyevent/add/")
    change = client.post(
        f"/admin/evidence/custodyevent/{event.pk}/change/", {"place": "rewritten"}
    )
    delete = client.post(f"/admin/evidence/custodyevent/{event.pk}/delete/", {"post": "yes"})

    # then
    assert add.status_code == 403
    assert change.status_code == 403
    assert delete.status_code == 403
    assert CustodyEvent.objects.get(pk=event.pk).place == event.place


def test_items_cannot_be_added_in_admin_only_through_the_service(client_for, admin_user):
    # when
    response = client_for(admin_user).get("/admin/evidence/evidenceitem/add/")

    # then
    assert response.status_code == 403
