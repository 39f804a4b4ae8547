"""`messages_hst.services.authoring`: compose, edit, submit, four-eyes approval, return,
discard; each transition validated, audited, and immutable from approval on."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from messages_hst import services
from messages_hst.choices import DeliveryStatus, MessageStatus
from messages_hst.models import Delivery, HSTMessage, OutboxEntry, TrackedRequest
from messages_hst.services import HSTValidationError, composing
from messages_hst.validation import has_errors
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.factories import CaseFactory, officer_user, share_case
from tests.messages_hst.authoring_fixtures import approved

pytestmark = pytest.mark.django_db


def _audit(message, action=None):
    events = AuditEvent.objects.filter(object_public_id=message.message_id).order_by("id")
    return events.filter(action=action) if action else events


@pytest.fixture
def draft(compose, officer_fr, case_fr):
    """A built REQUEST draft of officer_fr about the FR case."""
    return compose(officer_fr, case_fr, "REQUEST", priority="URGENT")


@pytest.fixture
def pending(draft, officer_fr):
    return services.message_submit(actor=officer_fr, message=draft)


# --- Composing -------------------------------------------------------------------------------


def test_composing_starts_a_message_and_enqueues_its_build_on_commit(
    officer_fr, case_fr, monkeypatch, django_capture_on_commit_callbacks
):
    # given
    enqueued = []
    monkeypatch.setattr(
        "messages_hst.tasks.compose_message.apply_async",
        lambda args, **options: enqueued.append(args[0]),
    )

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = services.message_compose_start(
            actor=officer_fr, case=case_fr, message_type="INFO", recipients=["DE"]
        )

    # then the row is COMPOSING with its envelope, and the task waits for the commit
    assert message.status == MessageStatus.COMPOSING
    assert message.document["recipients"] == [{"ncb_code": "DE", "role": "TO"}]
    assert message.document["message_id"] == str(message.message_id)
    assert message.subject == f"Information about case {case_fr.reference}"
    assert enqueued == []
    callbacks[0]()
    assert enqueued == [message.pk]
    (event,) = _audit(message)
    assert event.action == AuditAction.CREATE
    assert event.actor == officer_fr
    assert event.details == {"message_type": "INFO", "recipients": 1}


def test_the_build_makes_a_valid_draft_and_is_idempotent(compose, officer_fr, case_fr):
    # when
    message = compose(officer_fr, case_fr, "INFO")

    # then
    assert message.status == MessageStatus.DRAFT
    assert message.compose_error == ""
    assert message.problems == []
    assert "x_compose" not in message.document
    assert message.document["body"]["persons"]
    assert message.document["handling"]["victim_data_present"] is True
    built = _audit(message).last()
    assert built.action == AuditAction.UPDATE
    assert built.actor is None
    assert built.details == {"transition": "composed", "failed": False}
    # and building again changes nothing
    document = message.document
    assert services.message_compose_build(message.pk).document == document
    assert services.message_compose_build(10**9) is None


def test_a_build_that_cannot_read_the_case_leaves_an_empty_draft_with_the_reason(
    officer_fr, case_fr, monkeypatch, django_capture_on_commit_callbacks
):
    # given a message started, then its author deactivated before the task ran
    monkeypatch.setattr(
        "messages_hst.tasks.compose_message.apply_async", lambda *args, **options: None
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_compose_start(
            actor=officer_fr, case=case_fr, message_type="INFO", recipients=["DE"]
        )
    officer_fr.is_active = False
    officer_fr.save()

    # when
    message = services.message_compose_build(message.pk)

    # then
    assert message.status == MessageStatus.DRAFT
    assert message.document["body"] == {}
    assert "no longer read the case" in message.compose_error
    assert has_errors(services.message_validate(message))


def test_the_compose_task_builds_the_draft(officer_fr, case_fr, monkeypatch):
    # given a COMPOSING message
    from messages_hst.tasks import compose_message

    monkeypatch.setattr(
        "messages_hst.tasks.compose_message.apply_async", lambda *args, **options: None
    )
    message = services.message_compose_start(
        actor=officer_fr, case=case_fr, message_type="INFO", recipients=["DE"]
    )

    # when the task runs (twice: a redelivery)
    assert compose_message(message.pk) == MessageStatus.DRAFT
    assert compose_message(message.pk) == MessageStatus.DRAFT

    # then
    assert _audit(message, AuditAction.UPDATE).count() == 1


@pytest.mark.parametrize("who", ["analyst_fr", "srb_europe", "user_without_ncb"])
def test_only_officers_and_supervisors_compose(request, case_fr, who):
    with pytest.raises(PermissionDenied):
        services.message_compose_start(
            actor=request.getfixturevalue(who),
            case=case_fr,
            message_type="INFO",
            recipients=["DE"],
        )


def test_a_case_of_another_ncb_is_refused_even_when_shared(officer_de, ncb_de, case_fr):
    def start():
        with pytest.raises(ValidationError) as error:
            services.message_compose_start(
                actor=officer_de, case=case_fr, message_type="INFO", recipients=["FR"]
            )
        return error.value.message_dict

    # when DE cannot read the case, and when FR shared it with DE
    assert "case" in start()
    share_case(case_fr, ncb_de)
    assert "case" in start()

    # then nothing was written
    assert not HSTMessage.objects.exists()


def test_bad_compose_input_names_each_field(officer_fr, case_fr):
    with pytest.raises(ValidationError) as error:
        services.message_compose_start(
            actor=officer_fr,
            case=case_fr,
            message_type="INFO",
            recipients=["FR", "ZZ"],
            priority="SOON",
            language="english",
        )
    assert set(error.value.message_dict) == {"recipients", "priority", "language"}
    assert any("ZZ" in m for m in error.value.message_dict["recipients"])


@pytest.mark.parametrize(
    ("message_type", "field", "kwargs"),
    [
        ("REPLY", "message_type", {}),
        ("RECEIPT", "message_type", {}),
        ("ALERT", "priority", {"priority": "ROUTINE"}),
        ("INFO", "include_victim_identity", {"include_victim_identity": True}),
    ],
)
def test_compose_refuses_what_it_cannot_write(officer_fr, case_fr, message_type, field, kwargs):
    with pytest.raises(ValidationError) as error:
        services.message_compose_start(
            actor=officer_fr, case=case_fr, message_type=message_type, recipients=["DE"], **kwargs
        )
    assert field in error.value.message_dict


def test_an_identity_holder_may_include_victim_identities(compose, identity_holder, case_fr):
    message = compose(identity_holder, case_fr, "INFO", include_victim_identity=True)
    assert "OKAFOR-TEST" in str(message.document)
    assert _audit(message, AuditAction.CREATE).get().details["include_victim_identity"] is True


def test_a_broker_outage_does_not_fail_the_start_and_the_relay_resends(
    officer_fr, case_fr, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    # given a broker that is down
    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("messages_hst.tasks.compose_message.apply_async", down)

    # when a message is started
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_compose_start(
            actor=officer_fr, case=case_fr, message_type="INFO", recipients=["DE"]
        )

    # then the author gets the message and the log says what happened, without content
    assert message.status == MessageStatus.COMPOSING
    assert "not enqueued (ConnectionError)" in caplog.text
    assert case_fr.reference not in caplog.text

    # when the broker is back and the relay runs, a fresh message waits, an old one is resent
    enqueued = []
    monkeypatch.setattr(
        "messages_hst.tasks.compose_message.apply_async",
        lambda args, **options: enqueued.append(args[0]),
    )
    assert composing.message_compose_relay() == 0
    later = timezone.now() + dt.timedelta(minutes=5)
    assert composing.message_compose_relay(now=later) == 1
    assert enqueued == [message.pk]


def test_the_relay_task_resends_stuck_builds(officer_fr, case_fr, monkeypatch):
    from messages_hst.tasks import relay_composing

    monkeypatch.setattr(
        "messages_hst.tasks.compose_message.apply_async", lambda *args, **options: None
    )
    message = services.message_compose_start(
        actor=officer_fr, case=case_fr, message_type="INFO", recipients=["DE"]
    )
    HSTMessage.objects.filter(pk=message.pk).update(
        updated_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert relay_composing() == 1


# --- Editing ---------------------------------------------------------------------------------


def test_editing_a_draft_keeps_the_system_owned_fields_and_recomputes_the_flags(draft, officer_fr):
    # given an edit that tries to change the id, sender and flags, and changes the subject
    document = dict(draft.document)
    document.update(
        message_id="00000000-0000-4000-8000-000000000000",
        sender={"ncb_code": "DE", "country": "DE"},
        subject="Identify the recruiter (test)",
        priority="FLASH",
        handling={**draft.document["handling"], "victim_data_present": False},
    )

    # when
    message = services.message_update_draft(actor=officer_fr, message=draft, document=document)

    # then
    assert message.document["message_id"] == str(draft.message_id)
    assert message.document["sender"]["ncb_code"] == "FR"
    assert message.document["handling"]["victim_data_present"] is True
    assert message.subject == "Identify the recruiter (test)"
    assert message.priority == "FLASH"
    assert message.response_due.isoformat() == document["response_due"]
    event = _audit(message).last()
    assert event.action == AuditAction.UPDATE
    assert event.details == {"transition": "edit", "errors": False}


def test_an_edit_with_errors_is_stored_with_its_problems(draft, officer_fr):
    document = {**draft.document, "subject": ""}
    message = services.message_update_draft(actor=officer_fr, message=draft, document=document)
    assert any(p["path"] == "/subject" for p in message.problems)
    assert _audit(message).last().details["errors"] is True


def test_another_ncb_or_an_analyst_cannot_edit(draft, officer_de, analyst_fr):
    for actor in (officer_de, analyst_fr):
        with pytest.raises(PermissionDenied):
            services.message_update_draft(actor=actor, message=draft, document=draft.document)


def test_a_colleague_of_the_same_ncb_may_edit_the_draft(draft, ncb_fr):
    colleague = officer_user("officer_fr_2", ncb_fr)
    services.message_update_draft(actor=colleague, message=draft, document=draft.document)


def test_a_document_that_is_not_an_object_is_refused(draft, officer_fr):
    with pytest.raises(ValidationError) as error:
        services.message_update_draft(actor=officer_fr, message=draft, document=["x"])
    assert "document" in error.value.message_dict


# --- Submitting ------------------------------------------------------------------------------


def test_submitting_moves_a_valid_draft_to_approval(draft, officer_fr):
    # when
    message = services.message_submit(actor=officer_fr, message=draft)

    # then
    assert message.status == MessageStatus.PENDING_APPROVAL
    assert message.submitted_by == officer_fr
    assert message.submitted_at is not None
    event = _audit(message).last()
    assert event.details == {"transition": "submit", "warnings": 0}


def test_errors_block_submission_and_are_all_listed(draft, officer_fr):
    # given a draft with two errors
    document = {**draft.document, "subject": "", "priority": "SOON"}
    draft = services.message_update_draft(actor=officer_fr, message=draft, document=document)

    # when
    with pytest.raises(HSTValidationError) as error:
        services.message_submit(actor=officer_fr, message=draft)

    # then
    assert {p["path"] for p in error.value.problems} >= {"/subject", "/priority"}
    assert any(m.startswith("/subject: ") for m in error.value.message_dict["document"])
    draft.refresh_from_db()
    assert draft.status == MessageStatus.DRAFT


# --- Approving: four eyes --------------------------------------------------------------------


def test_the_author_cannot_approve_their_own_message(compose, supervisor_fr, case_fr):
    # given a message written and submitted by a supervisor
    message = compose(supervisor_fr, case_fr, "INFO")
    message = services.message_submit(actor=supervisor_fr, message=message)

    # then
    with pytest.raises(PermissionDenied):
        services.message_approve(actor=supervisor_fr, message=message)


def test_the_submitter_cannot_approve(draft, supervisor_fr):
    message = services.message_submit(actor=supervisor_fr, message=draft)
    with pytest.raises(PermissionDenied):
        services.message_approve(actor=supervisor_fr, message=message)


@pytest.mark.parametrize("who", ["officer_fr", "analyst_fr", "supervisor_de", "srb_europe"])
def test_only_a_supervisor_of_the_sender_approves(request, pending, who):
    with pytest.raises(PermissionDenied):
        services.message_approve(actor=request.getfixturevalue(who), message=pending)
    pending.refresh_from_db()
    assert pending.status == MessageStatus.PENDING_APPROVAL


def test_approval_freezes_the_message_and_hands_it_to_the_pipeline(pending, supervisor_fr, ncb_de):
    # when
    message = services.message_approve(
        actor=supervisor_fr, message=pending, comment="Checked with the case officer (test)."
    )

    # then the message is approved, dated, queued with one delivery per recipient
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.approved_by == supervisor_fr
    assert message.document["created_at"] == message.approved_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert message.warnings_overridden is False
    (delivery,) = Delivery.objects.filter(message=message)
    assert delivery.recipient_ncb == ncb_de
    assert delivery.status == DeliveryStatus.PENDING
    assert OutboxEntry.objects.filter(message=message).exists()
    # and the REQUEST's items are tracked
    assert list(
        TrackedRequest.objects.filter(request_message_id=message.message_id).values_list(
            "request_ref", flat=True
        )
    ) == ["R1"]
    # and the approval is audited with the comment as its purpose
    event = _audit(message, AuditAction.APPROVE).get()
    assert event.actor == supervisor_fr
    assert event.purpose == "Checked with the case officer (test)."
    assert event.details == {
        "message_type": "REQUEST",
        "recipients": 1,
        "warnings_overridden": False,
    }


def test_warnings_need_the_supervisors_override(draft, officer_fr, supervisor_fr):
    # given a message with a warning (no retention date: the default applies)
    document = dict(draft.document)
    document["handling"] = {
        k: v for k, v in draft.document["handling"].items() if k != "retention"
    }
    draft = services.message_update_draft(actor=officer_fr, message=draft, document=document)
    assert draft.problems
    assert not has_errors(services.message_validate(draft))
    pending = services.message_submit(actor=officer_fr, message=draft)

    # when approved without override, then refused naming the override
    with pytest.raises(HSTValidationError) as error:
        services.message_approve(actor=supervisor_fr, message=pending)
    assert "override_warnings" in error.value.message_dict
    assert error.value.problems

    # when approved with the override, then sent and the override recorded
    message = services.message_approve(
        actor=supervisor_fr, message=pending, override_warnings=True
    )
    assert message.warnings_overridden is True
    assert _audit(message, AuditAction.APPROVE).get().details["warnings_overridden"] is True


def test_errors_found_at_approval_block_it(pending, supervisor_fr):
    # given a document broken after submission (the reference of a request gone wrong)
    document = dict(pending.document)
    document["body"] = {**document["body"], "requests": []}
    HSTMessage.objects.filter(pk=pending.pk).update(document=document)
    pending.refresh_from_db()  # as the approving view reads it

    # then
    with pytest.raises(HSTValidationError):
        services.message_approve(actor=supervisor_fr, message=pending, override_warnings=True)
    pending.refresh_from_db()
    assert pending.status == MessageStatus.PENDING_APPROVAL
    assert not Delivery.objects.exists()


def test_a_failing_pipeline_rolls_the_approval_back(pending, supervisor_fr, monkeypatch):
    # given a pipeline that fails
    def fail(message, **kwargs):
        raise RuntimeError("broker gone")

    monkeypatch.setattr("messages_hst.pipeline.schedule_delivery", fail)

    # when
    with pytest.raises(RuntimeError):
        services.message_approve(actor=supervisor_fr, message=pending)

    # then nothing of the approval remains
    pending.refresh_from_db()
    assert pending.status == MessageStatus.PENDING_APPROVAL
    assert pending.approved_by is None
    assert not _audit(pending, AuditAction.APPROVE).exists()


def test_only_a_message_awaiting_approval_is_approved(draft, supervisor_fr):
    with pytest.raises(ValidationError) as error:
        services.message_approve(actor=supervisor_fr, message=draft)
    assert "status" in error.value.message_dict


def test_a_copy_read_before_the_message_was_returned_does_not_approve_it(pending, supervisor_fr):
    # given the approver's copy, read while it awaited approval, then the message returned
    read_before = HSTMessage.objects.get(pk=pending.pk)
    services.message_return(actor=supervisor_fr, message=pending, comment="Add the route.")

    # when the copy is approved
    with pytest.raises(ValidationError) as error:
        services.message_approve(actor=supervisor_fr, message=read_before)

    # then the refusal says what is true now, and nothing of the approval was written
    assert "status" in error.value.message_dict
    stored = HSTMessage.objects.get(pk=pending.pk)
    assert (stored.status, stored.approved_by) == (MessageStatus.DRAFT, None)
    assert not Delivery.objects.filter(message=pending).exists()
    assert not OutboxEntry.objects.filter(message=pending).exists()
    assert not _audit(pending, AuditAction.APPROVE).exists()


def test_a_copy_read_before_a_resubmission_approves_what_is_stored_now(
    pending, officer_fr, supervisor_fr
):
    # given the approver's copy, then the message returned, corrected and submitted again
    read_before = HSTMessage.objects.get(pk=pending.pk)
    returned = services.message_return(actor=supervisor_fr, message=pending, comment="Subject.")
    corrected = services.message_update_draft(
        actor=officer_fr,
        message=returned,
        document={**returned.document, "subject": "Coach route Lyon-Munich (corrected)"},
    )
    services.message_submit(actor=officer_fr, message=corrected)

    # when the old copy is approved
    message = services.message_approve(actor=supervisor_fr, message=read_before)

    # then the stored submission was approved (read under lock), once
    stored = HSTMessage.objects.get(pk=pending.pk)
    assert stored.status == message.status == MessageStatus.QUEUED
    assert stored.document["subject"] == "Coach route Lyon-Munich (corrected)"
    assert Delivery.objects.filter(message=pending).count() == 1
    assert _audit(pending, AuditAction.APPROVE).count() == 1


def test_approving_leaves_the_callers_object_as_it_was(pending, supervisor_fr):
    # given
    document_as_read = dict(pending.document)

    # when
    message = services.message_approve(actor=supervisor_fr, message=pending)

    # then the approved message is the one returned; the copy passed in still reads as given
    assert message is not pending
    assert message.status == MessageStatus.QUEUED
    assert message.document["created_at"] == message.approved_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (pending.status, pending.approved_by) == (MessageStatus.PENDING_APPROVAL, None)
    assert pending.document == document_as_read


# --- Immutability ----------------------------------------------------------------------------


def test_an_approved_message_never_changes(pending, officer_fr, supervisor_fr):
    # given an approved message
    message = services.message_approve(actor=supervisor_fr, message=pending)
    frozen = HSTMessage.objects.get(pk=message.pk).document

    # then no service changes it any more
    for attempt in (
        lambda: services.message_update_draft(
            actor=officer_fr, message=message, document={**frozen, "subject": "Changed"}
        ),
        lambda: services.message_submit(actor=officer_fr, message=message),
        lambda: services.message_discard(actor=officer_fr, message=message),
        lambda: services.message_return(actor=supervisor_fr, message=message, comment="No"),
        lambda: services.message_approve(actor=supervisor_fr, message=message),
    ):
        with pytest.raises((ValidationError, PermissionDenied)):
            attempt()
    assert HSTMessage.objects.get(pk=message.pk).document == frozen


# --- Returning and discarding ----------------------------------------------------------------


def test_returning_sends_the_message_back_to_its_author_with_a_comment(
    pending, officer_fr, supervisor_fr
):
    # when a return without comment is refused
    with pytest.raises(ValidationError) as error:
        services.message_return(actor=supervisor_fr, message=pending, comment=" ")
    assert "comment" in error.value.message_dict

    # when returned with a comment
    message = services.message_return(
        actor=supervisor_fr, message=pending, comment="Name the coach company (test)."
    )

    # then it is a draft again, resubmittable
    assert message.status == MessageStatus.DRAFT
    assert message.returned_by == supervisor_fr
    assert message.return_comment == "Name the coach company (test)."
    assert _audit(message).last().details == {"transition": "return"}
    assert services.message_submit(actor=officer_fr, message=message).status == (
        MessageStatus.PENDING_APPROVAL
    )


def test_the_author_cannot_return_their_own_message(pending, officer_fr):
    with pytest.raises(PermissionDenied):
        services.message_return(actor=officer_fr, message=pending, comment="Fix it")


def test_discarding_keeps_the_row_for_the_trail(draft, officer_fr, officer_de):
    with pytest.raises(PermissionDenied):
        services.message_discard(actor=officer_de, message=draft)
    message = services.message_discard(actor=officer_fr, message=draft)
    assert message.status == MessageStatus.DISCARDED
    event = _audit(message).last()
    assert event.action == AuditAction.DELETE
    assert event.details == {"transition": "discard", "from": "DRAFT"}


def test_every_transition_leaves_one_audit_row(compose, officer_fr, supervisor_fr, case_fr):
    # when a message goes through its whole authoring life
    message = compose(officer_fr, case_fr, "INFO")
    message = services.message_update_draft(
        actor=officer_fr, message=message, document=message.document
    )
    message = services.message_submit(actor=officer_fr, message=message)
    message = services.message_return(actor=supervisor_fr, message=message, comment="Shorter")
    message = services.message_submit(actor=officer_fr, message=message)
    approved(message, author=officer_fr, approver=supervisor_fr)

    # then the trail tells it, in order, with who did what
    trail = [
        (e.action, e.actor.username if e.actor else None, e.details.get("transition"))
        for e in _audit(message)
    ]
    assert trail == [
        (AuditAction.CREATE, "officer_fr", None),
        (AuditAction.UPDATE, None, "composed"),
        (AuditAction.UPDATE, "officer_fr", "edit"),
        (AuditAction.UPDATE, "officer_fr", "submit"),
        (AuditAction.UPDATE, "supervisor_fr", "return"),
        (AuditAction.UPDATE, "officer_fr", "submit"),
        (AuditAction.APPROVE, "supervisor_fr", None),
    ]
    # and no audit row carries message content
    assert "OKAFOR" not in str(list(_audit(message).values_list("details", flat=True)))


def test_a_child_in_the_case_keeps_the_message_strictest(
    compose, officer_fr, case_fr, child_victim
):
    message = compose(officer_fr, case_fr, "ALERT", priority="FLASH")
    assert message.problems == []
    assert message.document["handling"]["minor_data_present"] is True
    assert message.document["handling"]["confidentiality_level"] == "INTERPOL_CONFIDENTIAL"


def test_a_case_without_summary_is_summarised_by_its_title(compose, officer_fr, ncb_fr, ncb_de):
    other = CaseFactory(owner_ncb=ncb_fr, created_by=officer_fr, summary="")
    message = compose(officer_fr, other, "INFO")
    assert message.document["body"]["case_summary"]["summary"] == other.title


def test_recipients_unknown_here_or_the_sender_itself_are_errors(draft, officer_fr):
    # given recipients edited to an unknown NCB and to FR itself
    document = {
        **draft.document,
        "recipients": [{"ncb_code": "ZZ", "role": "TO"}, {"ncb_code": "FR", "role": "CC"}],
    }

    # when
    message = services.message_update_draft(actor=officer_fr, message=draft, document=document)

    # then both are errors that block submission
    codes = {(p["path"], p["code"]) for p in message.problems}
    assert ("/recipients/0/ncb_code", "unknown_recipient") in codes
    assert ("/recipients/1/ncb_code", "recipient_is_sender") in codes
    with pytest.raises(HSTValidationError):
        services.message_submit(actor=officer_fr, message=message)
