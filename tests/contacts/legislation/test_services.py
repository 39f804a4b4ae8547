"""Recording a review: who may, what is refused, what is audited."""

import dataclasses
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from contacts.choices import LegislationStatus
from contacts.legislation_services import (
    LegislationReview,
    legislation_review_record,
    legislation_stale_before,
)
from contacts.models import CountryLegislation
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.contacts.legislation.factories import CountryLegislationFactory

pytestmark = pytest.mark.django_db


def test_supervisor_records_the_first_review_of_their_country(supervisor_fr, ncb_fr, full_review):
    # when
    legislation = legislation_review_record(
        actor=supervisor_fr, country=ncb_fr.country, review=full_review
    )
    # then
    legislation.refresh_from_db()
    assert legislation.country == ncb_fr.country
    assert legislation.asset_confiscation == LegislationStatus.YES
    assert legislation.last_reviewed_on == timezone.localdate()
    assert legislation.reviewed_by == supervisor_fr


def test_the_first_review_is_audited_as_created_with_the_answers(
    supervisor_fr, ncb_fr, full_review
):
    # when
    legislation_review_record(actor=supervisor_fr, country=ncb_fr.country, review=full_review)
    # then
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.CREATE
    assert event.actor == supervisor_fr
    assert event.object_type == "countrylegislation"
    assert event.details["country"] == "FR"
    assert event.details["changes"]["asset_seizure"] == ["UNKNOWN", "YES"]


def test_a_later_review_is_audited_as_an_update_with_only_what_changed(
    supervisor_fr, ncb_fr, full_review
):
    # given
    legislation_review_record(actor=supervisor_fr, country=ncb_fr.country, review=full_review)
    # when
    legislation_review_record(
        actor=supervisor_fr,
        country=ncb_fr.country,
        review=dataclasses.replace(
            full_review, asset_confiscation=LegislationStatus.PARTIAL, notes="Needs a conviction."
        ),
    )
    # then
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == AuditAction.UPDATE
    assert event.details["changes"] == {
        "asset_confiscation": ["YES", "PARTIAL"],
        "notes": True,
    }
    assert CountryLegislation.objects.count() == 1


def test_an_instance_admin_records_any_countrys_review(admin_user, ncb_de, full_review):
    # when
    legislation = legislation_review_record(
        actor=admin_user, country=ncb_de.country, review=full_review
    )
    # then
    assert legislation.reviewed_by == admin_user


@pytest.mark.parametrize("who", ["officer_fr", "analyst_fr", "srb_europe", "supervisor_de"])
def test_others_may_not_record_frances_review(request, who, ncb_fr, full_review):
    # given
    user = request.getfixturevalue(who)
    # when / then
    with pytest.raises(PermissionDenied):
        legislation_review_record(actor=user, country=ncb_fr.country, review=full_review)
    assert not CountryLegislation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_review_dated_in_the_future_is_refused(supervisor_fr, ncb_fr, full_review):
    # given
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    # when
    with pytest.raises(ValidationError) as caught:
        legislation_review_record(
            actor=supervisor_fr,
            country=ncb_fr.country,
            review=dataclasses.replace(full_review, reviewed_on=tomorrow),
        )
    # then
    assert "future" in caught.value.message_dict["reviewed_on"][0]
    assert not CountryLegislation.objects.exists()


@pytest.mark.parametrize("answer", [LegislationStatus.YES, LegislationStatus.PARTIAL])
def test_a_yes_or_partly_without_a_source_is_refused(supervisor_fr, ncb_fr, answer):
    # given
    review = LegislationReview(
        assistance_punishable=LegislationStatus.NO,
        incitement_punishable=LegislationStatus.UNKNOWN,
        asset_seizure=answer,
        asset_confiscation=LegislationStatus.NO,
        source_reference="   ",
    )
    # when
    with pytest.raises(ValidationError) as caught:
        legislation_review_record(actor=supervisor_fr, country=ncb_fr.country, review=review)
    # then
    assert "source_reference" in caught.value.message_dict
    assert not CountryLegislation.objects.exists()


def test_no_and_not_known_answers_need_no_source(supervisor_fr, ncb_fr):
    # given
    review = LegislationReview(
        assistance_punishable=LegislationStatus.NO,
        incitement_punishable=LegislationStatus.UNKNOWN,
        asset_seizure=LegislationStatus.NO,
        asset_confiscation=LegislationStatus.UNKNOWN,
    )
    # when
    legislation = legislation_review_record(
        actor=supervisor_fr, country=ncb_fr.country, review=review
    )
    # then
    assert legislation.source_reference == ""


def test_every_error_is_reported_at_once_and_nothing_changes(supervisor_fr, ncb_fr):
    # given
    existing = CountryLegislationFactory(country=ncb_fr.country)
    review = LegislationReview(
        assistance_punishable="MAYBE",
        incitement_punishable=LegislationStatus.YES,
        asset_seizure=LegislationStatus.YES,
        asset_confiscation=LegislationStatus.YES,
        source_url="not a url",
        reviewed_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    # when
    with pytest.raises(ValidationError) as caught:
        legislation_review_record(actor=supervisor_fr, country=ncb_fr.country, review=review)
    # then
    assert set(caught.value.message_dict) == {
        "assistance_punishable",
        "source_url",
        "source_reference",
        "reviewed_on",
    }
    existing.refresh_from_db()
    assert existing.assistance_punishable == LegislationStatus.YES
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("today", "cutoff"),
    [
        (datetime.date(2026, 11, 28), datetime.date(2024, 11, 28)),
        (datetime.date(2028, 2, 29), datetime.date(2026, 2, 28)),
    ],
)
def test_a_review_is_stale_two_years_after_the_same_day(today, cutoff):
    # when / then
    assert legislation_stale_before(today) == cutoff
