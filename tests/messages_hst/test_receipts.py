"""The sender's check of a RECEIPT: only the recipient NCB's signature over a receipt for
this very message and these very bytes makes a delivery DELIVERED."""

import json

import pytest
from django.utils import timezone

from contacts.models import NCBPublicKey
from contacts.services import ncb_public_key_revoke
from messages_hst import signing
from messages_hst.receipts import receipt_verify
from ncb_cases.canonical import canonical_json_bytes
from tests.messages_hst.pipeline_support import PartnerKey, dispatched_message, receipt_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(ncb_fr, ncb_de):
    ncb_de.transport = "peer"
    ncb_de.save(update_fields=["transport"])
    message = dispatched_message(ncb_fr)
    return message.deliveries.select_related("message", "recipient_ncb").get()


@pytest.fixture
def de_key(ncb_de):
    return PartnerKey.register(ncb_de).private


def test_a_receipt_signed_by_the_recipient_for_these_bytes_is_accepted(delivery, de_key):
    # when
    check = receipt_verify(delivery, receipt_bytes(delivery.message, key=de_key))

    # then
    assert check.ok
    assert check.signature_status == "ok"
    assert check.document["body"]["receipt"]["ref_message_id"] == str(delivery.message.message_id)


def _tampered(data: bytes) -> bytes:
    document = json.loads(data)
    document["body"]["receipt"]["received_at"] = "2025-03-14T10:00:00.000Z"
    return canonical_json_bytes(document)


@pytest.mark.parametrize(
    ("make", "detail"),
    [
        (lambda m, k: b"not json", "receipt is not JSON"),
        (lambda m, k: b"[1, 2]", "receipt is not a JSON object"),
        (
            lambda m, k: canonical_json_bytes({"message_type": "INFO"}),
            "the answer is not a RECEIPT message",
        ),
        (
            lambda m, k: receipt_bytes(m, key=k, sender_code="IT"),
            "receipt not sent by the recipient NCB",
        ),
        (lambda m, k: _tampered(receipt_bytes(m, key=k)), "receipt signature invalid"),
        (
            lambda m, k: receipt_bytes(m, key=signing.generate_private_key()),
            "receipt signed with a key not registered for the recipient NCB",
        ),
        (
            lambda m, k: receipt_bytes(m, key=k, ref_message_id="other"),
            "receipt acknowledges another message",
        ),
        (
            lambda m, k: receipt_bytes(m, key=k, received_digest="f" * 64),
            "receipt digest differs from the message sent",
        ),
        (
            lambda m, k: receipt_bytes(m, key=k, schema_valid=False),
            "receipt reports the message invalid",
        ),
    ],
)
def test_every_other_receipt_is_refused_with_a_precise_reason(delivery, de_key, make, detail):
    # when
    check = receipt_verify(delivery, make(delivery.message, de_key))

    # then
    assert not check.ok
    assert check.detail == detail


def test_an_unsigned_receipt_is_refused(delivery, de_key):
    # given
    document = json.loads(receipt_bytes(delivery.message, key=de_key))
    del document["signature"]

    # when
    check = receipt_verify(delivery, canonical_json_bytes(document))

    # then
    assert (check.ok, check.detail, check.signature_status) == (
        False,
        "receipt is not signed",
        "missing",
    )


def test_the_recipients_keyring_is_read_once_for_receipts_in_a_row(
    delivery, de_key, django_assert_num_queries
):
    # given a first receipt verified (the keyring read and kept for a few seconds)
    assert receipt_verify(delivery, receipt_bytes(delivery.message, key=de_key)).ok
    again = receipt_bytes(delivery.message, key=de_key)

    # when / then: the next receipt costs no query
    with django_assert_num_queries(0):
        assert receipt_verify(delivery, again).ok


def test_a_key_revoked_in_this_process_is_refused_at_once(delivery, de_key):
    # given a receipt verified with DE's key (the keyring kept)
    assert receipt_verify(delivery, receipt_bytes(delivery.message, key=de_key)).ok

    # when the key is revoked
    ncb_public_key_revoke(key=NCBPublicKey.objects.get(ncb=delivery.recipient_ncb))

    # then the next receipt signed with it is refused
    check = receipt_verify(delivery, receipt_bytes(delivery.message, key=de_key))
    assert not check.ok
    assert check.detail == "receipt signed with a key not registered for the recipient NCB"


def test_the_keyring_is_read_again_once_its_seconds_are_over(
    delivery, de_key, settings, monkeypatch
):
    # given a keyring kept 5 s and a key revoked elsewhere (no signal in this process)
    settings.HST_RECEIPT_KEYRING_SECONDS = 5
    clock = [1000.0]
    monkeypatch.setattr("messages_hst.receipts.time.monotonic", lambda: clock[0])
    assert receipt_verify(delivery, receipt_bytes(delivery.message, key=de_key)).ok
    NCBPublicKey.objects.filter(ncb=delivery.recipient_ncb).update(revoked_at=timezone.now())

    # when / then: still the kept keyring within the seconds, the database's after them
    assert receipt_verify(delivery, receipt_bytes(delivery.message, key=de_key)).ok
    clock[0] += 5.5
    assert not receipt_verify(delivery, receipt_bytes(delivery.message, key=de_key)).ok
