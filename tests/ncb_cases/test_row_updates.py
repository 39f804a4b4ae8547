"""`update_each`: each object's own values written to its row, in one statement sent once."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messages_hst.choices import DeliveryStatus
from messages_hst.models import Delivery
from ncb_cases.row_updates import update_each
from tests.messages_hst.pipeline_support import dispatched_message

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 3, 14, 9, 26, 53, tzinfo=dt.UTC)


def _deliveries(ncb, count):
    return [dispatched_message(ncb).deliveries.get() for _ in range(count)]


def test_each_row_gets_its_own_values_of_every_kind_of_field(ncb_fr, ncb_de):
    # given three deliveries, two of them given new states in memory
    first, second, untouched = _deliveries(ncb_fr, 3)
    for number, delivery in enumerate((first, second), start=1):
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = WHEN + dt.timedelta(seconds=number)
        delivery.receipt_bytes = b"\x00receipt\xff" * number
        delivery.receipt = {"message_type": "RECEIPT", "number": number, "note": "é"}
        delivery.last_error = ""
    fields = ["status", "delivered_at", "receipt_bytes", "receipt", "last_error"]

    # when
    with CaptureQueriesContext(connection) as captured:
        written = update_each([first, second], fields)

    # then both rows hold their own values, the third row nothing new, in one statement
    assert written == 2
    assert len(captured.captured_queries) == 1
    for number, delivery in enumerate((first, second), start=1):
        stored = Delivery.objects.get(pk=delivery.pk)
        assert stored.status == DeliveryStatus.DELIVERED
        assert stored.delivered_at == WHEN + dt.timedelta(seconds=number)
        assert bytes(stored.receipt_bytes) == b"\x00receipt\xff" * number
        assert stored.receipt == {"message_type": "RECEIPT", "number": number, "note": "é"}
    stored = Delivery.objects.get(pk=untouched.pk)
    assert (stored.status, stored.delivered_at) == (untouched.status, None)


def test_a_row_gone_meanwhile_is_not_counted(ncb_fr, ncb_de):
    # given two deliveries, one deleted since it was read
    kept, gone = _deliveries(ncb_fr, 2)
    Delivery.objects.filter(pk=gone.pk).delete()
    kept.last_error = gone.last_error = "HTTP 503"

    # when / then
    assert update_each([kept, gone], ["last_error"]) == 1
    assert Delivery.objects.get(pk=kept.pk).last_error == "HTTP 503"


def test_nothing_to_write_sends_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert update_each([], ["status"]) == 0


def test_no_field_is_a_programming_error(ncb_fr, ncb_de):
    [delivery] = _deliveries(ncb_fr, 1)

    with pytest.raises(ValueError, match="no field"):
        update_each([delivery], [])


def test_only_if_leaves_a_row_that_moved_on_alone(ncb_fr, ncb_de):
    # given two deliveries read in one state, one of them since moved on by someone else
    still, moved = _deliveries(ncb_fr, 2)
    assert still.status == moved.status != DeliveryStatus.DEAD
    Delivery.objects.filter(pk=moved.pk).update(status=DeliveryStatus.DEAD)
    for delivery in (still, moved):
        delivery.last_error = "HTTP 503"

    # when each is written only if it is still as read
    written = update_each([still, moved], ["last_error"], only_if={"status": still.status})

    # then only the unchanged row was written, and counted
    assert written == 1
    assert Delivery.objects.get(pk=still.pk).last_error == "HTTP 503"
    assert Delivery.objects.get(pk=moved.pk).last_error == ""


def test_only_if_a_datetime_compares_to_the_stored_instant(ncb_fr, ncb_de):
    # given a delivery whose deadline is known
    [delivery] = _deliveries(ncb_fr, 1)
    Delivery.objects.filter(pk=delivery.pk).update(deadline_at=WHEN)
    delivery.last_error = "timeout"

    # when / then: a different instant writes nothing, the same one writes
    later = WHEN + dt.timedelta(microseconds=1)
    assert update_each([delivery], ["last_error"], only_if={"deadline_at": later}) == 0
    assert update_each([delivery], ["last_error"], only_if={"deadline_at": WHEN}) == 1


def test_only_if_null_is_a_programming_error(ncb_fr, ncb_de):
    [delivery] = _deliveries(ncb_fr, 1)

    with pytest.raises(ValueError, match="NULL"):
        update_each([delivery], ["last_error"], only_if={"delivered_at": None})
