"""Browser pages of evidence items: the list, the case's evidence tab, registering an item,
the item page with its custody timeline, and uploading files.

`case_fr` is the French case opened by officer_fr; each scenario of the matrix
(tests/ncb_cases/views/case_scenarios.py) names a user and how the case reached them.
"""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from evidence import services
from evidence.models import EvidenceFile, EvidenceItem
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.evidence.factories import add_file, evidence_item
from tests.ncb_cases.views.case_scenarios import EDITORS, NON_READERS, READ_ONLY, READERS

pytestmark = pytest.mark.django_db


def item_url(item, name="item_detail"):
    return reverse(f"evidence:{name}", args=[item.public_id])


def case_url(case, name="case_items"):
    return reverse(f"evidence:{name}", args=[case.public_id])


def item_form(**overrides):
    data = {
        "kind": "PHYSICAL",
        "description": "Ledger of debts owed by recruited workers (fictitious)",
        "collected_at": "2026-03-04T10:15",
        "collected_by": "Brigadier Test-Martin",
        "collected_place": "Back office, 12 rue de l'Exemple, Lyon",
        "legal_authority": "Search warrant TJ Lyon 2026/0002 (fictitious)",
        "seal_number": "SEAL-FR-0100",
        "storage_location": "Evidence room B, shelf 4",
        "custodian_person": "",
        "custodian_agency": "",
        "custodian_country": "",
        "notes": "",
    }
    data.update(overrides)
    return data


