"""The compose and structured edit pages of outgoing messages (`messages_hst.views.editor*`):
who may open them, the draft built by the task while the page waits, saving, live
validation, submitting — all through the test client."""

import pytest
from django.urls import reverse

from messages_hst.choices import MessageStatus
from messages_hst.forms.editor import MessageEditor
from messages_hst.models import HSTMessage
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.messages_hst.authoring_fixtures import case_fr, compose, record_enqueued  # noqa: F401
from tests.messages_hst.factories import HSTMessageFactory
from tests.messages_hst.test_editor_forms import editor_post_data

pytestmark = pytest.mark.django_db

QUERIES_COMPOSE = 7  # measured below, pinned so that it does not grow with the data
QUERIES_EDITOR = 8


def edit_url(message):
    return reverse("messages_hst:edit", kwargs={"message_id": message.message_id})


def validate_url(message):
    return reverse("messages_hst:validate", kwargs={"message_id": message.message_id})


def status_url(message):
    return reverse("messages_hst:compose_status", kwargs={"message_id": message.message_id})


def form_data(message, **changes):
    """What the editor page posts for `message` left as it is, plus `changes`."""
    data = editor_post_data(MessageEditor(message.document))
    data["version"] = message.updated_at.isoformat()
    data.update(changes)
    return data


@pytest.fixture
def draft(ncb_fr, officer_fr):
    return HSTMessageFactory(sender_ncb=ncb_fr, created_by=officer_fr)


# --- Who may open the pages ------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, draft):
    response = client.get(edit_url(draft))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("who", ["officer_fr", "supervisor_fr"])
def test_officers_and_supervisors_of_the_sender_ncb_open_the_editor(
    request, client_for, draft, who
):
    response = client_for(request.getfixturevalue(who)).get(edit_url(draft))
    assert response.status_code == 200
    assert b'id="message-editor"' in response.content
    assert b'name="persons-0-family_name"' in response.content


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer_de", 404), ("supervisor_de", 404), ("srb_europe", 404), ("analyst_fr", 403)],
)
def test_others_may_not_edit(request, client_for, draft, who, status):
    client = client_for(request.getfixturevalue(who))
    assert client.get(edit_url(draft)).status_code == status
    assert client.post(edit_url(draft), form_data(draft)).status_code == status
    assert client.post(validate_url(draft), form_data(draft)).status_code == status
    assert client.get(status_url(draft)).status_code == 404


@pytest.mark.parametrize(
    "status", [MessageStatus.PENDING_APPROVAL, MessageStatus.APPROVED, MessageStatus.DISCARDED]
)
def test_a_message_that_is_not_a_draft_is_not_editable(client_for, officer_fr, draft, status):
    HSTMessage.objects.filter(pk=draft.pk).update(status=status)
    draft.refresh_from_db()
    client = client_for(officer_fr)
    response = client.get(edit_url(draft))
    assert response.status_code == 409
    assert b"can no longer be edited" in response.content
    assert (
        client.post(edit_url(draft), form_data(draft, **{"envelope-subject": "X"})).status_code
        == 409
    )
    assert client.post(validate_url(draft), form_data(draft)).status_code == 409
    draft.refresh_from_db()
    assert draft.document["subject"] != "X"


@pytest.mark.parametrize(("who", "status"), [("analyst_fr", 403), ("srb_europe", 403)])
def test_only_officers_and_supervisors_compose(request, client_for, case_fr, who, status):  # noqa: F811
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("messages_hst:compose")).status_code == status


def test_opening_the_editor_is_audited(client_for, officer_fr, draft):
    client_for(officer_fr).get(edit_url(draft))
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=officer_fr).latest("id")
    assert event.details == {"view": "editor"}


# --- Compose → edit → validate → submit ------------------------------------------------------


def test_compose_preselects_the_case_from_its_page(client_for, officer_fr, case_fr):  # noqa: F811
    response = client_for(officer_fr).get(
        reverse("messages_hst:compose") + f"?case={case_fr.public_id}"
    )
    assert response.status_code == 200
    assert f'<option value="{case_fr.public_id}" selected>'.encode() in response.content


