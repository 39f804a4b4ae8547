"""Custody actions from the item page (one form per action) and the "Verify now" button.

`case_fr` is officer_fr's French case; officer_de's NCB (Germany) receives a share in the
scenarios that need one. The custodians are fictitious.
"""

import pytest
from django.urls import reverse

from evidence import services
from evidence.checkpointing import custody_checkpoint_build
from evidence.choices import CustodyAction, EvidenceState
from evidence.models import CustodyEvent, EvidenceItem
from ncb_cases.choices import ShareAccess
from tests.evidence.factories import GERMAN_LAB, evidence_item
from tests.factories import share_case
from tests.ncb_cases.views.case_scenarios import EDITORS, NON_READERS, READ_ONLY, READERS

pytestmark = pytest.mark.django_db


def action_url(item, action):
    return reverse("evidence:custody_record", args=[item.public_id, action])


def item_url(item):
    return reverse("evidence:item_detail", args=[item.public_id])


def release_to_germany(item, actor):
    return services.custody_transfer_release(
        actor=actor,
        item=item,
        to_custodian=GERMAN_LAB,
        legal_authority="MLA request FR-DE 2026/17 (fictitious)",
    )


# --- Recording an action ----------------------------------------------------------------------


@pytest.mark.parametrize("scenario", EDITORS)
def test_case_editors_record_a_seal_and_see_it_on_the_timeline(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    client = client_for(reader(scenario))
    # when
    response = client.post(
        action_url(item, "sealed"), {"sealed-seal_number": "SEAL-FR-0200", "sealed-place": "Lyon"}
    )
    # then
    assert response.status_code == 302
    assert response.url == item_url(item)
    event = item.custody_events.get(sequence=2)
    assert (event.action, event.seal_number) == (CustodyAction.SEALED, "SEAL-FR-0200")
    page = client.get(response.url)
    assert "recorded as event 2" in page.text


@pytest.mark.parametrize("scenario", [*READ_ONLY, *NON_READERS])
def test_who_may_not_change_the_case_gets_404_recording_an_action(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(reader(scenario)).post(
        action_url(item, "sealed"), {"sealed-seal_number": "SEAL-FR-0200"}
    )
    # then
    assert response.status_code == 404
    assert item.custody_events.count() == 1


def test_anonymous_visitor_cannot_record_an_action(client_for, case_fr, officer_fr):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(None).post(
        action_url(item, "sealed"), {"sealed-seal_number": "SEAL-FR-0200"}
    )
    # then
    assert response.status_code == 302
    assert item.custody_events.count() == 1


def test_an_unknown_action_in_the_url_is_a_404(client_for, case_fr, officer_fr):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(officer_fr).post(action_url(item, "collected"), {})
    # then
    assert response.status_code == 404


def test_a_seal_without_its_number_is_refused_on_the_number_field(client_for, case_fr, officer_fr):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(officer_fr).post(action_url(item, "sealed"), {"sealed-place": "Lyon"})
    # then
    assert response.status_code == 400
    form = next(f for f in response.context["action_forms"] if f.action == "SEALED")
    assert form.errors["seal_number"]
    assert item.custody_events.count() == 1


def test_a_transfer_abroad_without_legal_authority_is_refused_on_that_field(
    client_for, case_fr, officer_fr
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(officer_fr).post(
        action_url(item, "released"),
        {
            "released-to_person": GERMAN_LAB["person"],
            "released-to_agency": GERMAN_LAB["agency"],
            "released-to_country": "DE",
        },
    )
    # then
    assert response.status_code == 400
    form = next(f for f in response.context["action_forms"] if f.action == "RELEASED")
    assert "legal basis" in " ".join(form.errors["legal_authority"])
    assert item.custody_events.count() == 1
    assert 'id="custody-released" open' in response.text


def test_an_action_the_state_does_not_allow_is_refused_and_writes_nothing(
    client_for, case_fr, officer_fr
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(officer_fr).post(action_url(item, "accepted"), {})
    # then
    assert response.status_code == 400
    assert "not possible" in response.text
    assert item.custody_events.count() == 1


def test_destroying_needs_the_order_and_then_ends_the_chain(client_for, case_fr, officer_fr):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    client = client_for(officer_fr)
    # when
    refused = client.post(action_url(item, "destroyed"), {"destroyed-place": "Incinerator"})
    done = client.post(
        action_url(item, "destroyed"),
        {"destroyed-legal_authority": "Order TJ Lyon 2026/0444 (fictitious)"},
    )
    page = client.get(item_url(item))
    # then
    assert refused.status_code == 400
    assert done.status_code == 302
    assert EvidenceItem.objects.get(pk=item.pk).state == EvidenceState.DESTROYED
    assert page.context["action_forms"] == []
    assert "no further action can be recorded" in page.text


def test_a_broken_seal_reported_at_examination_appends_an_integrity_failure(
    client_for, case_fr, officer_fr
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    client = client_for(officer_fr)
    # when
    response = client.post(
        action_url(item, "examined"),
        {"examined-purpose": "Photographs", "examined-seal_intact": "no"},
    )
    # then
    assert response.status_code == 302
    actions = list(item.custody_events.order_by("sequence").values_list("action", flat=True))
    assert actions == ["COLLECTED", "EXAMINED", "INTEGRITY_FAILURE"]
    messages = [str(message) for message in client.get(response.url).context["messages"]]
    assert any("Integrity failure recorded as event 3" in message for message in messages)


# --- The two-sided transfer -------------------------------------------------------------------


def test_the_receiving_officer_is_offered_the_accept_form(
    client_for, case_fr, officer_fr, officer_de, ncb_de
):
    # given
    share_case(case_fr, ncb_de, access=ShareAccess.READ_WRITE)
    item = evidence_item(actor=officer_fr, case=case_fr)
    release_to_germany(item, officer_fr)
    # when
    response = client_for(officer_de).get(item_url(item))
    # then
    actions = [form.action for form in response.context["action_forms"]]
    assert "ACCEPTED" in actions
    assert response.context["may_accept"] is True
    assert "released to your party" in response.text


def test_the_releasing_officer_sees_the_item_awaiting_acceptance_without_the_accept_form(
    client_for, case_fr, officer_fr, officer_de, ncb_de
):
    # given
    share_case(case_fr, ncb_de, access=ShareAccess.READ_WRITE)
    item = evidence_item(actor=officer_fr, case=case_fr)
    release_to_germany(item, officer_fr)
    # when
    response = client_for(officer_fr).get(item_url(item))
    # then
    actions = [form.action for form in response.context["action_forms"]]
    assert actions == ["TRANSFER_CANCELLED"]
    assert "Awaiting acceptance by the receiving party" in response.text


def test_the_receiving_officer_accepts_and_becomes_the_custodian(
    client_for, case_fr, officer_fr, officer_de, ncb_de
):
    # given
    share_case(case_fr, ncb_de, access=ShareAccess.READ_WRITE)
    item = evidence_item(actor=officer_fr, case=case_fr)
    release_to_germany(item, officer_fr)
    # when
    response = client_for(officer_de).post(
        action_url(item, "accepted"),
        {"accepted-seal_intact": "yes", "accepted-storage_location": "BKA evidence store 2"},
    )
    # then
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == EvidenceState.IN_CUSTODY
    assert (item.custodian_agency, item.custodian_country) == ("BKA Wiesbaden", "DE")
    assert item.storage_location == "BKA evidence store 2"


def test_the_releaser_cannot_accept_their_own_release(client_for, case_fr, officer_fr):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    release_to_germany(item, officer_fr)
    # when
    response = client_for(officer_fr).post(action_url(item, "accepted"), {})
    # then
    assert response.status_code == 400
    assert CustodyEvent.objects.filter(item=item, action="ACCEPTED").count() == 0


def test_cancelling_a_transfer_needs_a_reason(client_for, case_fr, officer_fr):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    release_to_germany(item, officer_fr)
    client = client_for(officer_fr)
    # when
    refused = client.post(action_url(item, "transfer-cancelled"), {})
    done = client.post(
        action_url(item, "transfer-cancelled"),
        {"transfer_cancelled-notes": "Courier did not arrive (fictitious)"},
    )
    # then
    assert refused.status_code == 400
    assert done.status_code == 302
    assert EvidenceItem.objects.get(pk=item.pk).state == EvidenceState.IN_CUSTODY


# --- Verify now -------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", READERS)
def test_whoever_may_read_the_item_verifies_its_chain(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    services.custody_seal(actor=officer_fr, item=item, seal_number="SEAL-FR-0300")
    client = client_for(reader(scenario))
    # when
    response = client.post(reverse("evidence:item_verify", args=[item.public_id]))
    # then
    assert response.status_code == 302
    messages = [str(message) for message in client.get(response.url).context["messages"]]
    assert messages == ["Chain of custody verified: 2 events, every link holds."]


@pytest.mark.parametrize("scenario", NON_READERS)
def test_who_may_not_read_the_item_gets_404_verifying_it(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(reader(scenario)).post(
        reverse("evidence:item_verify", args=[item.public_id])
    )
    # then
    assert response.status_code == 404


def test_verify_now_names_the_first_broken_link(client_for, case_fr, officer_fr):
    # given: the item claims a third event that is not in its chain (a cut-off tail)
    item = evidence_item(actor=officer_fr, case=case_fr)
    services.custody_seal(actor=officer_fr, item=item, seal_number="SEAL-FR-0300")
    EvidenceItem.objects.filter(pk=item.pk).update(last_sequence=3)
    client = client_for(officer_fr)
    # when
    response = client.post(reverse("evidence:item_verify", args=[item.public_id]))
    # then
    messages = [str(message) for message in client.get(response.url).context["messages"]]
    assert len(messages) == 1
    assert messages[0].startswith("The chain of custody is broken:")
    assert f"item {item.item_number}, event 3" in messages[0]


def test_verify_now_only_answers_post(client_for, case_fr, officer_fr):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(officer_fr).get(reverse("evidence:item_verify", args=[item.public_id]))
    # then
    assert response.status_code == 405


def test_verify_now_also_reports_the_latest_signed_checkpoint(
    client_for, case_fr, officer_fr, settings, tmp_path
):
    # given: a checkpoint signed (with a throwaway development key) over the whole log
    settings.VAR_DIR = tmp_path
    item = evidence_item(actor=officer_fr, case=case_fr)
    services.custody_seal(actor=officer_fr, item=item, seal_number="SEAL-FR-0300")
    custody_checkpoint_build()
    client = client_for(officer_fr)
    # when
    response = client.post(reverse("evidence:item_verify", args=[item.public_id]))
    # then
    messages = [str(message) for message in client.get(response.url).context["messages"]]
    assert messages == [
        "Chain of custody verified: 2 events, every link holds.",
        "The latest signed checkpoint covers 2 of 2 events of the custody log; its signature "
        "and root hash hold.",
    ]


def test_the_evidence_tab_tells_the_receiving_officer_an_item_awaits_them(
    client_for, case_fr, officer_fr, officer_de, ncb_de
):
    # given
    share_case(case_fr, ncb_de, access=ShareAccess.READ_WRITE)
    item = evidence_item(actor=officer_fr, case=case_fr)
    release_to_germany(item, officer_fr)
    tab = reverse("evidence:case_items", args=[case_fr.public_id])
    # when
    receiver = client_for(officer_de).get(tab)
    giver = client_for(officer_fr).get(tab)
    # then
    assert receiver.context["awaiting_acceptance"] == {item.pk}
    assert "For you to accept" in receiver.text
    assert "For you to accept" not in giver.text
    assert "awaiting acceptance" in giver.text
