"""A case's assets in a composed HST message: `financial[]` and a SEIZE_ASSETS request
(`messages_hst.compose.assets`), valid on the test case and on every demo case."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from messages_hst.compose import draft_document
from messages_hst.compose.assets import FINANCIAL_KIND
from messages_hst.validation import has_errors, validate_message
from ncb_cases.choices import AssetStatus, AssetType
from ncb_cases.demo_assets import seed_assets_demo
from ncb_cases.models import Case, Person
from ncb_cases.models.assets import Asset
from tests.ncb_cases.assets.factories import make_asset, move_to

pytestmark = pytest.mark.django_db


def _draft(user, case, message_type="INFO", recipients=("DE",)):
    return draft_document(
        user=user, case=case, message_type=message_type, recipients=recipients, priority="URGENT"
    )


def _person_ref(document, family_name):
    return next(
        p["ref"] for p in document["body"]["persons"] if p.get("family_name") == family_name
    )


def test_every_asset_type_has_an_hst_kind():
    assert set(FINANCIAL_KIND) == set(AssetType.values)


def test_assets_go_into_the_message_as_financial_items(officer_fr, case_fr):
    # given a seized account of the suspect and a traced house flagged for a Silver Notice
    suspect = Person.objects.get(case=case_fr, family_name="Durand-Test")
    account = make_asset(
        officer_fr,
        case_fr,
        holder=suspect,
        country="FR",
        estimated_value="41250.5",
        institution="Banque Exemple (fictitious)",
        account_identifier="FR76 9999 0000 0001",
    )
    move_to(officer_fr, account, AssetStatus.SEIZED)
    make_asset(
        officer_fr,
        case_fr,
        asset_type=AssetType.VEHICLE,
        description="Van (test)",
        estimated_value=None,
        currency="",
        silver_notice_candidate=True,
    )

    # when
    document = _draft(officer_fr, case_fr)

    # then
    assert not has_errors(validate_message(document))
    first, second = document["body"]["financial"]
    assert first == {
        "ref": "F1",
        "kind": "BANK_ACCOUNT",
        "description": "Account receiving the proceeds (test)",
        "holder_ref": _person_ref(document, "DURAND-TEST"),
        "institution": "Banque Exemple (fictitious)",
        "account_identifier": "FR76 9999 0000 0001",
        "country": "FR",
        "amount": "41250.50",
        "currency": "EUR",
    }
    assert second == {
        "ref": "F2",
        "kind": "VEHICLE_ASSET",
        "description": "Van (test)",
        "silver_notice_candidate": True,
    }
    assert "requests" not in document["body"]


def test_a_request_asks_to_seize_the_assets_still_traced_or_frozen(officer_fr, case_fr):
    # given a traced, a frozen and a seized asset
    traced = make_asset(officer_fr, case_fr, description="Traced (test)")
    frozen = move_to(officer_fr, make_asset(officer_fr, case_fr), AssetStatus.FROZEN)
    move_to(officer_fr, make_asset(officer_fr, case_fr), AssetStatus.SEIZED)

    # when
    document = _draft(officer_fr, case_fr, "REQUEST")

    # then the skeleton's R1 stays, and R2 asks to seize the first two
    assert not has_errors(validate_message(document))
    refs = {item["description"]: item["ref"] for item in document["body"]["financial"]}
    assert refs[traced.description] == "F1"
    first, seize = document["body"]["requests"]
    assert first["action"] == "IDENTIFY_PERSON"
    assert seize["ref"] == "R2"
    assert seize["action"] == "SEIZE_ASSETS"
    assert seize["target_refs"] == ["F1", "F2"]
    assert seize["deadline"] == document["response_due"]
    assert frozen.status == AssetStatus.FROZEN


def test_no_seizure_is_requested_when_every_asset_is_already_seized(officer_fr, case_fr):
    move_to(officer_fr, make_asset(officer_fr, case_fr), AssetStatus.CONFISCATED)
    document = _draft(officer_fr, case_fr, "REQUEST")
    assert [r["action"] for r in document["body"]["requests"]] == ["IDENTIFY_PERSON"]
    assert len(document["body"]["financial"]) == 1


def test_a_victim_holder_is_referred_to_by_ref_only(officer_fr, case_fr):
    victim = Person.objects.get(case=case_fr, role="VICTIM")
    make_asset(officer_fr, case_fr, holder=victim)
    document = _draft(officer_fr, case_fr)
    (item,) = document["body"]["financial"]
    holder = next(p for p in document["body"]["persons"] if p["ref"] == item["holder_ref"])
    assert holder["status"] == "VICTIM"
    assert "family_name" not in holder
    assert victim.family_name.upper() not in json.dumps(document)


def test_a_case_without_assets_has_no_financial_items(officer_fr, case_fr):
    assert "financial" not in _draft(officer_fr, case_fr)["body"]


@pytest.mark.parametrize("count", [1, 10])
def test_the_assets_cost_one_query_whatever_their_number(
    officer_fr, case_fr, django_assert_max_num_queries, count
):
    for _ in range(count):
        move_to(officer_fr, make_asset(officer_fr, case_fr), AssetStatus.FROZEN)
    # the draft without assets costs at most 16 queries (test_compose); assets add one
    with django_assert_max_num_queries(17):
        document = _draft(officer_fr, case_fr, "REQUEST")
    assert len(document["body"]["financial"]) == count


def test_the_demo_cases_compose_valid_messages_with_their_assets(settings, tmp_path):
    # given the whole demo, and the assets demo seeded (again: it is idempotent)
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", password="assets-demo-password-1", stdout=io.StringIO())
    seed_assets_demo()
    again = seed_assets_demo()
    assert again.assets_created == 0
    assert again.rates_created == 0
    assert again.summary_lines()[0].startswith("Demo assets: 0 assets created")
    assert Asset.objects.filter(case__owner_ncb__code="FR").count() >= 3
    assert Asset.objects.filter(case__owner_ncb__code="DE").count() >= 1
    fr = {a.asset_type: a for a in Asset.objects.filter(case__title__startswith="Mama Joy")}
    bank = fr[AssetType.BANK_ACCOUNT]
    assert [c.to_status for c in bank.status_changes.order_by("effective_on")] == [
        AssetStatus.FROZEN,
        AssetStatus.SEIZED,
    ]
    assert fr[AssetType.CASH].status == AssetStatus.SEIZED
    assert fr[AssetType.VEHICLE].status == AssetStatus.TRACED
    assert Asset.objects.get(case__owner_ncb__code="DE").asset_type == AssetType.REAL_ESTATE
    users = {user.username: user for user in get_user_model().objects.all()}

    # when every demo case with assets is drafted as each message type
    drafted = 0
    for case in Case.objects.filter(assets__isnull=False).distinct().select_related("owner_ncb"):
        author = users[f"officer_{case.owner_ncb.code.lower()}"]
        recipient = "IT" if case.owner_ncb.code != "IT" else "FR"
        for message_type in ("INFO", "ALERT", "REQUEST"):
            document = _draft(author, case, message_type, recipients=(recipient,))

            # then the message validates with zero problems and carries the assets
            assert validate_message(document) == [], (case.title, message_type)
            assert len(document["body"]["financial"]) == case.assets.count()
            drafted += 1
    assert drafted >= 6