def test_compose_with_bad_recipients_is_a_form_error(client_for, officer_fr, case_fr):  # noqa: F811
    response = client_for(officer_fr).post(
        reverse("messages_hst:compose"),
        {
            "case": str(case_fr.public_id),
            "message_type": "INFO",
            "recipients_to": "Germany",
            "priority": "ROUTINE",
            "language": "en",
        },
    )
    assert response.status_code == 400
    assert "recipients_to" in response.context["form"].errors
    assert not HSTMessage.objects.exists()


def test_whole_flow_compose_build_edit_validate_submit(
    client_for,
    officer_fr,
    case_fr,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from messages_hst import services

    enqueued = record_enqueued(monkeypatch)
    client = client_for(officer_fr)

    # given the officer composing a REQUEST to Germany about their case
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("messages_hst:compose"),
            {
                "case": str(case_fr.public_id),
                "message_type": "REQUEST",
                "recipients_to": "DE",
                "priority": "URGENT",
                "language": "en",
                "subject": "Identify the coach driver (test)",
            },
        )
    message = HSTMessage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == edit_url(message)
    assert enqueued == [message.pk]

    # then while the task has not run, the page waits and the status says so
    assert message.status == MessageStatus.COMPOSING
    waiting = client.get(edit_url(message))
    assert b"data-compose-status-url" in waiting.content
    assert client.get(status_url(message)).json()["composing"] is True

    # when the task builds the draft
    services.message_compose_build(message.pk)
    state = client.get(status_url(message)).json()
    assert state == {
        "status": "DRAFT",
        "composing": False,
        "compose_error": "",
        "edit_url": edit_url(message),
    }
    message.refresh_from_db()
    page = client.get(edit_url(message))
    assert page.status_code == 200

    # and the officer fills in the request and checks it live
    data = form_data(message)
    data.update(
        {
            "envelope-response_due": message.document.get("response_due") or "2099-01-01",
            "requests-0-justification": "The driver carried the victims (test).",
            "requests-0-target_refs": data.get("requests-0-target_refs") or "P1",
        }
    )
    checked = client.post(validate_url(message), data).json()
    assert checked["editable"] is True
    assert checked["preview"].startswith("=")
    assert message.document["message_id"] in checked["preview"]
    assert all("field" in problem for problem in checked["problems"])

    assert checked["errors"] == 0

    # then submitting saves it and moves it to approval
    response = client.post(edit_url(message), {**data, "action": "submit"})
    message.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("messages_hst:detail", args=[message.message_id])
    assert message.status == MessageStatus.PENDING_APPROVAL
    assert message.submitted_by == officer_fr
    justification = message.document["body"]["requests"][0]["justification"]
    assert justification == "The driver carried the victims (test)."
    # and the editor is closed for it
    assert client.get(edit_url(message)).status_code == 409


def test_submitting_with_errors_saves_the_draft_and_lists_the_errors(
    client_for, officer_fr, draft
):
    # given a request whose only request lost its justification (required by the schema)
    data = form_data(draft, **{"requests-0-justification": "", "action": "submit"})
    # when the officer submits it
    response = client_for(officer_fr).post(edit_url(draft), data)
    # then it stays a draft, saved, and the error links to the emptied input
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == MessageStatus.DRAFT
    assert "justification" not in draft.document["body"]["requests"][0]
    assert b'href="#id_requests-0-justification"' in response.content


def test_saving_writes_the_document_through_the_service(client_for, officer_fr, draft):
    # given the officer changing the subject and a person's date of birth
    data = form_data(
        draft,
        **{
            "envelope-subject": "New subject (test)",
            "persons-0-date_of_birth": "1984-05",
            "action": "save",
        },
    )
    # when they save
    response = client_for(officer_fr).post(edit_url(draft), data)
    # then the draft holds the change, the rest as before, and the problems are refreshed
    assert response.status_code == 302
    before = draft.document
    draft.refresh_from_db()
    assert draft.subject == "New subject (test)"
    assert draft.document["body"]["persons"][0]["date_of_birth"] == "1984-05"
    assert draft.document["body"]["relationships"] == before["body"]["relationships"]
    assert draft.status == MessageStatus.DRAFT
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, actor=officer_fr).exists()


def test_a_bad_field_saves_nothing_and_names_the_field(client_for, officer_fr, draft):
    data = form_data(draft, **{"envelope-response_due": "next week", "action": "save"})
    response = client_for(officer_fr).post(edit_url(draft), data)
    assert response.status_code == 400
    assert b'href="#id_envelope-response_due"' in response.content
    before = draft.document
    draft.refresh_from_db()
    assert draft.document == before


