"""A shelter's address never goes into an HST message, not even one carrying the victims'
identities composed by a holder of the victim-identity permission."""

import json

from messages_hst.compose import draft_document
from messages_hst.formatting import render_text


def test_a_message_composed_from_a_case_with_a_referral_has_no_shelter_address(
    officer_fr, referral_fr, ncb_de
):
    # given a victim of the case referred to a French shelter (see conftest)
    case = referral_fr.case

    # when the case is composed into a message with the victims' identities
    document = draft_document(
        user=officer_fr,
        case=case,
        message_type="INFO",
        recipients=["DE"],
        include_victim_identity=True,
    )

    # then neither the structured body nor its text carries the address
    as_json = json.dumps(document, ensure_ascii=False)
    as_text = render_text(document)
    assert "okafor-test" in as_json.lower()  # the identities are in: the message is the full one
    for rendering in (as_json, as_text):
        assert "Tilleuls" not in rendering
        assert "69000" not in rendering
