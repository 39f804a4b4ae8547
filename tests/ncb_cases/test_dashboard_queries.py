"""The dashboard costs the same number of queries with one row per panel as with many, for
each kind of user (officer, supervisor, SRB monitor)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.choices import ContactRole
from messages_hst.choices import MessageStatus
from ncb_cases import services
from tests.factories import CaseFactory, ContactPointFactory, NcbFactory, country, share_case
from tests.messages_hst.factories import HSTMessageFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard")


def fill(count, *, ncb_fr, ncb_de, officer_fr, supervisor_fr):
    """`count` rows in every panel of France's dashboards."""
    old = timezone.now() - datetime.timedelta(days=400)
    for index in range(count):
        case = CaseFactory(owner_ncb=ncb_fr)
        services.task_create(
            actor=supervisor_fr,
            case=case,
            title=f"Task {index}",
            assignee=officer_fr,
            due_on=timezone.localdate() - datetime.timedelta(days=1),
        )
        share_case(case, ncb_de, expires_at=timezone.now() + datetime.timedelta(days=5))
        HSTMessageFactory(
            sender_ncb=ncb_fr,
            created_by=officer_fr,
            status=MessageStatus.PENDING_APPROVAL,
            submitted_by=officer_fr,
            submitted_at=timezone.now(),
        )
        HSTMessageFactory(
            sender_ncb=ncb_fr,
            created_by=officer_fr,
            status=MessageStatus.DRAFT,
            returned_by=supervisor_fr,
            returned_at=timezone.now(),
        )
        neighbour = NcbFactory(country=country(["IT", "ES", "NG", "TH", "BR", "LY"][index % 6]))
        ContactPointFactory(ncb=neighbour, role=ContactRole.PRIMARY, last_verified_at=old)
    ContactPointFactory(ncb=ncb_fr, role=ContactRole.PRIMARY, last_verified_at=old)


@pytest.mark.parametrize("count", [1, 6])
def test_officer_dashboard_queries_do_not_grow_with_rows(
    client_for, officer_fr, supervisor_fr, ncb_fr, ncb_de, count, django_assert_max_num_queries
):
    # given
    fill(count, ncb_fr=ncb_fr, ncb_de=ncb_de, officer_fr=officer_fr, supervisor_fr=supervisor_fr)
    client = client_for(officer_fr)
    # when
    with django_assert_max_num_queries(15):
        response = client.get(DASHBOARD)
    # then
    assert response.context["open_cases"].count == count
    assert len(response.context["open_tasks"]) == count


@pytest.mark.parametrize("count", [1, 6])
def test_supervisor_dashboard_queries_do_not_grow_with_rows(
    client_for, officer_fr, supervisor_fr, ncb_fr, ncb_de, count, django_assert_max_num_queries
):
    # given
    fill(count, ncb_fr=ncb_fr, ncb_de=ncb_de, officer_fr=officer_fr, supervisor_fr=supervisor_fr)
    client = client_for(supervisor_fr)
    # when (the officer's, plus messages to approve, the region's contact counts and the
    # retention review count)
    with django_assert_max_num_queries(19):
        response = client.get(DASHBOARD)
    # then
    assert response.context["region_contacts"].ncbs >= 2
    assert "To approve (four eyes)" in response.content.decode()


@pytest.mark.parametrize("count", [1, 6])
def test_srb_monitor_dashboard_queries_do_not_grow_with_rows(
    client_for,
    srb_europe,
    officer_fr,
    supervisor_fr,
    ncb_fr,
    ncb_de,
    count,
    django_assert_max_num_queries,
):
    # given
    fill(count, ncb_fr=ncb_fr, ncb_de=ncb_de, officer_fr=officer_fr, supervisor_fr=supervisor_fr)
    client = client_for(srb_europe)
    # when (the region's headline panel is six queries of its own)
    with django_assert_max_num_queries(13):
        response = client.get(DASHBOARD)
    # then
    assert response.context["reads_cases"] is False
    assert "European Regional Bureau (RB-EUR)" in response.content.decode()
