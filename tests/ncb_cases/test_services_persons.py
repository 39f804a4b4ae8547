"""Persons with phones and documents, children, vehicles, crime groups and route legs."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ncb_cases import services
from ncb_cases.choices import ConfidentialityLevel, NoteKind, PersonRole
from ncb_cases.models import AuditEvent, CaseNote, Person, PersonPhone, RouteLeg
from ncb_cases.models.case import add_years
from tests.factories import officer_user
from tests.ncb_cases.test_validators import TD3_SPECIMEN

pytestmark = pytest.mark.django_db


def test_victims_get_stable_case_numbers_and_suspects_none(case_fr, officer_fr, victim_fr):
    # when
    second = services.person_create(
        actor=officer_fr, case=case_fr, data={"role": PersonRole.POSSIBLE_VICTIM}
    )
    suspect = services.person_create(
        actor=officer_fr, case=case_fr, data={"role": PersonRole.SUSPECT, "family_name": "X"}
    )
    # then
    assert (victim_fr.victim_number, second.victim_number, suspect.victim_number) == (1, 2, None)


def test_a_victim_keeps_their_number_when_their_record_changes(case_fr, officer_fr, victim_fr):
    # when
    updated = services.person_update(
        actor=officer_fr, person=victim_fr, data={"role": PersonRole.POSSIBLE_VICTIM}
    )
    # then
    assert updated.victim_number == 1


def test_phones_are_stored_in_e164_and_documents_normalised(victim_fr):
    assert list(victim_fr.phones.values_list("number", flat=True)) == ["+2348030000001"]
    document = victim_fr.documents.get()
    assert (document.number_normalised, document.issuing_state) == ("A00000001", "NGA")


def test_a_valid_mrz_fills_in_the_number_and_issuing_state(case_fr, officer_fr):
    # when
    person = services.person_create(
        actor=officer_fr,
        case=case_fr,
        data={"role": "WITNESS", "documents": [{"doc_type": "PASSPORT", "mrz": TD3_SPECIMEN}]},
    )
    # then
    document = person.documents.get()
    assert (document.number, document.issuing_state) == ("L898902C3", "UTO")


def test_bad_mrz_check_digits_are_refused_naming_the_document_field(case_fr, officer_fr):
    # given
    bad = TD3_SPECIMEN.replace("L898902C36", "L898902C35")
    # when
    with pytest.raises(ValidationError) as raised:
        services.person_create(
            actor=officer_fr,
            case=case_fr,
            data={"role": "SUSPECT", "documents": [{"number": "L898902C3", "mrz": bad}]},
        )
    # then
    errors = raised.value.message_dict
    assert list(errors) == ["documents.0.mrz"]
    assert "document number" in errors["documents.0.mrz"][0]


def test_an_mrz_contradicting_the_typed_number_is_refused(case_fr, officer_fr):
    with pytest.raises(ValidationError) as raised:
        services.person_create(
            actor=officer_fr,
            case=case_fr,
            data={"role": "SUSPECT", "documents": [{"number": "X1234567", "mrz": TD3_SPECIMEN}]},
        )
    assert "L898902C3" in raised.value.message_dict["documents.0.mrz"][0]


def test_impossible_dates_are_refused_naming_their_fields(case_fr, officer_fr):
    # when
    with pytest.raises(ValidationError) as raised:
        services.person_create(
            actor=officer_fr,
            case=case_fr,
            data={
                "role": "VICTIM",
                "date_of_birth": "2010-06",
                "exploitation_started_on": "2009-01-01",
                "documents": [
                    {"number": "P1", "issued_on": "2020-01-01", "expires_on": "2019-01-01"}
                ],
            },
        )
    # then
    errors = raised.value.message_dict
    assert "date_of_birth" in errors
    assert "documents.0.expires_on" in errors


def test_unknown_codes_and_bad_phones_are_refused_and_nothing_is_written(case_fr, officer_fr):
    # given
    persons_before = Person.objects.count()
    audit_before = AuditEvent.objects.count()
    # when
    with pytest.raises(ValidationError) as raised:
        services.person_create(
            actor=officer_fr,
            case=case_fr,
            data={
                "role": "WIZARD",
                "means_of_control": ["DEBT_BONDAGE", "HYPNOSIS"],
                "nationalities": ["Nigeria"],
                "phones": ["+33 1 99 00 10 01", "not a phone"],
            },
        )
    # then
    assert set(raised.value.message_dict) == {
        "role",
        "means_of_control",
        "nationalities",
        "phones.1",
    }
    assert Person.objects.count() == persons_before
    assert not PersonPhone.objects.filter(number="+33199001001").exists()
    assert AuditEvent.objects.count() == audit_before


def test_a_person_under_18_when_exploited_is_flagged_and_the_case_made_confidential(
    case_fr, officer_fr
):
    # when
    child = services.person_create(
        actor=officer_fr,
        case=case_fr,
        data={
            "role": PersonRole.VICTIM,
            "date_of_birth": "2008-06",
            "exploitation_started_on": datetime.date(2024, 9, 1),
        },
    )
    # then
    case_fr.refresh_from_db()
    assert child.is_child
    assert case_fr.minor_data_present
    assert case_fr.confidentiality_level == ConfidentialityLevel.INTERPOL_CONFIDENTIAL
    assert CaseNote.objects.filter(case=case_fr, kind=NoteKind.CONFIDENTIALITY_CHANGE).exists()


def test_an_adult_at_exploitation_is_not_flagged_a_child(case_fr, officer_fr):
    person = services.person_create(
        actor=officer_fr,
        case=case_fr,
        data={"role": "VICTIM", "date_of_birth": "2000", "exploitation_started_on": "2019-01-01"},
    )
    assert not person.is_child


def test_without_an_exploitation_date_childhood_is_judged_at_the_opening_of_the_case(
    case_fr, officer_fr
):
    # given a witness born 2010, the case opened today
    witness = services.person_create(
        actor=officer_fr, case=case_fr, data={"role": "WITNESS", "date_of_birth": "2010-01-01"}
    )
    # then a child witness is protected as a child, with a pseudonym number
    assert witness.is_child
    assert witness.identity_protected
    assert witness.victim_number == 1


def test_update_replaces_phones_and_keeps_documents_by_public_id(victim_fr, officer_fr):
    # given
    document = victim_fr.documents.get()
    # when
    services.person_update(
        actor=officer_fr,
        person=victim_fr,
        data={
            "phones": [{"number": "+49 151 12345678", "kind": "MOBILE"}],
            "documents": [
                {"public_id": str(document.public_id), "authenticity": "FORGED"},
                {"doc_type": "ID_CARD", "number": "NG-1", "issuing_state": "NGA"},
            ],
        },
    )
    # then
    assert list(victim_fr.phones.values_list("number", flat=True)) == ["+4915112345678"]
    document.refresh_from_db()
    assert document.authenticity == "FORGED"
    assert victim_fr.documents.count() == 2


def test_update_audits_the_changed_field_names_never_their_values(victim_fr, officer_fr):
    # when
    services.person_update(actor=officer_fr, person=victim_fr, data={"family_name": "Other"})
    # then
    event = AuditEvent.objects.filter(object_public_id=victim_fr.public_id).first()
    assert event.details == {"fields": ["family_name"]}
    assert "Other" not in str(event.details)


def test_analysts_and_read_only_recipients_cannot_add_persons(
    case_fr, analyst_fr, supervisor_fr, officer_de, ncb_de, tomorrow
):
    # given
    services.case_share(
        actor=supervisor_fr,
        case=case_fr,
        recipient_ncb=ncb_de,
        access="READ",
        purpose="Suspect lives in Cologne",
        expires_at=tomorrow,
    )
    # then
    for user in (analyst_fr, officer_de):
        with pytest.raises(PermissionDenied):
            services.person_create(actor=user, case=case_fr, data={"role": "SUSPECT"})


def test_a_read_write_recipient_adds_persons(case_fr, supervisor_fr, officer_de, ncb_de, tomorrow):
    # given
    services.case_share(
        actor=supervisor_fr,
        case=case_fr,
        recipient_ncb=ncb_de,
        access="READ_WRITE",
        purpose="Joint investigation team",
        expires_at=tomorrow,
    )
    # when
    person = services.person_create(actor=officer_de, case=case_fr, data={"role": "SUSPECT"})
    # then
    assert person.case == case_fr


# --- Vehicles, groups, route ------------------------------------------------------------------


def test_a_vehicle_plate_is_normalised_and_its_holder_must_be_in_the_case(
    case_fr, case_de, officer_fr, officer_de, suspect_fr
):
    # when
    van = services.vehicle_add(
        actor=officer_fr,
        case=case_fr,
        data={"plate": "gh-123-zz", "vehicle_type": "VAN", "holder": str(suspect_fr.public_id)},
    )
    # then
    assert van.plate_normalised == "GH123ZZ"
    assert van.holder == suspect_fr
    with pytest.raises(ValidationError) as raised:
        services.vehicle_add(
            actor=officer_de, case=case_de, data={"plate": "X1", "holder": suspect_fr}
        )
    assert "holder" in raised.value.message_dict


def test_only_persons_of_the_groups_case_can_join_it(case_fr, officer_fr, suspect_fr, countries):
    # given
    group = services.group_create(actor=officer_fr, case=case_fr, data={"name": "Black Axe-Test"})
    other_case = services.case_create(actor=officer_fr, data={"title": "Other"})
    stranger = services.person_create(actor=officer_fr, case=other_case, data={"role": "SUSPECT"})
    # when
    membership = services.group_member_add(
        actor=officer_fr, group=group, person=suspect_fr, role="LEADER"
    )
    # then
    assert membership.role == "LEADER"
    with pytest.raises(ValidationError):
        services.group_member_add(actor=officer_fr, group=group, person=stranger)


def test_a_group_name_is_unique_in_its_case(case_fr, officer_fr):
    services.group_create(actor=officer_fr, case=case_fr, data={"name": "Eiye-Test"})
    with pytest.raises(ValidationError) as refused:
        services.group_create(actor=officer_fr, case=case_fr, data={"name": "Eiye-Test"})
    assert list(refused.value.message_dict) == ["name"]


def _leg(origin, destination, mode="ROAD"):
    return {"stage": "TRANSIT", "from_country": origin, "to_country": destination, "mode": mode}


def test_route_legs_stay_numbered_without_gaps(case_fr, officer_fr):
    # given
    first = services.route_leg_add(actor=officer_fr, case=case_fr, data=_leg("NG", "LY"))
    third = services.route_leg_add(actor=officer_fr, case=case_fr, data=_leg("IT", "FR", "RAIL"))
    # when a leg is inserted second, then the first removed
    second = services.route_leg_add(
        actor=officer_fr, case=case_fr, data=_leg("LY", "IT", "SEA"), position=2
    )
    services.route_leg_remove(actor=officer_fr, leg=first)
    # then
    legs = list(RouteLeg.objects.filter(case=case_fr).order_by("seq"))
    assert [(leg.pk, leg.seq) for leg in legs] == [(second.pk, 1), (third.pk, 2)]


def test_a_leg_can_move(case_fr, officer_fr):
    # given
    a = services.route_leg_add(actor=officer_fr, case=case_fr, data=_leg("NG", "LY"))
    b = services.route_leg_add(actor=officer_fr, case=case_fr, data=_leg("LY", "IT", "SEA"))
    # when
    services.route_leg_update(actor=officer_fr, leg=b, data={}, position=1)
    # then
    assert list(RouteLeg.objects.filter(case=case_fr).values_list("pk", flat=True)) == [b.pk, a.pk]


def test_a_leg_arriving_before_it_departs_is_refused(case_fr, officer_fr):
    with pytest.raises(ValidationError) as raised:
        services.route_leg_add(
            actor=officer_fr,
            case=case_fr,
            data={
                **_leg("LY", "IT", "SEA"),
                "departed_on": "2024-05-02",
                "arrived_on": "2024-05-01",
                "border_crossing_method": "IRREGULAR_SEA_CROSSING",
            },
        )
    assert set(raised.value.message_dict) == {"arrived_on", "border_crossing_regular"}
    assert not RouteLeg.objects.exists()


def test_vehicles_are_updated_and_removed_with_an_audit_row_each(case_fr, officer_fr):
    # given
    van = services.vehicle_add(actor=officer_fr, case=case_fr, data={"plate": "GH-123-ZZ"})
    # when
    services.vehicle_update(actor=officer_fr, vehicle=van, data={"colour": "white"})
    services.vehicle_remove(actor=officer_fr, vehicle=van)
    # then
    actions = AuditEvent.objects.filter(object_public_id=van.public_id).values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["CREATE", "DELETE", "UPDATE"]


def test_a_member_leaves_a_group(case_fr, officer_fr, suspect_fr):
    # given
    group = services.group_create(actor=officer_fr, case=case_fr, data={"name": "Vikings-Test"})
    services.group_member_add(actor=officer_fr, group=group, person=suspect_fr)
    # when
    services.group_update(actor=officer_fr, group=group, data={"kind": "FRONT_COMPANY"})
    services.group_member_remove(actor=officer_fr, group=group, person=suspect_fr)
    # then
    group.refresh_from_db()
    assert group.kind == "FRONT_COMPANY"
    assert not group.memberships.exists()


def test_a_leg_lists_the_persons_of_the_case_who_travelled_it(case_fr, officer_fr, victim_fr):
    # when
    leg = services.route_leg_add(
        actor=officer_fr,
        case=case_fr,
        data={**_leg("LY", "IT", "SEA"), "persons": [str(victim_fr.public_id)]},
    )
    # then
    assert list(leg.persons.all()) == [victim_fr]


def test_moving_the_opening_date_back_can_make_a_person_a_child(case_fr, officer_fr):
    # given an 18-year-old witness without an exploitation date, in a case opened today
    today = timezone.localdate()
    born = add_years(today, -18) - datetime.timedelta(days=10)
    witness = services.person_create(
        actor=officer_fr,
        case=case_fr,
        data={"role": "WITNESS", "date_of_birth": born.isoformat()},
    )
    assert not witness.is_child
    # when the case turns out to have opened a month ago
    services.case_update(
        actor=officer_fr,
        case=case_fr,
        data={"opened_on": today - datetime.timedelta(days=30)},
    )
    # then
    witness.refresh_from_db()
    case_fr.refresh_from_db()
    assert witness.is_child
    assert witness.victim_number == 1
    assert case_fr.confidentiality_level == ConfidentialityLevel.INTERPOL_CONFIDENTIAL


def test_an_editor_without_identity_access_cannot_lift_a_victims_pseudonym(victim_fr, ncb_fr):
    # given a colleague of the case's NCB who may edit but not see victims' identities
    colleague = officer_user("colleague_fr", ncb_fr)
    # when
    with pytest.raises(ValidationError) as refused:
        services.person_update(
            actor=colleague, person=victim_fr, data={"role": PersonRole.WITNESS}
        )
    # then
    assert "role" in refused.value.message_dict
    victim_fr.refresh_from_db()
    assert victim_fr.role == PersonRole.VICTIM


def test_a_holder_of_identity_access_may_change_a_victims_role(victim_fr, officer_fr):
    # when
    services.person_update(actor=officer_fr, person=victim_fr, data={"role": PersonRole.WITNESS})
    # then
    victim_fr.refresh_from_db()
    assert victim_fr.role == PersonRole.WITNESS
