"""The daily beat task: lists due cases once, reconciles later activity, supersedes."""

import datetime as dt

import pytest

from ncb_cases import services
from ncb_cases.choices import AuditAction, RetentionDecision
from ncb_cases.models import AuditEvent, RetentionReview
from ncb_cases.services.retention import retention_review_list_refresh
from ncb_cases.tasks import refresh_retention_review_list
from tests.ncb_cases.retention.conftest import LISTING_DAY, REVIEW_ON

pytestmark = pytest.mark.django_db


def test_a_case_is_not_listed_more_than_six_months_before_its_review(old_case, clock):
    # given
    clock.move_to(dt.datetime(2030, 7, 14, 9, 0, tzinfo=dt.UTC))

    # when
    run = retention_review_list_refresh()

    # then
    assert run.listed == 0
    assert not RetentionReview.objects.exists()


def test_a_case_due_within_six_months_goes_on_its_ncb_list_audited(old_case, clock):
    # given
    clock.move_to(LISTING_DAY)

    # when
    counts = refresh_retention_review_list()

    # then
    assert counts == {"listed": 1, "rolled_forward": 0, "superseded": 0}
    review = RetentionReview.objects.get()
    assert (review.case, review.owner_ncb, review.due_on) == (
        old_case,
        old_case.owner_ncb,
        REVIEW_ON,
    )
    assert review.is_open
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="retentionreview", case=old_case, actor=None
    ).exists()


def test_the_task_is_idempotent(listed_case):
    # when
    again = retention_review_list_refresh()
    once_more = retention_review_list_refresh()

    # then
    assert (again.listed, once_more.listed) == (0, 0)
    assert RetentionReview.objects.filter(case=listed_case).count() == 1


def test_evidence_changed_after_the_basis_rolls_the_case_forward_instead(old_case, clock):
    # given: an evidence item registered in 2029, outside the case services' hook
    from tests.evidence.factories import evidence_item

    clock.move_to(dt.datetime(2029, 4, 10, 9, 0, tzinfo=dt.UTC))
    evidence_item(actor=old_case.created_by, case=old_case)
    clock.move_to(LISTING_DAY)

    # when
    run = retention_review_list_refresh()

    # then
    old_case.refresh_from_db()
    assert (run.listed, run.rolled_forward) == (0, 1)
    assert old_case.retention_review_on == dt.date(2034, 4, 10)


def test_an_update_after_listing_supersedes_the_open_review(listed_case, clock, officer_fr):
    # given
    services.case_note_add(actor=officer_fr, case=listed_case, text="New lead (test).")

    # when
    run = retention_review_list_refresh()

    # then
    review = RetentionReview.objects.get(case=listed_case)
    assert run.superseded == 1
    assert review.decision == RetentionDecision.SUPERSEDED
    assert not review.is_open
