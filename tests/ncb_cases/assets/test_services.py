"""`ncb_cases.services.assets`: recording assets, their lifecycle and the exchange rates."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ncb_cases import services
from ncb_cases.choices import (
    ASSET_TRANSITIONS,
    AssetStatus,
    AssetType,
    AuditAction,
    PersonRole,
    ShareAccess,
)
from ncb_cases.models import AuditEvent, CaseNote
from ncb_cases.models.assets import Asset, AssetStatusChange, ExchangeRate
from ncb_cases.services.assets import (
    asset_change_status,
    asset_create,
    asset_update,
    currency_code,
    exchange_rate_save,
)
from tests.factories import share_case
from tests.ncb_cases.assets.factories import PATH_TO, make_asset, move_to

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _errors(exc_info) -> dict:
    return exc_info.value.message_dict


# --- Recording an asset -----------------------------------------------------------------------


def test_an_officer_records_an_asset_as_traced_with_its_holder(officer_fr, case_fr, suspect_fr):
    # when
    asset = asset_create(
        actor=officer_fr,
        case=case_fr,
        data={
            "asset_type": AssetType.BANK_ACCOUNT,
            "description": "  Account in Lyon (test)  ",
            "estimated_value": "45000.50",
            "currency": "eur",
            "country": "fr",
            "holder": str(suspect_fr.public_id),
            "institution": "Banque Exemple (fictitious)",
            "account_identifier": "FR76 9999 0000 0001",
            "silver_notice_candidate": True,
        },
    )

    # then
    asset.refresh_from_db()
    assert asset.status == AssetStatus.TRACED
    assert asset.description == "Account in Lyon (test)"
    assert asset.estimated_value == Decimal("45000.50")
    assert asset.currency == "EUR"
    assert asset.country.iso2 == "FR"
    assert asset.holder == suspect_fr
    assert asset.silver_notice_candidate is True
    assert asset.created_by == officer_fr
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_public_id=asset.public_id)
    assert event.case == case_fr
    assert event.actor == officer_fr


def test_an_asset_needs_no_value(officer_fr, case_fr):
    asset = make_asset(officer_fr, case_fr, estimated_value=None, currency="")
    assert asset.estimated_value is None
    assert asset.currency == ""


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"estimated_value": "-1"}, "estimated_value"),
        ({"estimated_value": "abc"}, "estimated_value"),
        ({"estimated_value": "NaN"}, "estimated_value"),
        ({"estimated_value": 12.5}, "estimated_value"),
        ({"estimated_value": "12.345"}, "estimated_value"),
        ({"estimated_value": "1" * 16}, "estimated_value"),
        ({"currency": ""}, "currency"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "EU"}, "currency"),
        ({"currency": "€"}, "currency"),
        ({"country": "ZZ"}, "country"),
        ({"asset_type": "YACHT"}, "asset_type"),
        ({"asset_type": ""}, "asset_type"),
        ({"description": "   "}, "description"),
        ({"silver_notice_candidate": "maybe"}, "silver_notice_candidate"),
        ({"status": AssetStatus.SEIZED}, "status"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(officer_fr, case_fr, data, field):
    # when
    with pytest.raises(ValidationError) as exc_info:
        make_asset(officer_fr, case_fr, **data)

    # then
    assert field in _errors(exc_info)
    assert not Asset.objects.exists()
    assert not AuditEvent.objects.filter(object_type="asset").exists()


def test_every_error_is_reported_at_once(officer_fr, case_fr):
    with pytest.raises(ValidationError) as exc_info:
        asset_create(
            actor=officer_fr,
            case=case_fr,
            data={"asset_type": "YACHT", "estimated_value": "-5", "currency": "XYZ"},
        )
    assert {"asset_type", "description", "estimated_value", "currency"} <= set(_errors(exc_info))


def test_the_holder_must_be_a_person_of_the_same_case(officer_fr, officer_de, case_fr, case_de):
    # given a person of the German case
    stranger = services.person_create(
        actor=officer_de, case=case_de, data={"role": PersonRole.SUSPECT, "family_name": "X"}
    )

    # when / then
    with pytest.raises(ValidationError) as exc_info:
        make_asset(officer_fr, case_fr, holder=str(stranger.public_id))
    assert "holder" in _errors(exc_info)
    with pytest.raises(ValidationError):
        make_asset(officer_fr, case_fr, holder=stranger)


@pytest.mark.parametrize("who", ["officer_de", "analyst_fr", "srb_europe", "user_without_ncb"])
def test_only_those_who_may_change_the_case_record_assets(request, case_fr, who):
    with pytest.raises(PermissionDenied):
        make_asset(request.getfixturevalue(who), case_fr)
    assert not Asset.objects.exists()


def test_a_read_only_share_does_not_let_the_partner_record_assets(case_fr, ncb_de, officer_de):
    share_case(case_fr, ncb_de, access=ShareAccess.READ)
    with pytest.raises(PermissionDenied):
        make_asset(officer_de, case_fr)


def test_editing_changes_only_what_is_sent_and_is_audited(officer_fr, asset_fr):
    # when
    asset = asset_update(
        actor=officer_fr, asset=asset_fr, data={"estimated_value": "1500", "country": "IT"}
    )

    # then
    asset.refresh_from_db()
    assert asset.estimated_value == Decimal("1500.00")
    assert asset.country.iso2 == "IT"
    assert asset.description == "Account receiving the proceeds (test)"
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_public_id=asset.public_id)
    assert event.details == {"fields": ["country", "estimated_value"]}


def test_removing_the_currency_of_a_valued_asset_is_refused(officer_fr, asset_fr):
    with pytest.raises(ValidationError) as exc_info:
        asset_update(actor=officer_fr, asset=asset_fr, data={"currency": ""})
    assert "currency" in _errors(exc_info)
    asset_fr.refresh_from_db()
    assert asset_fr.currency == "EUR"


def test_currency_codes_are_iso_4217_in_capitals():
    assert currency_code(" ngn ") == "NGN"
    for bad in ("", "EURO", "XYZ", "12A", "DEM"):
        with pytest.raises(ValidationError):
            currency_code(bad)


# --- The lifecycle ----------------------------------------------------------------------------


def test_a_status_change_is_recorded_with_its_history_timeline_and_audit(officer_fr, asset_fr):
    # when
    day = TODAY() - datetime.timedelta(days=3)
    change = asset_change_status(
        actor=officer_fr,
        asset=asset_fr,
        to_status=AssetStatus.FROZEN,
        effective_on=day.isoformat(),
        legal_basis="Art. 706-153 CPP (test)",
        authority="JLD Paris (test)",
        notes="Order served on the bank.",
    )

    # then
    asset_fr.refresh_from_db()
    assert asset_fr.status == AssetStatus.FROZEN
    assert asset_fr.status_changed_on == day
    assert (change.from_status, change.to_status, change.effective_on) == (
        AssetStatus.TRACED,
        AssetStatus.FROZEN,
        day,
    )
    assert change.recorded_by == officer_fr
    note = CaseNote.objects.filter(case=asset_fr.case, details__kind="ASSET_STATUS_CHANGE").get()
    assert "JLD Paris (test)" in note.text
    assert note.details["to"] == AssetStatus.FROZEN
    event = AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_public_id=asset_fr.public_id
    ).get()
    assert event.details["from"] == AssetStatus.TRACED
    assert event.details["to"] == AssetStatus.FROZEN


def test_an_asset_goes_the_whole_way_to_victim_compensation(officer_fr, asset_fr):
    asset = move_to(officer_fr, asset_fr, AssetStatus.VICTIM_COMPENSATION)
    assert asset.status == AssetStatus.VICTIM_COMPENSATION
    assert list(asset.status_changes.values_list("to_status", flat=True)) == [
        AssetStatus.SEIZED,
        AssetStatus.CONFISCATED,
        AssetStatus.VICTIM_COMPENSATION,
    ]


ILLEGAL = [
    (from_status, to_status)
    for from_status in AssetStatus.values
    for to_status in AssetStatus.values
    if to_status not in ASSET_TRANSITIONS[from_status]
]


@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_every_illegal_transition_is_refused(officer_fr, asset_fr, from_status, to_status):
    # given an asset in `from_status`
    asset = move_to(officer_fr, asset_fr, from_status)
    changes = AssetStatusChange.objects.count()

    # when
    with pytest.raises(ValidationError) as exc_info:
        asset_change_status(
            actor=officer_fr,
            asset=asset,
            to_status=to_status,
            effective_on=TODAY(),
            legal_basis="Art. 1 (test)",
            authority="Court (test)",
        )

    # then
    assert "to_status" in _errors(exc_info)
    asset.refresh_from_db()
    assert asset.status == from_status
    assert AssetStatusChange.objects.count() == changes


def test_the_illegal_transitions_cover_every_final_status():
    # returned and compensation are final: nothing follows them
    assert len(ILLEGAL) == 36 - sum(len(allowed) for allowed in ASSET_TRANSITIONS.values())
    assert sum(1 for from_status, _ in ILLEGAL if from_status in PATH_TO) == len(ILLEGAL)


def test_an_unknown_status_is_refused(officer_fr, asset_fr):
    with pytest.raises(ValidationError) as exc_info:
        asset_change_status(
            actor=officer_fr,
            asset=asset_fr,
            to_status="SOLD",
            effective_on=TODAY(),
            legal_basis="x",
            authority="y",
        )
    assert "to_status" in _errors(exc_info)


@pytest.mark.parametrize(
    ("effective_on", "legal_basis", "authority", "fields"),
    [
        ("tomorrow", "Art. 1", "Court", {"effective_on"}),
        ("", "Art. 1", "Court", {"effective_on"}),
        ("2026-13-45", "Art. 1", "Court", {"effective_on"}),
        ("today", "", "Court", {"legal_basis"}),
        ("today", "Art. 1", "  ", {"authority"}),
        ("tomorrow", "", "", {"effective_on", "legal_basis", "authority"}),
        ("today", "x" * 301, "Court", {"legal_basis"}),
    ],
)
def test_a_status_change_needs_a_past_date_a_legal_basis_and_an_authority(
    officer_fr, asset_fr, effective_on, legal_basis, authority, fields
):
    day = {"today": TODAY(), "tomorrow": TODAY() + datetime.timedelta(days=1)}
    with pytest.raises(ValidationError) as exc_info:
        asset_change_status(
            actor=officer_fr,
            asset=asset_fr,
            to_status=AssetStatus.FROZEN,
            effective_on=day.get(effective_on, effective_on),
            legal_basis=legal_basis,
            authority=authority,
        )
    assert set(_errors(exc_info)) == fields
    asset_fr.refresh_from_db()
    assert asset_fr.status == AssetStatus.TRACED
    assert not AssetStatusChange.objects.exists()
    assert not CaseNote.objects.filter(details__kind="ASSET_STATUS_CHANGE").exists()


def test_a_change_cannot_take_effect_before_the_previous_one(officer_fr, asset_fr):
    # given an asset frozen 10 days ago
    asset = move_to(officer_fr, asset_fr, AssetStatus.FROZEN, start_days_ago=10)

    # when the seizure is dated before the freeze
    with pytest.raises(ValidationError) as exc_info:
        asset_change_status(
            actor=officer_fr,
            asset=asset,
            to_status=AssetStatus.SEIZED,
            effective_on=TODAY() - datetime.timedelta(days=11),
            legal_basis="Art. 1",
            authority="Court",
        )

    # then; the same day is fine
    assert "effective_on" in _errors(exc_info)
    asset_change_status(
        actor=officer_fr,
        asset=asset,
        to_status=AssetStatus.SEIZED,
        effective_on=TODAY() - datetime.timedelta(days=10),
        legal_basis="Art. 1",
        authority="Court",
    )


@pytest.mark.parametrize("who", ["officer_de", "analyst_fr", "srb_europe"])
def test_only_those_who_may_change_the_case_change_an_asset(request, asset_fr, who):
    with pytest.raises(PermissionDenied):
        asset_change_status(
            actor=request.getfixturevalue(who),
            asset=asset_fr,
            to_status=AssetStatus.FROZEN,
            effective_on=TODAY(),
            legal_basis="Art. 1",
            authority="Court",
        )
    with pytest.raises(PermissionDenied):
        asset_update(actor=request.getfixturevalue(who), asset=asset_fr, data={})


def test_a_read_write_partner_may_change_an_asset(case_fr, ncb_de, officer_de, asset_fr):
    share_case(case_fr, ncb_de, access=ShareAccess.READ_WRITE)
    asset_change_status(
        actor=officer_de,
        asset=asset_fr,
        to_status=AssetStatus.FROZEN,
        effective_on=TODAY(),
        legal_basis="§ 111e StPO",
        authority="AG Hamburg",
    )
    asset_fr.refresh_from_db()
    assert asset_fr.status == AssetStatus.FROZEN


# --- Exchange rates ---------------------------------------------------------------------------


def test_an_admin_records_a_rate_and_it_is_audited(admin_user):
    rate = exchange_rate_save(
        actor=admin_user,
        rate=ExchangeRate(),
        data={"currency": "usd", "valid_from": "2026-01-01", "rate": "0.92", "source": "ECB"},
    )
    assert (rate.currency, rate.reporting_currency, rate.rate) == ("USD", "EUR", Decimal("0.92"))
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="exchangerate").get()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "EUR"}, "currency"),
        ({"reporting_currency": "EURO"}, "reporting_currency"),
        ({"rate": "0"}, "rate"),
        ({"rate": "-1"}, "rate"),
        ({"rate": "abc"}, "rate"),
        ({"valid_from": "yesterday"}, "valid_from"),
    ],
)
def test_bad_rates_are_refused_on_their_field(admin_user, data, field):
    values = {"currency": "USD", "valid_from": "2026-01-01", "rate": "0.92", **data}
    with pytest.raises(ValidationError) as exc_info:
        exchange_rate_save(actor=admin_user, rate=ExchangeRate(), data=values)
    assert field in _errors(exc_info)
    assert not ExchangeRate.objects.exists()


def test_one_rate_per_pair_and_day(admin_user):
    data = {"currency": "USD", "valid_from": "2026-01-01", "rate": "0.92"}
    exchange_rate_save(actor=admin_user, rate=ExchangeRate(), data=data)
    with pytest.raises(ValidationError):
        exchange_rate_save(actor=admin_user, rate=ExchangeRate(), data=data)
    assert ExchangeRate.objects.count() == 1


def test_officers_do_not_maintain_rates(supervisor_fr):
    with pytest.raises(PermissionDenied):
        exchange_rate_save(
            actor=supervisor_fr,
            rate=ExchangeRate(),
            data={"currency": "USD", "valid_from": "2026-01-01", "rate": "0.92"},
        )
