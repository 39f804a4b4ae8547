"""Browser pages of a case's assets: the tab, add / edit, and the status change."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ncb_cases.choices import AssetStatus, AuditAction
from ncb_cases.models import AuditEvent
from ncb_cases.models.assets import Asset, AssetStatusChange
from tests.ncb_cases.assets.factories import make_asset, move_to, rate
from tests.ncb_cases.views.test_persons import (
    EDITORS,
    NON_READERS,
    READ_ONLY,
    READERS,
    assert_no_victim_identity,
    reader,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db


def assets_url(case):
    return reverse("cases:assets", args=[case.public_id])


def write_urls(case, asset):
    return {
        "create": reverse("cases:asset_create", args=[case.public_id]),
        "edit": reverse("cases:asset_edit", args=[case.public_id, asset.public_id]),
        "status": reverse("cases:asset_status", args=[case.public_id, asset.public_id]),
    }


def asset_post(**fields):
    data = {
        "asset_type": "CASH",
        "description": "Cash found in the flat (test)",
        "estimated_value": "2500.00",
        "currency": "eur",
        "country": "FR",
        "holder": "",
        "institution": "",
        "account_identifier": "",
    }
    data.update(fields)
    return data


def status_post(**fields):
    data = {
        "to_status": AssetStatus.FROZEN,
        "effective_on": timezone.localdate().isoformat(),
        "legal_basis": "Art. 706-153 CPP (test)",
        "authority": "JLD Paris (test)",
        "notes": "",
    }
    data.update(fields)
    return data


# --- Permission matrix ------------------------------------------------------------------------


def test_anonymous_readers_are_sent_to_the_login_page(client_for, case_fr):
    response = client_for(None).get(assets_url(case_fr))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("scenario", READERS)
def test_readers_of_the_case_see_its_assets(scenario, reader, client_for, case_fr, asset_fr):  # noqa: F811
    response = client_for(reader(scenario)).get(assets_url(case_fr))
    assert response.status_code == 200
    assert response.context["active_tab"] == "assets"
    assert "Account receiving the proceeds (test)" in response.content.decode()


@pytest.mark.parametrize("scenario", NON_READERS)
@pytest.mark.parametrize("page", ["tab", "create", "edit", "status"])
def test_users_who_may_not_read_the_case_get_404_on_every_asset_page(
    scenario,
    page,
    reader,  # noqa: F811
    client_for,
    case_fr,
    asset_fr,
):
    url = assets_url(case_fr) if page == "tab" else write_urls(case_fr, asset_fr)[page]
    client = client_for(reader(scenario))
    assert client.get(url).status_code == 404
    if page != "tab":
        assert client.post(url, asset_post()).status_code == 404
    asset_fr.refresh_from_db()
    assert asset_fr.status == AssetStatus.TRACED
    assert Asset.objects.count() == 1


@pytest.mark.parametrize("scenario", READ_ONLY)
@pytest.mark.parametrize("page", ["create", "edit", "status"])
def test_read_only_users_get_404_on_the_write_pages_and_see_no_buttons(
    scenario,
    page,
    reader,  # noqa: F811
    client_for,
    case_fr,
    asset_fr,
):
    client = client_for(reader(scenario))
    assert client.get(write_urls(case_fr, asset_fr)[page]).status_code == 404
    assert client.post(write_urls(case_fr, asset_fr)[page], status_post()).status_code == 404
    content = client.get(assets_url(case_fr)).content.decode()
    assert write_urls(case_fr, asset_fr)["create"] not in content
    assert write_urls(case_fr, asset_fr)["status"] not in content


@pytest.mark.parametrize("scenario", EDITORS)
@pytest.mark.parametrize("page", ["create", "edit", "status"])
def test_editors_open_the_asset_forms(scenario, page, reader, client_for, case_fr, asset_fr):  # noqa: F811
    response = client_for(reader(scenario)).get(write_urls(case_fr, asset_fr)[page])
    assert response.status_code == 200


def test_reading_the_assets_tab_is_an_audited_case_read(client_for, supervisor_fr, case_fr):
    before = AuditEvent.objects.filter(case=case_fr, action=AuditAction.VIEW).count()
    client_for(supervisor_fr).get(assets_url(case_fr))
    assert AuditEvent.objects.filter(case=case_fr, action=AuditAction.VIEW).count() == before + 1


def test_an_asset_of_another_case_is_404_under_this_case(client_for, officer_fr, case_fr):
    # given an asset of another French case
    from ncb_cases import services

    other = services.case_create(
        actor=officer_fr, data={"title": "Another case (test)", "offence_type": "THB"}
    )
    asset = make_asset(officer_fr, other)
    url = reverse("cases:asset_edit", args=[case_fr.public_id, asset.public_id])
    assert client_for(officer_fr).get(url).status_code == 404


# --- The tab ----------------------------------------------------------------------------------


def test_the_tab_link_shows_on_the_case(client_for, officer_fr, case_fr):
    content = client_for(officer_fr).get(reverse("cases:detail", args=[case_fr.public_id]))
    assert assets_url(case_fr) in content.content.decode()


def test_an_empty_tab_says_so_and_offers_to_add(client_for, officer_fr, case_fr):
    content = client_for(officer_fr).get(assets_url(case_fr)).content.decode()
    assert "No asset recorded yet" in content
    assert reverse("cases:asset_create", args=[case_fr.public_id]) in content


def test_the_tab_shows_the_total_its_rates_and_what_is_not_converted(
    client_for, officer_fr, case_fr
):
    # given
    valid_from = timezone.localdate() - datetime.timedelta(days=10)
    rate("USD", "0.5", valid_from=valid_from, source="ECB (test)")
    make_asset(officer_fr, case_fr, estimated_value="100.00", currency="EUR")
    make_asset(officer_fr, case_fr, estimated_value="1000.00", currency="USD")
    make_asset(
        officer_fr,
        case_fr,
        description="House in Benin City (test)",
        estimated_value="9000000",
        currency="NGN",
        silver_notice_candidate=True,
    )

    # when
    response = client_for(officer_fr).get(assets_url(case_fr))
    content = response.content.decode()

    # then
    assert response.context["total"].total == Decimal("600.00")
    assert "600.00" in content
    assert valid_from.isoformat() in content
    assert "ECB (test)" in content
    assert "not in the total" in content
    assert "not converted" in content
    assert "Silver Notice candidate" in content
    assert "1 asset is a candidate for a Silver Notice." in content


def test_the_tab_shows_the_status_history(client_for, officer_fr, case_fr, asset_fr):
    move_to(officer_fr, asset_fr, AssetStatus.CONFISCATED)
    content = client_for(officer_fr).get(assets_url(case_fr)).content.decode()
    assert "Status history: 2 changes" in content
    assert "Tribunal judiciaire de Paris (test)" in content


def test_a_victim_holder_is_shown_by_pseudonym(
    client_for, supervisor_fr, officer_fr, case_fr, victim_fr
):
    make_asset(officer_fr, case_fr, holder=victim_fr)
    content = client_for(supervisor_fr).get(assets_url(case_fr)).content.decode()
    assert "Victim V-1" in content
    assert_no_victim_identity(content)


@pytest.mark.parametrize("count", [1, 10])
def test_the_tab_reads_a_fixed_number_of_queries(
    client_for, officer_fr, case_fr, suspect_fr, django_assert_max_num_queries, count
):
    rate("USD", "0.9", valid_from=datetime.date(2026, 1, 1))
    for _ in range(count):
        asset = make_asset(officer_fr, case_fr, currency="USD", holder=suspect_fr, country="FR")
        move_to(officer_fr, asset, AssetStatus.FROZEN)
    client = client_for(officer_fr)
    with django_assert_max_num_queries(15):
        response = client.get(assets_url(case_fr))
    assert len(response.context["rows"]) == count


# --- Writing ----------------------------------------------------------------------------------


def test_an_officer_adds_an_asset(client_for, officer_fr, case_fr, suspect_fr):
    response = client_for(officer_fr).post(
        reverse("cases:asset_create", args=[case_fr.public_id]),
        asset_post(holder=str(suspect_fr.public_id), silver_notice_candidate="on"),
    )
    assert response.status_code == 302
    asset = Asset.objects.get()
    assert (asset.currency, asset.estimated_value, asset.holder) == (
        "EUR",
        Decimal("2500.00"),
        suspect_fr,
    )
    assert asset.silver_notice_candidate


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"estimated_value": "-5"}, "estimated_value"),
        ({"estimated_value": "lots"}, "estimated_value"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": ""}, "currency"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_input_shows_field_errors_and_saves_nothing(
    client_for, officer_fr, case_fr, fields, field
):
    response = client_for(officer_fr).post(
        reverse("cases:asset_create", args=[case_fr.public_id]), asset_post(**fields)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Nothing was saved" in response.content.decode()
    assert not Asset.objects.exists()


def test_an_officer_edits_an_asset(client_for, officer_fr, case_fr, asset_fr):
    response = client_for(officer_fr).post(
        write_urls(case_fr, asset_fr)["edit"],
        asset_post(
            asset_type="BANK_ACCOUNT",
            description="Account receiving the proceeds (test)",
            estimated_value="999.99",
            currency="EUR",
        ),
    )
    assert response.status_code == 302
    asset_fr.refresh_from_db()
    assert asset_fr.estimated_value == Decimal("999.99")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_public_id=asset_fr.public_id)
    assert event.details == {"fields": ["country", "estimated_value"]}


def test_the_status_form_offers_only_the_allowed_next_statuses(
    client_for, officer_fr, case_fr, asset_fr
):
    move_to(officer_fr, asset_fr, AssetStatus.FROZEN)
    form = client_for(officer_fr).get(write_urls(case_fr, asset_fr)["status"]).context["form"]
    assert [value for value, _label in form.fields["to_status"].choices] == [
        AssetStatus.SEIZED,
        AssetStatus.RETURNED,
    ]


def test_an_officer_freezes_an_asset(client_for, officer_fr, case_fr, asset_fr):
    response = client_for(officer_fr).post(write_urls(case_fr, asset_fr)["status"], status_post())
    assert response.status_code == 302
    asset_fr.refresh_from_db()
    assert asset_fr.status == AssetStatus.FROZEN
    assert AssetStatusChange.objects.get().authority == "JLD Paris (test)"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"to_status": AssetStatus.CONFISCATED}, "to_status"),
        ({"effective_on": "2999-01-01"}, "effective_on"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"authority": ""}, "authority"),
    ],
)
def test_a_bad_status_change_shows_errors_and_changes_nothing(
    client_for, officer_fr, case_fr, asset_fr, fields, field
):
    response = client_for(officer_fr).post(
        write_urls(case_fr, asset_fr)["status"], status_post(**fields)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    asset_fr.refresh_from_db()
    assert asset_fr.status == AssetStatus.TRACED
    assert not AssetStatusChange.objects.exists()


def test_a_final_status_offers_no_change(client_for, officer_fr, case_fr, asset_fr):
    move_to(officer_fr, asset_fr, AssetStatus.RETURNED)
    client = client_for(officer_fr)
    page = client.get(write_urls(case_fr, asset_fr)["status"])
    assert "This status is final" in page.content.decode()
    assert client.post(write_urls(case_fr, asset_fr)["status"], status_post()).status_code == 400
    tab = client.get(assets_url(case_fr)).content.decode()
    assert write_urls(case_fr, asset_fr)["status"] not in tab


def test_a_refused_asset_page_on_an_existing_asset_is_audited(
    client_for, officer_de, case_fr, asset_fr
):
    response = client_for(officer_de).get(write_urls(case_fr, asset_fr)["status"])
    assert response.status_code == 404
    denied = AuditEvent.objects.get(actor=officer_de, action=AuditAction.DENIED)
    assert denied.object_public_id == asset_fr.public_id
