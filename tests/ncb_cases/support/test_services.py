"""Referring victims: consent, a child's override by a supervisor, steps in order."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ncb_cases import services
from ncb_cases.choices import AuditAction, PersonRole
from ncb_cases.models import AuditEvent
from ncb_cases.models.support import SupportReferral
from ncb_cases.services.support import (
    referral_change_status,
    referral_create,
    referral_repatriation_step,
    referral_update,
)
from tests.contacts.support.factories import make_organisation
from tests.ncb_cases.support.factories import consented, days_ago, make_referral


def test_a_victim_is_referred_with_consent_and_the_write_is_audited(
    officer_fr, case_fr, victim_fr, shelter_fr
):
    # when
    referral = make_referral(officer_fr, case_fr, victim_fr, shelter_fr)

    # then
    assert referral.status == "REFERRED"
    assert referral.status_changed_on == referral.referred_on
    victim_fr.refresh_from_db()
    assert victim_fr.referred_to_support is True
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="supportreferral")
    assert event.case == case_fr
    assert event.details["consent"] == "given"
    assert "Okafor" not in str(event.details)


def test_no_referral_without_consent_for_an_adult(
    supervisor_fr_with_identity, case_fr, victim_fr, shelter_fr
):
    # when
    with pytest.raises(ValidationError) as caught:
        referral_create(
            actor=supervisor_fr_with_identity,
            case=case_fr,
            data=consented(
                victim_fr,
                shelter_fr,
                consent_given=False,
                consent_override_reason="The supervisor would like to skip consent here.",
            ),
        )

    # then
    assert "consent_given" in caught.value.message_dict
    assert not SupportReferral.objects.exists()


def test_consent_needs_its_day_and_scope_not_after_the_referral(
    officer_fr, case_fr, victim_fr, shelter_fr
):
    with pytest.raises(ValidationError) as caught:
        referral_create(
            actor=officer_fr,
            case=case_fr,
            data=consented(victim_fr, shelter_fr, consent_on=None, consent_scope=""),
        )
    assert set(caught.value.message_dict) == {"consent_on", "consent_scope"}

    with pytest.raises(ValidationError) as caught:
        referral_create(
            actor=officer_fr,
            case=case_fr,
            data=consented(victim_fr, shelter_fr, consent_on=days_ago(1)),
        )
    assert "consent_on" in caught.value.message_dict


def test_a_supervisor_refers_a_child_without_consent_with_a_documented_reason(
    supervisor_fr_with_identity, case_fr, child_fr, shelter_fr
):
    # when
    referral = referral_create(
        actor=supervisor_fr_with_identity,
        case=case_fr,
        data=consented(
            child_fr,
            shelter_fr,
            consent_given=False,
            consent_on=None,
            consent_scope="",
            consent_override_reason="Unaccompanied child; guardian not yet appointed by court.",
        ),
    )

    # then
    referral.refresh_from_db()
    assert referral.consent_given is False
    assert referral.consent_override_by == supervisor_fr_with_identity
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="supportreferral")
    assert event.details["consent"] == "override"


def test_an_officer_may_not_override_a_childs_consent(officer_fr, case_fr, child_fr, shelter_fr):
    with pytest.raises(ValidationError) as caught:
        referral_create(
            actor=officer_fr,
            case=case_fr,
            data=consented(
                child_fr,
                shelter_fr,
                consent_given=False,
                consent_override_reason="Unaccompanied child; guardian not yet appointed.",
            ),
        )

    assert "Only a supervisor" in caught.value.message_dict["consent_override_reason"][0]
    assert not SupportReferral.objects.exists()


def test_an_override_needs_a_real_reason(
    supervisor_fr_with_identity, case_fr, child_fr, shelter_fr
):
    with pytest.raises(ValidationError) as caught:
        referral_create(
            actor=supervisor_fr_with_identity,
            case=case_fr,
            data=consented(child_fr, shelter_fr, consent_given=False, consent_override_reason="x"),
        )

    assert "consent_override_reason" in caught.value.message_dict


def test_only_victims_of_the_case_are_referred(
    officer_fr, case_fr, suspect_fr, shelter_fr, case_de, officer_de
):
    # given
    victim_de = services.person_create(
        actor=officer_de, case=case_de, data={"role": PersonRole.VICTIM, "forenames": "Lea"}
    )

    # when / then
    for person in (suspect_fr, victim_de):
        with pytest.raises(ValidationError) as caught:
            make_referral(officer_fr, case_fr, person, shelter_fr)
        assert "victim" in caught.value.message_dict


def test_bad_input_is_reported_field_by_field(officer_fr, case_fr, victim_fr, france_inactive):
    with pytest.raises(ValidationError) as caught:
        referral_create(
            actor=officer_fr,
            case=case_fr,
            data=consented(
                victim_fr,
                france_inactive,
                services_requested=["MASSAGE"],
                referred_on=days_ago(-3),
                court_role="HERO",
                secret=1,
            ),
        )

    assert {"organisation", "services_requested", "referred_on", "court_role", "secret"} <= set(
        caught.value.message_dict
    )
    assert not SupportReferral.objects.exists()


@pytest.fixture
def france_inactive(case_fr):
    return make_organisation(
        case_fr.owner_ncb.country, name="Closed-Test (fictitious)", is_active=False
    )


def test_a_reader_without_the_identity_permission_may_not_refer(
    supervisor_fr, case_fr, victim_fr, shelter_fr
):
    with pytest.raises(PermissionDenied):
        make_referral(supervisor_fr, case_fr, victim_fr, shelter_fr)


def test_an_officer_of_another_ncb_may_not_refer(officer_de, case_fr, victim_fr, shelter_fr):
    with pytest.raises(PermissionDenied):
        make_referral(officer_de, case_fr, victim_fr, shelter_fr)


def test_care_status_moves_forward_step_by_step_with_dates_in_order(officer_fr, referral_fr):
    # when
    referral_change_status(
        actor=officer_fr, referral=referral_fr, to_status="ACCEPTED", on=days_ago(20)
    )
    referral = referral_change_status(
        actor=officer_fr, referral=referral_fr, to_status="IN_CARE", on=days_ago(10)
    )

    # then
    assert referral.status == "IN_CARE"
    assert referral.status_changed_on == days_ago(10)
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE).count() == 2


@pytest.mark.parametrize(
    ("to_status", "on", "field"),
    [
        ("IN_CARE", 20, "to_status"),  # skips "accepted"
        ("REFERRED", 20, "to_status"),  # backwards
        ("ACCEPTED", 40, "on"),  # before the referral
        ("ACCEPTED", -1, "on"),  # in the future
    ],
)
def test_illegal_care_steps_are_refused(officer_fr, referral_fr, to_status, on, field):
    with pytest.raises(ValidationError) as caught:
        referral_change_status(
            actor=officer_fr, referral=referral_fr, to_status=to_status, on=days_ago(on)
        )

    assert field in caught.value.message_dict
    referral_fr.refresh_from_db()
    assert referral_fr.status == "REFERRED"


def test_a_closed_referral_stays_closed(officer_fr, referral_fr):
    referral_change_status(
        actor=officer_fr, referral=referral_fr, to_status="CLOSED", on=days_ago(5)
    )

    with pytest.raises(ValidationError) as caught:
        referral_change_status(
            actor=officer_fr, referral=referral_fr, to_status="ACCEPTED", on=days_ago(1)
        )
    assert "closed" in caught.value.message_dict["to_status"][0]


def test_repatriation_steps_follow_in_order_with_the_receiving_country(
    officer_fr, referral_fr, countries
):
    # when
    referral_repatriation_step(
        actor=officer_fr,
        referral=referral_fr,
        to_status="REQUESTED",
        on=days_ago(20),
        receiving_country="ng",
    )
    referral = referral_repatriation_step(
        actor=officer_fr, referral=referral_fr, to_status="RISK_ASSESSED", on=days_ago(15)
    )

    # then
    assert referral.repatriation_status == "RISK_ASSESSED"
    assert referral.repatriation_country.iso2 == "NG"
    assert referral.repatriation_requested_on == days_ago(20)
    assert referral.risk_assessed_on == days_ago(15)


def test_a_repatriation_request_names_the_receiving_country(officer_fr, referral_fr):
    with pytest.raises(ValidationError) as caught:
        referral_repatriation_step(
            actor=officer_fr, referral=referral_fr, to_status="REQUESTED", on=days_ago(2)
        )

    assert "receiving_country" in caught.value.message_dict


def test_repatriation_steps_cannot_be_skipped_or_dated_backwards(
    officer_fr, referral_fr, countries
):
    referral_repatriation_step(
        actor=officer_fr,
        referral=referral_fr,
        to_status="REQUESTED",
        on=days_ago(10),
        receiving_country="NG",
    )

    with pytest.raises(ValidationError) as skipped:
        referral_repatriation_step(
            actor=officer_fr, referral=referral_fr, to_status="RETURNED", on=days_ago(5)
        )
    with pytest.raises(ValidationError) as backwards:
        referral_repatriation_step(
            actor=officer_fr, referral=referral_fr, to_status="RISK_ASSESSED", on=days_ago(12)
        )

    assert "to_status" in skipped.value.message_dict
    assert "on" in backwards.value.message_dict
    referral_fr.refresh_from_db()
    assert referral_fr.repatriation_status == "REQUESTED"


def test_testified_needs_its_day(officer_fr, referral_fr):
    with pytest.raises(ValidationError) as caught:
        referral_update(actor=officer_fr, referral=referral_fr, data={"court_role": "TESTIFIED"})
    assert "testified_on" in caught.value.message_dict

    referral = referral_update(
        actor=officer_fr,
        referral=referral_fr,
        data={"court_role": "TESTIFIED", "testified_on": days_ago(3)},
    )
    assert referral.court_role == "TESTIFIED"


def test_the_consent_cannot_be_changed_by_an_update(officer_fr, referral_fr):
    with pytest.raises(ValidationError) as caught:
        referral_update(actor=officer_fr, referral=referral_fr, data={"consent_given": False})

    assert "consent_given" in caught.value.message_dict
