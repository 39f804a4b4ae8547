"""Model-level factories for message tests: rows in a given state without going through the
services, so a test of one stage (pages, API, pipeline) does not depend on the others.

`hst_document(...)` is a valid REQUEST document (from `examples.request_message`) re-addressed
to the given sender and recipients; `HSTMessageFactory` stores it as a DRAFT of the sender NCB.
"""

import copy
import datetime as dt

import factory
from django.utils import timezone

from messages_hst.choices import MessageStatus, MessageType, Priority
from messages_hst.models import Delivery, HSTMessage, InboundMessage
from tests.messages_hst import examples


def hst_document(*, message_id, sender_ncb, recipients=("DE",), case=None, **changes) -> dict:
    """A valid REQUEST from `sender_ncb` to `recipients` (NCB codes), dated now."""
    document = examples.request_message()
    now = timezone.now().replace(microsecond=0)
    document["message_id"] = str(message_id)
    document["created_at"] = now.isoformat().replace("+00:00", "Z")
    due = (now.date() + dt.timedelta(days=30)).isoformat()
    document["response_due"] = due
    for request in document["body"].get("requests", []):
        if "deadline" in request:
            request["deadline"] = due
    document["sender"] = {
        "ncb_code": sender_ncb.code,
        "ncb_name": sender_ncb.name,
        "country": sender_ncb.country.iso2,
    }
    document["recipients"] = [
        {"ncb_code": code, "role": "TO" if index == 0 else "CC"}
        for index, code in enumerate(recipients)
    ]
    handling = copy.deepcopy(document["handling"])
    handling["access_restrictions"] = {}
    handling["retention"] = {"review_on": (now.date() + dt.timedelta(days=365 * 4)).isoformat()}
    document["handling"] = handling
    if case is not None:
        document["case"] = {"hst_case_id": str(case.public_id), "sender_case_ref": case.reference}
    document.update(changes)
    return document


class HSTMessageFactory(factory.django.DjangoModelFactory):
    """A DRAFT REQUEST of `sender_ncb` (pass `recipients=("DE",)` to address it)."""

    class Meta:
        model = HSTMessage
        skip_postgeneration_save = True

    class Params:
        recipients = ("DE",)

    message_type = MessageType.REQUEST
    priority = Priority.URGENT
    status = MessageStatus.DRAFT
    subject = "Identify the driver of a coach (test)"
    case = None
    document = factory.LazyAttribute(
        lambda message: hst_document(
            message_id=message.message_id,
            sender_ncb=message.sender_ncb,
            recipients=message.recipients,
            case=message.case,
        )
    )

    @factory.lazy_attribute
    def message_id(self):
        import uuid

        return uuid.uuid4()


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    transport = "local"
    deadline_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=4))


class InboundMessageFactory(factory.django.DjangoModelFactory):
    """A received row as the inbox would store it, before any check (status RECEIVED)."""

    class Meta:
        model = InboundMessage

    raw_body = b"{}"
    raw_sha256 = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    byte_size = 2
    transport = "peer"