def test_a_save_over_someone_elses_newer_save_is_refused(
    client_for, officer_fr, supervisor_fr, draft
):
    stale = form_data(draft, **{"envelope-subject": "Mine (test)"})
    client_for(supervisor_fr).post(
        edit_url(draft), form_data(draft, **{"envelope-subject": "Theirs (test)"})
    )
    response = client_for(officer_fr).post(edit_url(draft), stale)
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.subject == "Theirs (test)"


def test_validate_links_each_problem_to_its_input(client_for, officer_fr, draft):
    # given the suspect's birth moved after the events of the case
    data = form_data(draft, **{"persons-0-date_of_birth": "2025-03-01"})
    # when the page checks what it holds
    answer = client_for(officer_fr).post(validate_url(draft), data).json()
    # then each problem names the input showing the value
    fields = {problem["path"]: problem["field"] for problem in answer["problems"]}
    assert fields["/body/documents/1/issue_date"] == "id_documents-1-issue_date"
    assert fields["/body/financial/0/date"] == "id_financial-0-date"
    assert fields["/body/exploitation/0/period/from"] == "id_exploitation-0-period_from"
    assert answer["errors"] >= 3
    assert f"MESSAGE ID: {draft.document['message_id']}" in answer["preview"]


def test_validate_reports_form_errors_without_a_preview(client_for, officer_fr, draft):
    data = form_data(draft, **{"persons-0-ref": ""})
    answer = client_for(officer_fr).post(validate_url(draft), data).json()
    assert answer["preview"] is None
    assert [p["field"] for p in answer["problems"]] == ["id_persons-0-ref"]


def test_a_victims_identity_stays_hidden_and_kept_for_an_editor_without_the_permission(
    client_for,
    officer_fr,
    ncb_fr,
    case_fr,  # noqa: F811
):
    # given a draft about the case that names its victim P2
    message = HSTMessageFactory(sender_ncb=ncb_fr, created_by=officer_fr, case=case_fr)
    message.document["body"]["persons"][1].update(family_name="VICTIM-TEST", forenames="Vera")
    message.save()
    client = client_for(officer_fr)
    # when the officer (no victim-identity permission) opens and saves it
    page = client.get(edit_url(message))
    assert b"VICTIM-TEST" not in page.content
    assert b"identity withheld" in page.content
    answer = client.post(validate_url(message), form_data(message)).json()
    assert answer["preview"] is None
    assert answer["preview_withheld"] is True
    data = editor_post_data(MessageEditor(message.document, hidden_person_refs=frozenset({"P2"})))
    data.update({"version": message.updated_at.isoformat(), "action": "save"})
    assert client.post(edit_url(message), data).status_code == 302
    # then the identity is still in the document
    message.refresh_from_db()
    assert message.document["body"]["persons"][1]["family_name"] == "VICTIM-TEST"


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("cases", [1, 8])
def test_the_compose_page_costs_the_same_whatever_the_number_of_cases(
    client_for, officer_fr, ncb_fr, django_assert_max_num_queries, cases
):
    from tests.factories import CaseFactory

    CaseFactory.create_batch(cases, owner_ncb=ncb_fr, created_by=officer_fr)
    client = client_for(officer_fr)
    with django_assert_max_num_queries(QUERIES_COMPOSE):
        response = client.get(reverse("messages_hst:compose"))
    assert len(response.context["form"].fields["case"].choices) == cases + 1


@pytest.mark.parametrize("persons", [3, 30])
def test_the_editor_costs_the_same_whatever_the_size_of_the_message(
    client_for, officer_fr, draft, django_assert_max_num_queries, persons
):
    body = draft.document["body"]
    extra = [
        {"ref": f"P{n}", "family_name": f"EXTRA-TEST-{n}", "status": "SUSPECT"}
        for n in range(len(body["persons"]) + 1, persons + 1)
    ]
    body["persons"] += extra
    draft.save()
    client = client_for(officer_fr)
    with django_assert_max_num_queries(QUERIES_EDITOR):
        response = client.get(edit_url(draft))
    assert response.content.count(b'name="persons-TOTAL_FORMS" value="%d"' % persons) == 1
