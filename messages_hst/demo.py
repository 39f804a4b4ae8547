"""The HST part of the demo (`manage.py seed_demo`): a short exchange between demo NCBs.

Written through the real services and pipeline, as the demo users of `contacts.demo`, on the
demo cases of `ncb_cases.demo`; every NCB of the demo is hosted on this instance, so the
messages travel by the `local` transport, signed with the instance key, and come back with
signed receipts. The pipeline steps are run here in-process (the dispatch and delivery tasks
also enqueued by the approvals find nothing left to do when a worker picks them up).

What the demo shows:

- FR → DE (cc IT), REQUEST on the "Mama Joy" case: written by officer_fr, approved by
  supervisor_fr (four eyes), delivered with receipts; at NCB Wiesbaden it waits for triage
  (officer_de / supervisor_de), and FR tracks its open request items;
- FR → IT, INFO on the Neuilly domestic-servitude case: written and submitted by officer_fr,
  waiting for supervisor_fr's approval;
- DE → FR, ALERT on the Hamburg forced-labour case: a draft of officer_de.

Idempotent: a demo message is recognised by its sender NCB and subject; one that exists is
left as it is (with whatever demo users did since).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from messages_hst import pipeline
from messages_hst.choices import MessageType, Priority
from messages_hst.models import HSTMessage
from messages_hst.services import authoring
from ncb_cases.keys import SigningKeyUnavailable
from ncb_cases.models import Case

MAMA_JOY_FR = "Mama Joy network: sexual exploitation of Nigerian women in Paris (fictitious)"
NEUILLY_FR = "Domestic servitude in a diplomatic household, Neuilly (fictitious)"
HAMBURG_DE = "Forced labour on construction sites near Hamburg (fictitious)"


@dataclass(frozen=True)
class DemoMessage:
    sender: str  # the author's username; the approver is named in `approver`
    case_title: str
    message_type: str
    recipients: tuple[str, ...]
    subject: str
    priority: str = Priority.ROUTINE
    submit: bool = False
    approver: str = ""
    requests: tuple[dict[str, Any], ...] = ()


DEMO_MESSAGES = (
    DemoMessage(
        sender="officer_fr",
        case_title=MAMA_JOY_FR,
        message_type=MessageType.REQUEST,
        recipients=("DE", "IT"),
        subject="Mama Joy network: identify the Frankfurt receiver of the transfers (demo)",
        priority=Priority.PRIORITY,
        submit=True,
        approver="supervisor_fr",
        requests=(
            {
                "action": "CHECK_BANK_ACCOUNT",
                "justification": "Transfers of the victims' 'debt' go through Western Union "
                "to one name in Frankfurt (fictitious demo request).",
            },
            {
                "action": "CHECK_PHONE_SUBSCRIBER",
                "justification": "The organiser's phone called a German number before each "
                "transfer (fictitious demo request).",
            },
        ),
    ),
    DemoMessage(
        sender="officer_fr",
        case_title=NEUILLY_FR,
        message_type=MessageType.INFO,
        recipients=("IT",),
        subject="Neuilly domestic servitude: the recruiting agency also places staff in Milan "
        "(demo)",
        submit=True,
    ),
    DemoMessage(
        sender="officer_de",
        case_title=HAMBURG_DE,
        message_type=MessageType.ALERT,
        recipients=("FR", "IT"),
        subject="Hamburg forced labour: workers moved to a new site tonight (demo)",
        priority=Priority.URGENT,
    ),
)


@dataclass
class MessagesDemoReport:
    created: int = 0
    present: int = 0
    delivered: int = 0
    notes: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        line = (
            f"Demo messages: {self.created} created ({self.present} already present), "
            f"{self.delivered} deliveries made."
        )
        return [line, *self.notes]


def seed_messages_demo() -> MessagesDemoReport:
    """Create the demo messages that do not exist yet. Needs the contacts and cases demos."""
    report = MessagesDemoReport()
    existing = set(
        HSTMessage.objects.filter(
            subject__in=[demo.subject for demo in DEMO_MESSAGES]
        ).values_list("sender_ncb__code", "subject")
    )
    users = {user.username: user for user in get_user_model().objects.filter(is_active=True)}
    cases = {case.title: case for case in Case.objects.filter(
        title__in={demo.case_title for demo in DEMO_MESSAGES}
    )}  # fmt: skip
    for demo in DEMO_MESSAGES:
        case = cases.get(demo.case_title)
        author = users.get(demo.sender)
        if case is None or author is None:
            continue  # the cases or contacts demo did not create it
        if (case.owner_ncb.code, demo.subject) in existing:
            report.present += 1
            continue
        try:
            _seed_message(demo, case=case, author=author, users=users, report=report)
        except (ValidationError, SigningKeyUnavailable) as error:
            report.notes.append(f"  {demo.subject}: not seeded ({error})")
    return report


def _seed_message(demo: DemoMessage, *, case, author, users, report: MessagesDemoReport) -> None:
    message = authoring.message_compose_start(
        actor=author,
        case=case,
        message_type=demo.message_type,
        recipients=list(demo.recipients),
        priority=demo.priority,
        subject=demo.subject,
    )
    message = authoring.message_compose_build(message.pk)
    report.created += 1
    if demo.requests:
        message = authoring.message_update_draft(
            actor=author, message=message, document=_with_requests(message.document, demo)
        )
    if not demo.submit:
        return
    message = authoring.message_submit(actor=author, message=message)
    approver = users.get(demo.approver)
    if approver is None:
        return
    message = authoring.message_approve(actor=approver, message=message, override_warnings=True)
    pipeline.message_dispatch(message.pk)
    for delivery in message.deliveries.all():
        if pipeline.delivery_attempt(delivery.pk) is not None:
            report.delivered += 1


def _with_requests(document: dict[str, Any], demo: DemoMessage) -> dict[str, Any]:
    due = (timezone.localdate() + dt.timedelta(days=21)).isoformat()
    targets = [person["ref"] for person in document["body"].get("persons", [])[:1]]
    requests = [
        {"ref": f"R{number}", "target_refs": targets, "deadline": due, **request}
        for number, request in enumerate(demo.requests, start=1)
    ]
    return {
        **document,
        "response_due": due,
        "body": {**document["body"], "requests": requests},
    }
