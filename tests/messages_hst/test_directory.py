"""The per-process directory of NCBs (`messages_hst.inbox.directory`) as approvals read their
recipients from it: `ncbs_with_country`, and through it `pipeline.recipient_ncbs`."""

import pytest

from contacts.models import NationalCentralBureau
from messages_hst.inbox import directory
from messages_hst.pipeline import recipient_ncbs

pytestmark = pytest.mark.django_db


def test_recipients_are_read_once_then_kept_for_a_few_seconds(
    ncb_fr, ncb_de, django_assert_num_queries
):
    document = {"recipients": [{"ncb_code": "DE", "role": "TO"}, {"ncb_code": "FR"}]}

    with django_assert_num_queries(1):
        first = recipient_ncbs(document)
    with django_assert_num_queries(0):
        again = recipient_ncbs(document)

    assert set(first) == set(again) == {"DE", "FR"}
    assert again["DE"].country.iso2 == "DE"  # the policy reads it: no query for it


def test_a_code_no_ncb_has_is_left_out_and_not_asked_again(ncb_de, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert set(directory.ncbs_with_country(["DE", "XX"])) == {"DE"}
    with django_assert_num_queries(0):
        assert directory.ncbs_with_country(["XX"]) == {}


def test_only_the_codes_not_kept_are_read(ncb_fr, ncb_de, django_assert_num_queries):
    # given DE kept, then renamed behind the directory's back (an UPDATE sends no signal)
    directory.ncbs_with_country(["DE"])
    NationalCentralBureau.objects.filter(pk=ncb_de.pk).update(name="INTERPOL Wiesbaden (old)")

    # when both are asked for
    with django_assert_num_queries(1):
        found = directory.ncbs_with_country(["DE", "FR"])

    # then FR was read, DE is the one kept
    assert found["FR"].name == ncb_fr.name
    assert found["DE"].name == "INTERPOL Wiesbaden"


def test_a_change_saved_in_this_process_is_seen_at_once(ncb_de):
    assert directory.ncbs_with_country(["DE"])["DE"].country.is_member

    # when DE's country leaves (an administrator's save in this process)
    ncb_de.country.is_member = False
    ncb_de.country.save()

    # then the next approval reads it afresh
    assert not directory.ncbs_with_country(["DE"])["DE"].country.is_member


def test_with_the_cache_off_every_call_reads(ncb_de, settings, django_assert_num_queries):
    settings.HST_INBOX_CACHE_SECONDS = 0

    for _ in range(2):
        with django_assert_num_queries(1):
            assert set(directory.ncbs_with_country(["DE"])) == {"DE"}
