"""`messages_hst.compose.draft_document`: an HST document from a case, as its author may
write it (victims minimised, handling from the case, flags computed)."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from messages_hst.compose import draft_document
from messages_hst.validation import has_errors, validate_message
from ncb_cases.choices import ConfidentialityLevel
from tests.factories import CaseFactory, officer_user
from tests.messages_hst.authoring_fixtures import SUSPECT_PHONE, VICTIM_PHONE

pytestmark = pytest.mark.django_db


def _draft(user, case, message_type="INFO", recipients=("DE",), **kwargs):
    kwargs.setdefault("priority", "URGENT")
    return draft_document(
        user=user, case=case, message_type=message_type, recipients=recipients, **kwargs
    )


def _person(document, status):
    return [p for p in document["body"]["persons"] if p["status"] == status]


@pytest.mark.parametrize("message_type", ["INFO", "ALERT", "REQUEST"])
def test_a_draft_from_a_case_is_a_valid_hst_message(officer_fr, case_fr, message_type):
    # given the demo-like case of FR
    # when an officer drafts a message from it
    document = _draft(officer_fr, case_fr, message_type)

    # then the document passes every level of validation without an error
    problems = validate_message(document)
    assert not has_errors(problems), problems
    assert document["message_type"] == message_type
    assert document["sender"]["ncb_code"] == "FR"
    assert document["recipients"] == [{"ncb_code": "DE", "role": "TO"}]
    assert document["case"] == {
        "hst_case_id": str(case_fr.public_id),
        "sender_case_ref": case_fr.reference,
    }


def test_the_body_carries_the_case_entities_with_resolving_refs(officer_fr, case_fr):
    # when
    body = _draft(officer_fr, case_fr)["body"]

    # then persons, documents, route, group, vehicle and phone are all there
    (suspect,) = _person({"body": body}, "SUSPECT")
    assert suspect["family_name"] == "DURAND-TEST"
    assert suspect["forenames"] == "Camille"
    assert suspect["roles_in_process"] == ["RECRUITER", "EXPLOITER"]
    passport = next(d for d in body["documents"] if d["holder_ref"] == suspect["ref"])
    assert passport["number"] == "24FT00123"
    assert len(passport["mrz"]) == 2
    assert [leg["seq"] for leg in body["route_legs"]] == [1, 2]
    assert body["route_legs"][0]["to_ref"] == body["route_legs"][1]["from_ref"]
    assert {loc["place"] for loc in body["locations"]} == {"Lagos", "Munich", "Lyon"}
    assert body["organisations"][0]["members"] == [suspect["ref"]]
    assert body["vehicles"][0]["holder_ref"] == suspect["ref"]
    assert body["comms"] == [
        {"ref": "C1", "kind": "PHONE", "value": SUSPECT_PHONE, "holder_ref": suspect["ref"]}
    ]
    assert body["exploitation"][0]["form"] == "SEXUAL"
    assert body["case_summary"]["palermo_elements"]["means"] == ["DECEPTION"]


def test_victims_are_minimised_by_default(officer_fr, case_fr):
    # when the officer drafts without asking for identities
    document = _draft(officer_fr, case_fr)

    # then the victim is a ref, sex, year of birth, nationalities and coded context only
    (victim,) = _person(document, "VICTIM")
    assert victim == {
        "ref": victim["ref"],
        "sex": "F",
        "date_of_birth": "1999",
        "nationalities": ["NGA"],
        "status": "VICTIM",
        "victim_context": {
            "recruitment_method": ["JOB_OFFER"],
            "means_of_control": ["DEBT_BONDAGE"],
        },
    }
    # and nothing anywhere names, numbers or phones her
    text = json.dumps(document)
    assert "OKAFOR" not in text
    assert "Blessing" not in text
    assert VICTIM_PHONE not in text
    assert "L898902C3" not in text
    withheld = next(d for d in document["body"]["documents"] if d["holder_ref"] == victim["ref"])
    assert withheld == {
        "ref": withheld["ref"],
        "holder_ref": victim["ref"],
        "doc_type": "PASSPORT",
        "issuing_state": "UTO",
        "authenticity": "UNKNOWN",
        "withheld_by_exploiter": True,
    }
    assert document["handling"]["victim_data_present"] is True


def test_asking_for_identities_without_the_permission_is_refused(officer_fr, case_fr):
    # when the officer, without the victim-identity grant, asks for identities
    # then
    with pytest.raises(PermissionDenied):
        _draft(officer_fr, case_fr, include_victim_identity=True)


def test_victim_identity_goes_only_with_the_permission_and_the_choice(identity_holder, case_fr):
    # given an officer holding the case's victim-identity permission
    # when they draft without asking, the victim stays minimised
    assert "OKAFOR" not in json.dumps(_draft(identity_holder, case_fr))

    # when they ask for identities
    document = _draft(identity_holder, case_fr, include_victim_identity=True)

    # then the victim's name, phone and passport number travel
    (victim,) = _person(document, "VICTIM")
    assert victim["family_name"] == "OKAFOR-TEST"
    assert victim["date_of_birth"] == "1999-07-02"
    text = json.dumps(document)
    assert VICTIM_PHONE in text
    assert "L898902C3" in text
    assert not has_errors(validate_message(document))


def test_a_child_victim_flags_the_message_and_forces_the_strictest_handling(
    officer_fr, case_fr, child_victim
):
    # when
    document = _draft(officer_fr, case_fr)

    # then the child is minimised but the minor flag is set and the handling is strictest
    children = [p for p in _person(document, "VICTIM") if p["date_of_birth"] == "2010"]
    assert len(children) == 1
    assert "family_name" not in children[0]
    assert document["handling"]["minor_data_present"] is True
    assert document["handling"]["confidentiality_level"] == "INTERPOL_CONFIDENTIAL"
    assert document["handling"]["dissemination"] == "RECIPIENTS_ONLY"
    assert document["body"]["case_summary"]["counts"]["minors"] == 1
    assert "CHILD-TEST" not in json.dumps(document)
    assert not has_errors(validate_message(document))


def test_handling_comes_from_the_case(officer_fr, case_fr):
    # given the case's handling fields
    case_fr.handling_codes = ["H0", "H1", "H3"]
    case_fr.h3_text = "Not to be shared with the press (test)."
    case_fr.confidentiality_level = ConfidentialityLevel.INTERPOL_FOR_OFFICIAL_USE_ONLY
    case_fr.save()

    # when
    handling = _draft(officer_fr, case_fr)["handling"]

    # then codes, H3 text, confidentiality and the 4x4 evaluation are copied
    assert handling["handling_codes"] == ["H0", "H1", "H3"]
    assert handling["h3_text"] == "Not to be shared with the press (test)."
    assert handling["confidentiality_level"] == "INTERPOL_FOR_OFFICIAL_USE_ONLY"
    assert handling["source_reliability"] == "B"
    assert handling["information_accuracy"] == "2"
    assert handling["retention"]["review_on"] <= case_fr.retention_review_on.isoformat()


def test_a_request_draft_has_a_request_skeleton_and_a_response_date(officer_fr, case_fr):
    # when
    document = _draft(officer_fr, case_fr, "REQUEST")

    # then one request targets the suspects, due by the response date
    (request,) = document["body"]["requests"]
    (suspect,) = _person(document, "SUSPECT")
    assert request["target_refs"] == [suspect["ref"]]
    assert request["deadline"] == document["response_due"]


def test_a_case_the_user_may_not_read_is_404(officer_de, case_fr):
    with pytest.raises(Http404):
        _draft(officer_de, case_fr, recipients=("FR",))


@pytest.mark.parametrize("who", ["analyst_fr", "srb_europe", "user_without_ncb"])
def test_users_who_write_no_messages_cannot_draft(request, case_fr, who):
    with pytest.raises(PermissionDenied):
        _draft(request.getfixturevalue(who), case_fr)


def test_unknown_recipients_are_named(officer_fr, case_fr):
    with pytest.raises(ValidationError) as error:
        draft_document(user=officer_fr, case=case_fr, message_type="INFO", recipients=["ZZ"])
    assert "recipients" in error.value.message_dict


def test_the_draft_reads_a_fixed_number_of_queries(
    officer_fr, ncb_fr, ncb_de, django_assert_max_num_queries
):
    # given a small and a larger case
    from tests.factories import PersonFactory, PersonPhoneFactory, VictimFactory

    small, large = (CaseFactory(owner_ncb=ncb_fr, created_by=officer_fr) for _ in range(2))
    for case, size in ((small, 1), (large, 8)):
        for _ in range(size):
            PersonPhoneFactory(person=PersonFactory(case=case), number="+442079460111")
            VictimFactory(case=case)

    # then drafting either costs the same bounded number of queries
    for case in (small, large):
        with django_assert_max_num_queries(16):
            _draft(officer_fr, case)


def test_a_user_of_another_ncb_with_a_share_drafts_only_what_they_read(
    ncb_de, officer_fr, case_fr
):
    # given a DE officer whose NCB the case is shared with
    from tests.factories import share_case

    share_case(case_fr, ncb_de)
    officer = officer_user("officer_de2", ncb_de)

    # when they draft from it (a read of the case), victims stay minimised
    document = draft_document(
        user=officer, case=case_fr, message_type="INFO", recipients=["FR"], priority="URGENT"
    )

    # then
    assert document["sender"]["ncb_code"] == "DE"
    assert "OKAFOR" not in json.dumps(document)