# --- The case's evidence tab -----------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login_page_from_the_evidence_tab(client_for, case_fr):
    # when
    response = client_for(None).get(case_url(case_fr))
    # then
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("scenario", READERS)
def test_whoever_may_read_the_case_sees_its_evidence_tab(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    user = reader(scenario)
    # when
    response = client_for(user).get(case_url(case_fr))
    # then
    assert response.status_code == 200
    assert item.item_number in response.text
    assert response.context["active_tab"] == "evidence"


@pytest.mark.parametrize("scenario", NON_READERS)
def test_who_may_not_read_the_case_gets_404_for_its_evidence_tab(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    evidence_item(actor=officer_fr, case=case_fr)
    user = reader(scenario)
    # when
    response = client_for(user).get(case_url(case_fr))
    # then
    assert response.status_code == 404


@pytest.mark.parametrize("scenario", EDITORS)
def test_case_editors_are_offered_to_register_an_item(client_for, reader, case_fr, scenario):
    # when
    response = client_for(reader(scenario)).get(case_url(case_fr))
    # then
    assert case_url(case_fr, "item_create") in response.text


@pytest.mark.parametrize("scenario", READ_ONLY)
def test_read_only_readers_are_not_offered_to_register_an_item(
    client_for, reader, case_fr, scenario
):
    # when
    response = client_for(reader(scenario)).get(case_url(case_fr))
    # then
    assert case_url(case_fr, "item_create") not in response.text


def test_the_case_frame_links_the_evidence_tab(client_for, officer_fr, case_fr):
    # when
    response = client_for(officer_fr).get(reverse("cases:detail", args=[case_fr.public_id]))
    # then
    assert case_url(case_fr) in response.text


def test_the_evidence_tab_is_one_audited_read_of_the_case(client_for, officer_fr, case_fr):
    # given
    before = AuditEvent.objects.filter(case=case_fr, action=AuditAction.VIEW).count()
    # when
    client_for(officer_fr).get(case_url(case_fr))
    # then
    assert AuditEvent.objects.filter(case=case_fr, action=AuditAction.VIEW).count() == before + 1


@pytest.mark.parametrize("count", [2, 8])
def test_the_evidence_tab_runs_as_many_queries_for_many_items_as_for_few(
    client_for, officer_fr, case_fr, django_assert_max_num_queries, count
):
    # given
    for _ in range(count):
        add_file(actor=officer_fr, item=evidence_item(actor=officer_fr, case=case_fr))
    client = client_for(officer_fr)
    # when / then
    with django_assert_max_num_queries(15):
        response = client.get(case_url(case_fr))
    assert response.text.count("/E-") >= count


# --- The list of every visible item -----------------------------------------------------------


def test_the_evidence_list_shows_items_of_cases_the_user_may_read_only(
    client_for, officer_fr, officer_de, case_fr
):
    # given
    french = evidence_item(actor=officer_fr, case=case_fr)
    german = evidence_item(actor=officer_de, description="Fictitious German invoice folder")
    # when
    response = client_for(officer_de).get(reverse("evidence:list"))
    # then
    assert response.status_code == 200
    assert german.item_number in response.text
    assert french.item_number not in response.text


@pytest.mark.parametrize("scenario", READERS)
def test_whoever_may_read_the_case_finds_its_items_in_the_evidence_list(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(reader(scenario)).get(reverse("evidence:list"))
    # then
    assert response.status_code == 200
    assert item.item_number in response.text


@pytest.mark.parametrize("scenario", ["other_ncb", "expired_share"])
def test_officers_of_ncbs_without_a_live_share_do_not_find_the_items_in_the_list(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(reader(scenario)).get(reverse("evidence:list"))
    # then
    assert response.status_code == 200
    assert item.item_number not in response.text


@pytest.mark.parametrize("scenario", ["srb_monitor", "user_without_ncb"])
def test_users_without_case_access_get_a_page_explaining_why_instead_of_the_evidence_list(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(reader(scenario)).get(reverse("evidence:list"))
    # then
    assert response.status_code == 403
    assert item.item_number not in response.text


def test_the_main_navigation_links_the_evidence_list(client_for, officer_fr):
    # when
    response = client_for(officer_fr).get(reverse("dashboard"))
    # then
    assert f'href="{reverse("evidence:list")}"' in response.text


def test_the_evidence_list_filters_by_kind(client_for, officer_fr, case_fr):
    # given
    phone = evidence_item(actor=officer_fr, case=case_fr)
    ledger = evidence_item(actor=officer_fr, case=case_fr, kind="DOCUMENT")
    # when
    response = client_for(officer_fr).get(reverse("evidence:list"), {"kind": "DOCUMENT"})
    # then
    assert ledger.item_number in response.text
    assert phone.item_number not in response.text


def test_a_search_term_is_kept_out_of_the_list_url(client_for, officer_fr, case_fr):
    # given
    ledger = evidence_item(actor=officer_fr, case=case_fr, description="Ledger of Test-Moreau")
    evidence_item(actor=officer_fr, case=case_fr)
    client = client_for(officer_fr)
    # when
    posted = client.post(reverse("evidence:list"), {"q": "Test-Moreau", "kind": ""})
    response = client.get(posted.url)
    # then
    assert posted.status_code == 302
    assert "Moreau" not in posted.url
    assert ledger.item_number in response.text
    assert response.context["page"].paginator.count == 1


def test_an_unknown_filter_value_is_reported_on_its_field(client_for, officer_fr):
    # when
    response = client_for(officer_fr).get(reverse("evidence:list"), {"state": "LOST"})
    # then
    assert response.status_code == 200
    assert response.context["filter_form"].errors["state"]


@pytest.mark.parametrize("count", [2, 30])
def test_the_evidence_list_runs_as_many_queries_for_many_items_as_for_few(
    client_for, officer_fr, case_fr, django_assert_max_num_queries, count
):
    # given
    for _ in range(count):
        evidence_item(actor=officer_fr, case=case_fr)
    client = client_for(officer_fr)
    # when / then
    with django_assert_max_num_queries(7):
        response = client.get(reverse("evidence:list"))
    assert response.status_code == 200


# --- Registering an item ----------------------------------------------------------------------


@pytest.mark.parametrize("scenario", EDITORS)
def test_case_editors_are_shown_the_registration_form_in_the_case_frame(
    client_for, reader, case_fr, scenario
):
    # when
    response = client_for(reader(scenario)).get(case_url(case_fr, "item_create"))
    # then
    assert response.status_code == 200
    assert response.context["active_tab"] == "evidence"
    assert 'name="collected_at"' in response.text


@pytest.mark.parametrize("scenario", EDITORS)
def test_case_editors_register_an_item_and_land_on_its_page(client_for, reader, case_fr, scenario):
    # given
    client = client_for(reader(scenario))
    # when
    response = client.post(case_url(case_fr, "item_create"), item_form())
    # then
    item = EvidenceItem.objects.get(case=case_fr)
    assert response.status_code == 302
    assert response.url == item_url(item)
    assert item.custody_events.count() == 1
    assert item.collected_at == datetime.datetime(2026, 3, 4, 10, 15, tzinfo=datetime.UTC)
    page = client.get(response.url)
    assert "registered" in page.text


@pytest.mark.parametrize("scenario", [*READ_ONLY, *NON_READERS])
def test_who_may_not_change_the_case_gets_404_registering_an_item(
    client_for, reader, case_fr, scenario
):
    # given
    client = client_for(reader(scenario))
    # when
    shown = client.get(case_url(case_fr, "item_create"))
    posted = client.post(case_url(case_fr, "item_create"), item_form())
    # then
    assert shown.status_code == 404
    assert posted.status_code == 404
    assert not EvidenceItem.objects.exists()


def test_a_missing_description_is_reported_on_its_field(client_for, officer_fr, case_fr):
    # when
    response = client_for(officer_fr).post(
        case_url(case_fr, "item_create"), item_form(description="")
    )
    # then
    assert response.status_code == 400
    assert response.context["form"].errors["description"]
    assert not EvidenceItem.objects.exists()


def test_an_unknown_custodian_country_is_reported_on_the_country_field(
    client_for, officer_fr, case_fr
):
    # when
    response = client_for(officer_fr).post(
        case_url(case_fr, "item_create"),
        item_form(custodian_person="Lt Test-Durand", custodian_country="XX"),
    )
    # then
    assert response.status_code == 400
    assert response.context["form"].errors["custodian_country"]


# --- The item page ----------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", READERS)
def test_whoever_may_read_the_case_sees_the_item_and_its_timeline(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(reader(scenario)).get(item_url(item))
    # then
    assert response.status_code == 200
    assert response.context["item"] == item
    assert [entry.event.sequence for entry in response.context["timeline"]] == [1]


@pytest.mark.parametrize("scenario", NON_READERS)
def test_who_may_not_read_the_case_gets_404_for_the_item(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(reader(scenario)).get(item_url(item))
    # then
    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_the_login_page_from_an_item(client_for, officer_fr, case_fr):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(None).get(item_url(item))
    # then
    assert response.status_code == 302


def test_an_item_that_does_not_exist_is_a_404(client_for, officer_fr):
    # when
    response = client_for(officer_fr).get(
        reverse("evidence:item_detail", args=["00000000-0000-4000-8000-000000000000"])
    )
    # then
    assert response.status_code == 404


def test_each_view_of_the_item_page_writes_one_audit_row(client_for, officer_fr, case_fr):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    client = client_for(officer_fr)
    before = AuditEvent.objects.count()
    # when
    client.get(item_url(item))
    client.get(item_url(item))
    # then
    rows = AuditEvent.objects.order_by("pk")[before:]
    assert [(row.action, row.object_type) for row in rows] == [
        (AuditAction.VIEW, "evidenceitem"),
        (AuditAction.VIEW, "evidenceitem"),
    ]


@pytest.mark.parametrize("events", [1, 12])
def test_the_item_page_runs_as_many_queries_for_a_long_chain_as_for_a_short_one(
    client_for, officer_fr, case_fr, django_assert_max_num_queries, events
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    add_file(actor=officer_fr, item=item)
    for number in range(events - 1):
        services.custody_examine(actor=officer_fr, item=item, purpose=f"Look {number}")
    client = client_for(officer_fr)
    # when / then
    with django_assert_max_num_queries(15):
        response = client.get(item_url(item))
    assert len(response.context["timeline"]) == events


def test_the_timeline_shows_hashes_shortened_with_the_full_value_in_a_title(
    client_for, officer_fr, case_fr
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    event = item.custody_events.get()
    # when
    response = client_for(officer_fr).get(item_url(item))
    # then
    assert f'title="{event.hash}">{event.hash[:16]}…</code>' in response.text


def test_the_timeline_highlights_a_change_of_custodian(
    client_for, officer_fr, supervisor_fr, case_fr
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    lab = {"person": "Dr Jeanne Exemple", "agency": "INPS Lyon (fictitious)", "country": "FR"}
    services.custody_transfer_release(actor=officer_fr, item=item, to_custodian=lab)
    services.custody_transfer_accept(actor=supervisor_fr, item=item)
    # when
    response = client_for(officer_fr).get(item_url(item))
    # then
    modifiers = [entry.modifier for entry in response.context["timeline"]]
    assert modifiers == ["handover", "transit", "handover"]
    assert "custody-event--handover" in response.text


def test_the_timeline_shows_an_integrity_failure_in_red_with_its_reason(
    client_for, officer_fr, case_fr
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    services.custody_examine(actor=officer_fr, item=item, seal_intact=False)
    # when
    response = client_for(officer_fr).get(item_url(item))
    # then
    failure = response.context["timeline"][-1]
    assert failure.modifier == "failure"
    assert "custody-event--failure" in response.text
    assert "The seal was found broken." in response.text
    assert "An integrity failure is on record for this item." in response.text


def test_the_timeline_flags_a_claimed_time_far_from_the_servers(client_for, officer_fr, case_fr):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    services.custody_examine(
        actor=officer_fr, item=item, claimed_time=timezone.now() - datetime.timedelta(hours=3)
    )
    # when
    response = client_for(officer_fr).get(item_url(item))
    # then
    assert response.context["timeline"][-1].event.clock_skew_flagged
    assert "Clock skew" in response.text


@pytest.mark.parametrize("scenario", READ_ONLY)
def test_read_only_readers_are_offered_no_custody_action_nor_upload(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(reader(scenario)).get(item_url(item))
    # then
    assert response.context["action_forms"] == []
    assert response.context["file_form"] is None
    assert reverse("evidence:file_upload", args=[item.public_id]) not in response.text


def test_an_item_in_custody_is_offered_the_actions_its_state_allows_but_not_acceptance(
    client_for, officer_fr, case_fr
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(officer_fr).get(item_url(item))
    # then
    actions = [form.action for form in response.context["action_forms"]]
    assert actions == list(services.allowed_actions(item))
    assert "ACCEPTED" not in actions


# --- Files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", EDITORS)
def test_case_editors_upload_a_file_hashed_by_the_server(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    content = b"fictitious extraction report\n" * 100
    upload = SimpleUploadedFile("report.txt", content, content_type="text/plain")
    # when
    response = client_for(reader(scenario)).post(
        item_url(item, "file_upload"), {"upload-file": upload}
    )
    # then
    assert response.status_code == 302
    stored = EvidenceFile.objects.get(item=item)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content)
    assert stored.original_name == "report.txt"


@pytest.mark.parametrize("scenario", [*READ_ONLY, *NON_READERS])
def test_who_may_not_change_the_case_gets_404_uploading_a_file(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    upload = SimpleUploadedFile("report.txt", b"fictitious", content_type="text/plain")
    # when
    response = client_for(reader(scenario)).post(
        item_url(item, "file_upload"), {"upload-file": upload}
    )
    # then
    assert response.status_code == 404
    assert not EvidenceFile.objects.exists()


def test_a_file_whose_hash_differs_from_the_one_given_is_refused_on_that_field(
    client_for, officer_fr, case_fr, evidence_store
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    upload = SimpleUploadedFile("report.txt", b"cut short", content_type="text/plain")
    # when
    response = client_for(officer_fr).post(
        item_url(item, "file_upload"),
        {"upload-file": upload, "upload-expected_sha256": "ab" * 32},
    )
    # then
    assert response.status_code == 400
    assert response.context["file_form"].errors["expected_sha256"]
    assert not EvidenceFile.objects.exists()
    assert not [path for path in evidence_store.rglob("*") if path.is_file()]


def test_a_derived_copy_names_its_parent_and_method(client_for, officer_fr, case_fr):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    original = add_file(actor=officer_fr, item=item)
    upload = SimpleUploadedFile("image.e01", b"fictitious forensic image")
    # when
    response = client_for(officer_fr).post(
        item_url(item, "file_upload"),
        {
            "upload-file": upload,
            "upload-parent": str(original.public_id),
            "upload-derivation_method": "ewfacquire 20231210, default options (fictitious)",
        },
    )
    # then
    assert response.status_code == 302
    copy = EvidenceFile.objects.get(item=item, parent=original)
    assert copy.derivation_method.startswith("ewfacquire")
    page = client_for(officer_fr).get(item_url(item))
    copied = page.context["timeline"][-1]
    assert (copied.label, copied.copy["sha256"]) == ("Copied", copy.sha256)
    assert f'title="{original.sha256}"' in page.text


def test_a_copy_without_its_method_is_refused_on_the_method_field(client_for, officer_fr, case_fr):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    original = add_file(actor=officer_fr, item=item)
    upload = SimpleUploadedFile("image.e01", b"fictitious forensic image")
    # when
    response = client_for(officer_fr).post(
        item_url(item, "file_upload"),
        {"upload-file": upload, "upload-parent": str(original.public_id)},
    )
    # then
    assert response.status_code == 400
    assert response.context["file_form"].errors["derivation_method"]
    assert EvidenceFile.objects.filter(item=item).count() == 1
