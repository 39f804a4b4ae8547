"""`/api/v1/cases/{case_id}/assets/`: list, create, retrieve, update, the status change and
the total; 404 for another NCB and for an SRB monitor; constant query counts; audit."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from ncb_cases.choices import AssetStatus, AuditAction, ShareAccess
from ncb_cases.models import AuditEvent
from ncb_cases.models.assets import Asset, AssetStatusChange
from tests.factories import share_case
from tests.ncb_cases.assets.factories import make_asset, move_to, rate

pytestmark = pytest.mark.django_db


def url(case, *parts) -> str:
    segments = [str(getattr(part, "public_id", part)) for part in parts]
    return "/".join(["/api/v1/cases", str(case.public_id), "assets", *segments, ""])


def status_body(**fields):
    body = {
        "to_status": AssetStatus.FROZEN,
        "effective_on": timezone.localdate().isoformat(),
        "legal_basis": "Art. 706-153 CPP (test)",
        "authority": "JLD Paris (test)",
    }
    body.update(fields)
    return body


# --- Reading ----------------------------------------------------------------------------------


def test_an_officer_lists_the_assets_with_their_history(
    api_client_for, officer_fr, case_fr, asset_fr, suspect_fr
):
    # given
    move_to(officer_fr, asset_fr, AssetStatus.FROZEN)

    # when
    response = api_client_for(officer_fr).get(url(case_fr))

    # then
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["public_id"] == str(asset_fr.public_id)
    assert item["estimated_value"] == "1000.00"
    assert item["currency"] == "EUR"
    assert item["status"] == "FROZEN"
    assert item["allowed_next_statuses"] == ["SEIZED", "RETURNED"]
    assert [change["to_status"] for change in item["status_history"]] == ["FROZEN"]


def test_reading_the_list_and_one_asset_is_audited(api_client_for, analyst_fr, case_fr, asset_fr):
    client = api_client_for(analyst_fr)
    assert client.get(url(case_fr)).status_code == 200
    assert client.get(url(case_fr, asset_fr)).status_code == 200
    views = AuditEvent.objects.filter(actor=analyst_fr, action=AuditAction.VIEW, case=case_fr)
    assert views.filter(object_type="case", details__read="assets").count() == 1
    assert views.filter(object_public_id=asset_fr.public_id).count() == 1


@pytest.mark.parametrize("who", ["officer_de", "srb_europe", "user_without_ncb"])
@pytest.mark.parametrize("what", ["list", "detail", "total", "update", "status", "create"])
def test_another_ncb_and_an_srb_monitor_get_404(
    request, api_client_for, case_fr, asset_fr, who, what
):
    # given
    client = api_client_for(request.getfixturevalue(who))

    # when
    response = {
        "list": lambda: client.get(url(case_fr)),
        "detail": lambda: client.get(url(case_fr, asset_fr)),
        "total": lambda: client.get(url(case_fr, "total")),
        "update": lambda: client.patch(url(case_fr, asset_fr), {"description": "x"}),
        "status": lambda: client.post(url(case_fr, asset_fr, "status"), status_body()),
        "create": lambda: client.post(
            url(case_fr), {"asset_type": "CASH", "description": "x"}, format="json"
        ),
    }[what]()

    # then: the same answer as for a missing asset, and nothing changed
    assert response.status_code == 404
    asset_fr.refresh_from_db()
    assert (asset_fr.status, asset_fr.description) == (
        AssetStatus.TRACED,
        "Account receiving the proceeds (test)",
    )
    assert Asset.objects.count() == 1


def test_a_refused_read_of_an_existing_asset_is_audited(api_client_for, officer_de, asset_fr):
    api_client_for(officer_de).get(url(asset_fr.case, asset_fr))
    assert AuditEvent.objects.filter(
        actor=officer_de, action=AuditAction.DENIED, object_public_id=asset_fr.public_id
    ).exists()


def test_anonymous_callers_get_401(api_client_for, case_fr, asset_fr):
    assert api_client_for(None).get(url(case_fr)).status_code == 401


def test_an_asset_under_another_case_url_is_404(api_client_for, officer_fr, case_fr):
    from ncb_cases import services

    other = services.case_create(
        actor=officer_fr, data={"title": "Another case (test)", "offence_type": "THB"}
    )
    asset = make_asset(officer_fr, other)
    assert api_client_for(officer_fr).get(url(case_fr, asset)).status_code == 404


def test_a_missing_asset_is_404(api_client_for, officer_fr, case_fr):
    missing = "00000000-0000-4000-8000-000000000000"
    assert api_client_for(officer_fr).get(url(case_fr, missing)).status_code == 404


@pytest.mark.parametrize("count", [1, 15])
def test_the_list_reads_a_fixed_number_of_queries(
    api_client_for, officer_fr, case_fr, suspect_fr, django_assert_max_num_queries, count
):
    for _ in range(count):
        asset = make_asset(officer_fr, case_fr, holder=suspect_fr, country="FR")
        move_to(officer_fr, asset, AssetStatus.SEIZED)
    client = api_client_for(officer_fr)
    with django_assert_max_num_queries(8):
        response = client.get(url(case_fr))
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 15])
def test_the_total_reads_a_fixed_number_of_queries(
    api_client_for, officer_fr, case_fr, django_assert_max_num_queries, count
):
    rate("USD", "0.9", valid_from=datetime.date(2026, 1, 1))
    for index in range(count):
        make_asset(officer_fr, case_fr, currency=("USD", "EUR", "NGN")[index % 3])
    client = api_client_for(officer_fr)
    with django_assert_max_num_queries(6):
        response = client.get(url(case_fr, "total"))
    assert len(response.json()["assets"]) == count


def test_the_total_converts_and_names_what_it_cannot(api_client_for, officer_fr, case_fr):
    rate("USD", "0.9", valid_from=datetime.date(2026, 1, 1), source="ECB (test)")
    make_asset(officer_fr, case_fr, estimated_value="100.00", currency="USD")
    naira = make_asset(officer_fr, case_fr, estimated_value="100.00", currency="NGN")

    body = api_client_for(officer_fr).get(url(case_fr, "total"), {"on": "2026-02-01"}).json()

    assert body["reporting_currency"] == "EUR"
    assert body["on"] == "2026-02-01"
    assert Decimal(body["total"]) == Decimal("90.00")
    assert body["not_converted"] == [str(naira.public_id)]
    assert body["rates"] == [
        {
            "currency": "USD",
            "rate": "0.90000000",
            "valid_from": "2026-01-01",
            "source": "ECB (test)",
        }
    ]


def test_a_bad_day_for_the_total_is_a_400(api_client_for, officer_fr, case_fr):
    response = api_client_for(officer_fr).get(url(case_fr, "total"), {"on": "soon"})
    assert response.status_code == 400
    assert "on" in response.json()


# --- Writing ----------------------------------------------------------------------------------


def test_an_officer_records_an_asset(api_client_for, officer_fr, case_fr, suspect_fr):
    response = api_client_for(officer_fr).post(
        url(case_fr),
        {
            "asset_type": "REAL_ESTATE",
            "description": "Flat in Lyon (test)",
            "estimated_value": "250000.00",
            "currency": "eur",
            "country": "FR",
            "holder": str(suspect_fr.public_id),
            "silver_notice_candidate": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "TRACED"
    assert body["currency"] == "EUR"
    assert body["holder"] == {
        "public_id": str(suspect_fr.public_id),
        "display_name": "MOREAU-TEST Didier",
    }
    assert body["silver_notice_candidate"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"estimated_value": "-1", "currency": "EUR"}, "estimated_value"),
        ({"estimated_value": "abc", "currency": "EUR"}, "estimated_value"),
        ({"estimated_value": "10.00"}, "currency"),
        ({"estimated_value": "10.00", "currency": "XYZ"}, "currency"),
        ({"country": "ZZ"}, "country"),
        ({"asset_type": "YACHT"}, "asset_type"),
        ({"holder": "00000000-0000-4000-8000-000000000000"}, "holder"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_saved(
    api_client_for, officer_fr, case_fr, body, field
):
    data = {"asset_type": "CASH", "description": "Cash (test)", **body}
    response = api_client_for(officer_fr).post(url(case_fr), data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Asset.objects.exists()


def test_analysts_may_not_write(api_client_for, analyst_fr, case_fr, asset_fr):
    client = api_client_for(analyst_fr)
    assert client.patch(url(case_fr, asset_fr), {"description": "x"}).status_code == 403
    assert client.post(url(case_fr, asset_fr, "status"), status_body()).status_code == 403


def test_a_read_only_partner_gets_404_on_writes(
    api_client_for, case_fr, ncb_de, officer_de, asset_fr
):
    share_case(case_fr, ncb_de, access=ShareAccess.READ)
    client = api_client_for(officer_de)
    assert client.get(url(case_fr, asset_fr)).status_code == 200
    assert client.patch(url(case_fr, asset_fr), {"description": "x"}).status_code == 404
    assert client.post(url(case_fr, asset_fr, "status"), status_body()).status_code == 404


def test_patch_changes_what_is_sent_and_put_replaces(
    api_client_for, officer_fr, case_fr, asset_fr
):
    client = api_client_for(officer_fr)
    patched = client.patch(url(case_fr, asset_fr), {"estimated_value": "12.50"}, format="json")
    assert patched.status_code == 200
    assert patched.json()["estimated_value"] == "12.50"
    assert patched.json()["description"] == "Account receiving the proceeds (test)"
    put = client.put(url(case_fr, asset_fr), {"asset_type": "CASH"}, format="json")
    assert put.status_code == 400
    assert "description" in put.json()
    put = client.put(
        url(case_fr, asset_fr),
        {
            "asset_type": "CASH",
            "description": "Cash (test)",
            "estimated_value": None,
            "currency": "",
        },
        format="json",
    )
    assert put.status_code == 200
    assert (put.json()["asset_type"], put.json()["estimated_value"]) == ("CASH", None)


def test_the_status_cannot_be_written_by_an_edit(api_client_for, officer_fr, case_fr, asset_fr):
    api_client_for(officer_fr).patch(url(case_fr, asset_fr), {"status": "SEIZED"}, format="json")
    asset_fr.refresh_from_db()
    assert asset_fr.status == AssetStatus.TRACED


def test_an_officer_changes_the_status(api_client_for, officer_fr, case_fr, asset_fr):
    response = api_client_for(officer_fr).post(
        url(case_fr, asset_fr, "status"), status_body(notes="Served on the bank."), format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "FROZEN"
    assert body["status_changed_on"] == timezone.localdate().isoformat()
    assert body["status_history"][0]["authority"] == "JLD Paris (test)"
    assert body["status_history"][0]["recorded_by"] == "officer_fr"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"to_status": "CONFISCATED"}, "to_status"),
        ({"to_status": "SOLD"}, "to_status"),
        ({"effective_on": "2999-01-01"}, "effective_on"),
        ({"effective_on": "not a date"}, "effective_on"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"authority": ""}, "authority"),
    ],
)
def test_a_bad_status_change_is_a_400_and_changes_nothing(
    api_client_for, officer_fr, case_fr, asset_fr, fields, field
):
    response = api_client_for(officer_fr).post(
        url(case_fr, asset_fr, "status"), status_body(**fields), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    asset_fr.refresh_from_db()
    assert asset_fr.status == AssetStatus.TRACED
    assert not AssetStatusChange.objects.exists()


def test_the_api_is_in_the_openapi_schema(api_client_for, officer_fr):
    schema = api_client_for(officer_fr).get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    base = "/api/v1/cases/{case_id}/assets/"
    assert set(paths[base]) >= {"get", "post"}
    assert set(paths[base + "{asset_id}/"]) >= {"get", "put", "patch"}
    assert "post" in paths[base + "{asset_id}/status/"]
    assert "get" in paths[base + "total/"]
    assert "400" in paths[base + "{asset_id}/status/"]["post"]["responses"]


@pytest.mark.parametrize("who", ["officer_de", "read_only_partner"])
def test_a_refused_write_on_an_existing_asset_is_audited(
    request, api_client_for, case_fr, ncb_de, asset_fr, who
):
    # given
    if who == "read_only_partner":
        share_case(case_fr, ncb_de, access=ShareAccess.READ)
    user = request.getfixturevalue("officer_de")

    # when
    response = api_client_for(user).post(url(case_fr, asset_fr, "status"), status_body())

    # then
    assert response.status_code == 404
    denied = AuditEvent.objects.get(actor=user, action=AuditAction.DENIED)
    assert denied.object_public_id == asset_fr.public_id
    assert denied.details == {"attempted": AuditAction.UPDATE}
