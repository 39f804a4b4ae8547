"""The sharing tab: shares with other NCBs (list, share, revoke) and victim-identity grants."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.choices import OfficerRole
from ncb_cases import services
from ncb_cases.choices import AuditAction, ShareAccess
from ncb_cases.models import AuditEvent, CaseShare
from ncb_cases.selectors import victim_identity_permitted
from tests.factories import CountryFactory, NcbFactory, officer_user, share_case
from tests.ncb_cases.views import case_scenarios
from tests.ncb_cases.views.case_scenarios import NOT_SHARERS, READERS, SHARERS

pytestmark = pytest.mark.django_db

reader = case_scenarios.reader


def case_url(name, case, *args):
    return reverse(f"cases:{name}", args=[case.public_id, *args])


def in_days(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def share_data(**overrides):
    data = {
        "share-recipient_ncb": "DE",
        "share-access": "READ",
        "share-purpose": "Joint investigation team JIT-7 (fictitious)",
        "share-expires_on": in_days(30),
    }
    data.update(overrides)
    return data


@pytest.fixture
def ncb_it(srb_europe_bureau):
    country = CountryFactory(
        iso2="IT", iso3="ITA", name="Italy", capital="Rome", sub_regional_bureau=srb_europe_bureau
    )
    return NcbFactory(country=country, name="INTERPOL Rome")


# --- Reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", READERS)
def test_readers_see_the_sharing_tab(client_for, reader, case_fr, scenario):
    # when
    response = client_for(reader(scenario)).get(case_url("sharing", case_fr))
    # then
    assert response.status_code == 200


def test_owner_ncb_sees_every_share_and_recipient_only_its_own(
    client_for, reader, officer_fr, case_fr, ncb_it
):
    # given
    officer_de = reader("shared_read")
    share_case(case_fr, ncb_it)
    # when
    owner_view = client_for(officer_fr).get(case_url("sharing", case_fr))
    recipient_view = client_for(officer_de).get(case_url("sharing", case_fr))
    # then
    assert {share.recipient_ncb.code for share in owner_view.context["active_shares"]} == {
        "DE",
        "IT",
    }
    assert [share.recipient_ncb.code for share in recipient_view.context["active_shares"]] == [
        "DE"
    ]
    assert "INTERPOL Rome" not in recipient_view.content.decode()


@pytest.mark.parametrize(
    ("scenario", "manages"), [(s, True) for s in SHARERS] + [(s, False) for s in READERS[:4]]
)
def test_share_form_and_identity_grants_are_shown_only_to_owner_supervisors_and_admins(
    client_for, reader, case_fr, scenario, manages
):
    # when
    response = client_for(reader(scenario)).get(case_url("sharing", case_fr))
    # then
    assert (response.context["share_form"] is not None) is manages
    assert (response.context["grant_form"] is not None) is manages
    assert (case_url("share_create", case_fr) in response.content.decode()) is manages


def test_ended_shares_are_kept_as_history(client_for, supervisor_fr, case_fr, ncb_de):
    # given
    share_case(case_fr, ncb_de, revoked=True)
    # when
    response = client_for(supervisor_fr).get(case_url("sharing", case_fr))
    # then
    assert response.context["active_shares"] == []
    assert len(response.context["ended_shares"]) == 1
    assert "1 ended share" in response.content.decode()


def test_the_share_form_never_offers_the_owner_ncb(client_for, supervisor_fr, case_fr, ncb_de):
    # when
    form = client_for(supervisor_fr).get(case_url("sharing", case_fr)).context["share_form"]
    # then
    assert [ncb.code for ncb in form.fields["recipient_ncb"].queryset] == ["DE"]


# --- Sharing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SHARERS)
def test_owner_supervisor_and_admin_share_the_case(client_for, reader, case_fr, ncb_de, scenario):
    # when
    response = client_for(reader(scenario)).post(
        case_url("share_create", case_fr),
        share_data(**{"share-access": "READ_WRITE"}),
        follow=True,
    )
    # then
    share = CaseShare.objects.get(case=case_fr)
    assert (share.recipient_ncb, share.access) == (ncb_de, ShareAccess.READ_WRITE)
    assert timezone.localtime(share.expires_at).date().isoformat() == in_days(30)
    assert "can now read and change case" in response.content.decode()
    assert AuditEvent.objects.filter(case=case_fr, action=AuditAction.SHARE).count() == 1


@pytest.mark.parametrize("scenario", NOT_SHARERS)
def test_nobody_else_may_share_the_case(client_for, reader, case_fr, ncb_de, scenario):
    # given
    user = reader(scenario)
    shares_before = list(CaseShare.objects.values_list("pk", "access", "purpose"))
    # when
    response = client_for(user).post(
        case_url("share_create", case_fr), share_data(**{"share-access": "READ_WRITE"})
    )
    # then
    assert response.status_code == 404
    assert list(CaseShare.objects.values_list("pk", "access", "purpose")) == shares_before


def test_anonymous_post_is_sent_to_login(client_for, case_fr, ncb_de):
    # when
    response = client_for(None).post(case_url("share_create", case_fr), share_data())
    # then
    assert response.status_code == 302
    assert not CaseShare.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"share-purpose": "  "}, "purpose"),
        ({"share-expires_on": in_days(-1)}, "expires_on"),
        ({"share-expires_on": in_days(400)}, "expires_on"),
        ({"share-recipient_ncb": "FR"}, "recipient_ncb"),
        ({"share-access": "ADMIN"}, "access"),
    ],
)
def test_a_bad_share_is_refused_on_the_field_it_concerns(
    client_for, supervisor_fr, case_fr, ncb_de, overrides, field
):
    # when
    response = client_for(supervisor_fr).post(
        case_url("share_create", case_fr), share_data(**overrides)
    )
    # then
    assert response.status_code == 200
    assert field in response.context["share_form"].errors
    assert response.context["open_share_dialog"] is True
    assert not CaseShare.objects.exists()


def test_owner_supervisor_revokes_a_share_and_the_recipient_loses_the_case_at_once(
    client_for, supervisor_fr, reader, case_fr
):
    # given
    officer_de = reader("shared_read")
    share = CaseShare.objects.get(case=case_fr)
    # when
    response = client_for(supervisor_fr).post(
        case_url("share_revoke", case_fr, share.public_id), follow=True
    )
    # then
    assert "is revoked" in response.content.decode()
    assert client_for(officer_de).get(case_url("detail", case_fr)).status_code == 404


@pytest.mark.parametrize("scenario", ["shared_read_write", "owner_officer", "analyst"])
def test_nobody_else_may_revoke_a_share(client_for, reader, case_fr, ncb_de, scenario):
    # given
    user = reader(scenario)
    share = CaseShare.objects.filter(case=case_fr).first() or share_case(case_fr, ncb_de)
    # when
    response = client_for(user).post(case_url("share_revoke", case_fr, share.public_id))
    # then
    assert response.status_code == 404
    share.refresh_from_db()
    assert share.revoked_at is None


def test_revoking_an_ended_share_says_so(client_for, supervisor_fr, case_fr, ncb_de):
    # given
    share = share_case(case_fr, ncb_de, revoked=True)
    # when
    response = client_for(supervisor_fr).post(
        case_url("share_revoke", case_fr, share.public_id), follow=True
    )
    # then
    assert "already ended" in response.content.decode()


def test_a_share_of_another_case_is_a_404_under_this_case(
    client_for, supervisor_fr, officer_fr, case_fr, ncb_de
):
    # given
    other = services.case_create(actor=officer_fr, data={"title": "Other French case"})
    share = share_case(other, ncb_de)
    # when
    response = client_for(supervisor_fr).post(case_url("share_revoke", case_fr, share.public_id))
    # then
    assert response.status_code == 404


# --- Victim identity --------------------------------------------------------------------------


def test_owner_supervisor_grants_victim_identity_to_a_colleague(
    client_for, supervisor_fr, analyst_fr, case_fr
):
    # when
    response = client_for(supervisor_fr).post(
        case_url("identity_grant", case_fr), {"identity-user": analyst_fr.pk}, follow=True
    )
    # then
    assert "may now reveal the identity" in response.content.decode()
    assert victim_identity_permitted(user=analyst_fr, case=case_fr)
    assert analyst_fr in response.context["identity_holders"]


def test_colleagues_of_an_ncb_the_case_is_shared_with_are_offered_for_the_grant(
    client_for, supervisor_fr, reader, case_fr
):
    # given
    officer_de = reader("shared_read")
    # when
    form = client_for(supervisor_fr).get(case_url("sharing", case_fr)).context["grant_form"]
    # then
    candidates = set(form.fields["user"].queryset)
    assert officer_de in candidates
    # the creator of the case already holds it
    assert case_fr.created_by not in candidates


def test_someone_who_may_not_see_the_case_cannot_be_granted(
    client_for, supervisor_fr, officer_de, case_fr
):
    # when
    response = client_for(supervisor_fr).post(
        case_url("identity_grant", case_fr), {"identity-user": officer_de.pk}
    )
    # then
    assert response.status_code == 200
    assert "user" in response.context["grant_form"].errors
    assert not victim_identity_permitted(user=officer_de, case=case_fr)


def test_owner_supervisor_withdraws_a_grant(client_for, supervisor_fr, officer_fr, case_fr):
    # given: officer_fr opened the case, so holds the grant
    assert victim_identity_permitted(user=officer_fr, case=case_fr)
    # when
    response = client_for(supervisor_fr).post(
        case_url("identity_revoke", case_fr), {"user": officer_fr.pk}, follow=True
    )
    # then
    assert "may no longer reveal" in response.content.decode()
    assert not victim_identity_permitted(user=officer_fr, case=case_fr)


@pytest.mark.parametrize("scenario", ["owner_officer", "analyst", "shared_read_write"])
def test_nobody_else_may_grant_or_withdraw_victim_identity(
    client_for, reader, supervisor_fr, officer_fr, case_fr, scenario
):
    # given
    client = client_for(reader(scenario))
    # when
    granted = client.post(case_url("identity_grant", case_fr), {"identity-user": supervisor_fr.pk})
    withdrawn = client.post(case_url("identity_revoke", case_fr), {"user": officer_fr.pk})
    # then
    assert (granted.status_code, withdrawn.status_code) == (404, 404)
    assert not victim_identity_permitted(user=supervisor_fr, case=case_fr)
    assert victim_identity_permitted(user=officer_fr, case=case_fr)


def test_another_supervisor_of_a_recipient_ncb_may_not_grant(
    client_for, reader, ncb_de, case_fr, analyst_fr
):
    # given
    reader("shared_read_write")
    supervisor_de = officer_user("supervisor_de_grant", ncb_de, OfficerRole.SUPERVISOR)
    # when
    response = client_for(supervisor_de).post(
        case_url("identity_grant", case_fr), {"identity-user": analyst_fr.pk}
    )
    # then
    assert response.status_code == 404


@pytest.mark.parametrize("shares", [1, 8])
def test_sharing_tab_runs_a_constant_number_of_queries(
    client_for, supervisor_fr, case_fr, srb_europe_bureau, shares, django_assert_max_num_queries
):
    # given
    for index in range(shares):
        letters = "Q" + chr(ord("A") + index)
        country = CountryFactory(
            iso2=letters, iso3="X" + letters, name=f"Testland {index}", capital=f"City {index}"
        )
        share_case(case_fr, NcbFactory(country=country))
    client = client_for(supervisor_fr)
    # when
    with django_assert_max_num_queries(16):
        response = client.get(case_url("sharing", case_fr))
    # then
    assert len(response.context["active_shares"]) == shares
