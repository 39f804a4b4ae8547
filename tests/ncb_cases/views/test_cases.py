"""Browser pages of cases: the list, opening and editing, workflow, summary, links, audit tab.

`case_fr` is a French trafficking case opened by officer_fr (Nigeria → Libya → France, forced
labour and sexual exploitation). Each scenario of the matrix (tests/ncb_cases/views/
case_scenarios.py) names a user and how the case reached them.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ncb_cases import services
from ncb_cases.choices import AuditAction, CaseStatus, NoteKind, OffenceType
from ncb_cases.models import AuditEvent, Case, CaseLink, CaseNote
from tests.factories import CaseFactory, share_case
from tests.ncb_cases.views import case_scenarios
from tests.ncb_cases.views.case_scenarios import (
    EDITORS,
    NON_READERS,
    READ_ONLY,
    READERS,
)

pytestmark = pytest.mark.django_db

reader = case_scenarios.reader


def case_url(name, case, *args):
    return reverse(f"cases:{name}", args=[case.public_id, *args])


def form_data(**overrides):
    """A complete, valid case form as a browser posts it (four empty country rows)."""
    data = {
        "title": "Fruit pickers housed in containers near Valence",
        "summary": "Fictitious: workers recruited online, passports kept by the employer.",
        "offence_type": "THB",
        "exploitation_forms": ["FORCED_LABOUR"],
        "opened_on": timezone.localdate().isoformat(),
        "lead_officer": "",
        "confidentiality_level": "INTERPOL_RESTRICTED",
        "source_reliability": "B",
        "information_accuracy": "2",
        "retention_review_on": "",
        "h3_text": "",
        "countries-TOTAL_FORMS": "4",
        "countries-INITIAL_FORMS": "0",
        "countries-MIN_NUM_FORMS": "0",
        "countries-MAX_NUM_FORMS": "30",
    }
    for index in range(4):
        data[f"countries-{index}-country"] = ""
        data[f"countries-{index}-role"] = ""
    data.update(overrides)
    return data


def view_rows(case):
    return AuditEvent.objects.filter(case=case, action=AuditAction.VIEW).count()


# --- The list ---------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login_page_from_the_case_list(client_for):
    # when
    response = client_for(None).get(reverse("cases:list"))
    # then
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("scenario", ["srb_monitor", "user_without_ncb"])
def test_users_without_case_access_get_a_page_explaining_why_and_no_case_data(
    client_for, reader, case_fr, scenario
):
    # given
    user = reader(scenario)
    # when
    response = client_for(user).get(reverse("cases:list"))
    # then
    assert response.status_code == 403
    assert "No access to cases" in response.content.decode()
    assert case_fr.reference not in response.content.decode()


def test_officer_sees_own_and_shared_cases_but_not_other_ncbs_cases(
    client_for, officer_fr, case_fr, case_de, ncb_fr, countries
):
    # given
    italian = CaseFactory(owner_ncb=case_de.owner_ncb, title="Shared Hamburg warehouse case")
    share_case(italian, ncb_fr)
    # when
    response = client_for(officer_fr).get(reverse("cases:list"))
    # then
    references = [row.case.reference for row in response.context["rows"]]
    assert sorted(references) == sorted([case_fr.reference, italian.reference])
    assert "shared by INTERPOL Wiesbaden" in response.content.decode()


def test_list_shows_status_badges_and_countries_by_role(client_for, officer_fr, case_fr):
    # when
    page = client_for(officer_fr).get(reverse("cases:list")).content.decode()
    # then
    assert 'class="badge status status--open"' in page
    assert '<abbr title="Nigeria">NG</abbr>' in page


@pytest.mark.parametrize(("scenario", "shown"), [("owner_officer", True), ("analyst", False)])
def test_new_case_button_is_shown_only_to_those_who_may_open_cases(
    client_for, reader, scenario, shown
):
    # given
    user = reader(scenario)
    # when
    page = client_for(user).get(reverse("cases:list")).content.decode()
    # then
    assert (reverse("cases:create") in page) is shown


def test_empty_list_invites_an_officer_to_open_a_case(client_for, officer_fr):
    # when
    page = client_for(officer_fr).get(reverse("cases:list")).content.decode()
    # then
    assert "No case yet." in page
    assert "Open a case" in page


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "ARCHIVED"}, "status"),
        ({"country": "France"}, "country"),
        ({"opened_after": "2026-02-30"}, "opened_after"),
        ({"opened_after": "2026-03-01", "opened_before": "2026-01-01"}, "opened_before"),
        ({"ordering": "password"}, "ordering"),
    ],
)
def test_invalid_filters_are_shown_as_form_errors_not_a_server_error(
    client_for, officer_fr, case_fr, params, field
):
    # when
    response = client_for(officer_fr).get(reverse("cases:list"), params)
    # then
    assert response.status_code == 200
    assert field in response.context["filter_form"].errors
    assert response.context["rows"] == []
    assert "Some filters are not valid." in response.content.decode()


def test_status_filter_keeps_only_cases_in_that_status(client_for, officer_fr, case_fr, ncb_fr):
    # given
    closed = CaseFactory(owner_ncb=ncb_fr, status=CaseStatus.CLOSED, outcome="CONVICTION")
    # when
    response = client_for(officer_fr).get(reverse("cases:list"), {"status": "CLOSED"})
    # then
    assert [row.case for row in response.context["rows"]] == [closed]


def test_search_term_is_posted_and_kept_out_of_the_url(client_for, officer_fr, case_fr, ncb_fr):
    # given
    CaseFactory(owner_ncb=ncb_fr, title="Car wash in Lille")
    client = client_for(officer_fr)
    # when
    response = client.post(reverse("cases:list"), {"q": "Nail bars", "status": ["OPEN"]})
    # then
    assert response.status_code == 302
    assert "Nail" not in response.url
    assert "status=OPEN" in response.url
    listed = client.get(response.url)
    assert [row.case for row in listed.context["rows"]] == [case_fr]
    assert 'value="Nail bars"' in listed.content.decode()


def test_a_search_term_arriving_in_a_url_is_not_repeated_in_the_pages_links(
    client_for, officer_fr, case_fr
):
    # when
    response = client_for(officer_fr).get(reverse("cases:list"), {"q": "Nail bars"})
    # then
    assert [row.case for row in response.context["rows"]] == [case_fr]
    for column in response.context["columns"].values():
        assert "Nail" not in column.url
        assert "search=1" in column.url


def test_search_for_a_victims_name_does_not_reveal_the_case_to_a_reader_without_identity(
    client_for, reader, case_fr, victim_fr
):
    # given
    client = client_for(reader("shared_read"))
    # when
    response = client.get(client.post(reverse("cases:list"), {"q": "Okafor"}).url)
    # then
    assert response.context["rows"] == []


def test_clicking_a_column_header_sorts_by_it_and_clicking_again_reverses(
    client_for, officer_fr, ncb_fr
):
    # given
    for reference in ("FR-2026-000003", "FR-2026-000001", "FR-2026-000002"):
        CaseFactory(owner_ncb=ncb_fr, reference=reference)
    client = client_for(officer_fr)
    # when
    ascending = client.get(reverse("cases:list"), {"ordering": "reference"})
    descending = client.get(reverse("cases:list") + ascending.context["columns"]["reference"].url)
    # then
    assert [row.case.reference for row in ascending.context["rows"]] == [
        "FR-2026-000001",
        "FR-2026-000002",
        "FR-2026-000003",
    ]
    assert ascending.context["columns"]["reference"].aria_sort == "ascending"
    assert next(row.case.reference for row in descending.context["rows"]) == "FR-2026-000003"


def test_pages_keep_the_filters_in_their_links(client_for, officer_fr, ncb_fr):
    # given
    CaseFactory.create_batch(30, owner_ncb=ncb_fr, offence_type=OffenceType.SMUGGLING)
    # when
    response = client_for(officer_fr).get(
        reverse("cases:list"), {"offence_type": "SMUGGLING", "ordering": "title"}
    )
    # then
    assert len(response.context["rows"]) == 25
    next_url = response.context["next_url"]
    assert "offence_type=SMUGGLING" in next_url
    assert "ordering=title" in next_url
    assert "page=2" in next_url
    second = client_for(officer_fr).get(reverse("cases:list") + next_url)
    assert len(second.context["rows"]) == 5


@pytest.mark.parametrize("page_size", [5, 25])
def test_case_list_runs_a_constant_number_of_queries_whatever_the_page_size(
    client_for, officer_fr, ncb_fr, countries, django_assert_max_num_queries, page_size
):
    # given
    for case in CaseFactory.create_batch(30, owner_ncb=ncb_fr):
        services.case_update(
            actor=officer_fr,
            case=case,
            data={"countries": [("NG", "ORIGIN"), ("FR", "DESTINATION")]},
        )
    client = client_for(officer_fr)
    # when
    # session, user, officer, user + NCB (need-to-know), own and granted counts, page,
    # countries, notifications
    with django_assert_max_num_queries(10):
        response = client.get(reverse("cases:list"), {"page_size": page_size})
    # then
    assert len(response.context["rows"]) == page_size


# --- Opening a case ---------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", ["analyst", "srb_monitor", "user_without_ncb"])
def test_users_who_may_not_open_cases_get_404_for_the_new_case_form(client_for, reader, scenario):
    # given
    user = reader(scenario)
    # when
    response = client_for(user).get(reverse("cases:create"))
    # then
    assert response.status_code == 404


def test_officer_opens_a_case_with_countries_and_forms_of_exploitation(
    client_for, officer_fr, countries
):
    # given
    data = form_data(
        **{
            "exploitation_forms": ["FORCED_LABOUR", "DOMESTIC_SERVITUDE"],
            "palermo_means": ["DECEPTION"],
            "handling_codes": ["H1"],
            "countries-0-country": "NG",
            "countries-0-role": "ORIGIN",
            "countries-1-country": "IT",
            "countries-1-role": "TRANSIT",
            "countries-2-country": "FR",
            "countries-2-role": "DESTINATION",
        }
    )
    # when
    response = client_for(officer_fr).post(reverse("cases:create"), data, follow=True)
    # then
    case = Case.objects.get(title=data["title"])
    assert response.redirect_chain[-1][0] == case_url("detail", case)
    assert "is open" in response.content.decode()
    assert sorted(case.exploitation_forms.values_list("form", flat=True)) == [
        "DOMESTIC_SERVITUDE",
        "FORCED_LABOUR",
    ]
    assert sorted(case.countries.values_list("country__iso2", "role")) == [
        ("FR", "DESTINATION"),
        ("IT", "TRANSIT"),
        ("NG", "ORIGIN"),
    ]
    assert case.palermo_means == ["DECEPTION"]
    assert case.owner_ncb == officer_fr.officer.ncb


def test_service_error_is_shown_on_the_field_it_names(client_for, officer_fr):
    # given: handling code H3 needs the restriction written out (a rule of the model)
    data = form_data(handling_codes=["H3"])
    # when
    response = client_for(officer_fr).post(reverse("cases:create"), data)
    # then
    assert response.status_code == 200
    assert "h3_text" in response.context["form"].errors
    assert not Case.objects.exists()


def test_country_without_a_role_is_refused_on_its_row(client_for, officer_fr, countries):
    # given
    data = form_data(**{"countries-0-country": "NG"})
    # when
    response = client_for(officer_fr).post(reverse("cases:create"), data)
    # then
    assert response.status_code == 200
    assert "role" in response.context["form"].countries.forms[0].errors
    assert not Case.objects.exists()


def test_the_same_country_twice_in_the_same_role_is_refused(client_for, officer_fr, countries):
    # given
    data = form_data(
        **{
            "countries-0-country": "NG",
            "countries-0-role": "ORIGIN",
            "countries-1-country": "NG",
            "countries-1-role": "ORIGIN",
        }
    )
    # when
    response = client_for(officer_fr).post(reverse("cases:create"), data)
    # then
    assert response.context["form"].country_errors
    assert not Case.objects.exists()


def test_admin_of_no_ncb_opens_a_case_for_the_ncb_they_name(client_for, admin_user, ncb_de):
    # when
    client_for(admin_user).post(reverse("cases:create"), form_data(owner_ncb="DE"))
    # then
    assert Case.objects.get().owner_ncb == ncb_de


def test_admin_of_no_ncb_must_name_the_owner_ncb(client_for, admin_user, ncb_de):
    # when
    response = client_for(admin_user).post(reverse("cases:create"), form_data())
    # then
    assert "owner_ncb" in response.context["form"].errors


# --- Reading a case: every tab's permission matrix ---------------------------------------------

READ_PAGES = ("detail", "tasks", "timeline", "sharing")


@pytest.mark.parametrize("page", READ_PAGES)
@pytest.mark.parametrize("scenario", READERS)
def test_readers_see_every_tab_of_the_case(client_for, reader, case_fr, scenario, page):
    # given
    user = reader(scenario)
    # when
    response = client_for(user).get(case_url(page, case_fr))
    # then
    assert response.status_code == 200
    assert case_fr.reference in response.content.decode()


@pytest.mark.parametrize("page", [*READ_PAGES, "audit", "edit", "status", "offence_type"])
@pytest.mark.parametrize("scenario", NON_READERS)
def test_those_who_may_not_see_the_case_get_404_on_every_page(
    client_for, reader, case_fr, scenario, page
):
    # given
    user = reader(scenario)
    # when
    response = client_for(user).get(case_url(page, case_fr))
    # then
    assert response.status_code == 404
    assert case_fr.title not in response.content.decode()


@pytest.mark.parametrize("page", [*READ_PAGES, "audit", "edit"])
def test_anonymous_visitor_is_sent_to_login_from_every_case_page(client_for, case_fr, page):
    # when
    response = client_for(None).get(case_url(page, case_fr))
    # then
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_unknown_case_is_a_404(client_for, officer_fr):
    # when
    response = client_for(officer_fr).get(
        reverse("cases:detail", args=["7d6f4c9e-0000-4000-8000-000000000000"])
    )
    # then
    assert response.status_code == 404


@pytest.mark.parametrize("page", ["detail", "tasks", "timeline", "sharing", "audit"])
def test_each_tab_view_writes_exactly_one_view_audit_row(client_for, supervisor_fr, case_fr, page):
    # given
    client = client_for(supervisor_fr)
    before = view_rows(case_fr)
    # when
    client.get(case_url(page, case_fr))
    client.get(case_url(page, case_fr))
    # then
    assert view_rows(case_fr) == before + 2
    row = AuditEvent.objects.filter(case=case_fr, action=AuditAction.VIEW).first()
    assert row.actor == supervisor_fr
    assert row.ip == "127.0.0.1"


@pytest.mark.parametrize("page", ["edit", "status", "offence_type"])
def test_each_form_page_view_writes_exactly_one_view_audit_row(
    client_for, officer_fr, case_fr, page
):
    # given
    before = view_rows(case_fr)
    # when
    client_for(officer_fr).get(case_url(page, case_fr))
    # then
    assert view_rows(case_fr) == before + 1


def test_a_read_only_reader_asking_for_an_edit_form_leaves_no_view_row(
    client_for, analyst_fr, case_fr
):
    # given
    before = view_rows(case_fr)
    # when
    response = client_for(analyst_fr).get(case_url("edit", case_fr))
    # then
    assert response.status_code == 404
    assert view_rows(case_fr) == before


def test_summary_shows_all_the_facts_of_the_case(client_for, officer_fr, case_fr):
    # given
    services.case_update(
        actor=officer_fr,
        case=case_fr,
        data={
            "handling_codes": ["H2"],
            "palermo_acts": ["RECRUITMENT"],
            "lead_officer": officer_fr,
        },
    )
    # when
    response = client_for(officer_fr).get(case_url("detail", case_fr))
    # then
    page = response.content.decode()
    for text in (
        case_fr.title,
        "Fictitious: women recruited in Benin City",
        "Trafficking in human beings",
        "Forced labour",
        "Sexual exploitation",
        "Nigeria",
        "Libya",
        "H2 — no onward dissemination without permission",
        "Recruitment",
        "INTERPOL restricted",
        "Test OFFICER_FR",
    ):
        assert text in page, text
    countries = {
        label: [country.iso2 for country in items]
        for label, items in response.context["countries_by_role"]
    }
    assert countries == {"Origin": ["NG"], "Transit": ["LY"], "Destination": ["FR"]}


@pytest.mark.parametrize(
    ("scenario", "shown"), [(s, True) for s in EDITORS] + [(s, False) for s in READ_ONLY]
)
def test_edit_buttons_are_shown_only_to_those_who_may_change_the_case(
    client_for, reader, case_fr, scenario, shown
):
    # given
    user = reader(scenario)
    # when
    page = client_for(user).get(case_url("detail", case_fr)).content.decode()
    # then
    assert (case_url("edit", case_fr) in page) is shown
    assert (case_url("status", case_fr) in page) is shown


def test_a_shared_reader_sees_until_when_and_why_the_case_is_shared_with_them(
    client_for, reader, case_fr
):
    # when
    page = client_for(reader("shared_read")).get(case_url("detail", case_fr)).content.decode()
    # then
    assert "Shared with INTERPOL Wiesbaden to read until" in page
    assert "Fictitious joint investigation (test)" in page


@pytest.mark.parametrize("links", [1, 10])
def test_summary_runs_a_constant_number_of_queries(
    client_for, officer_fr, case_fr, ncb_fr, links, django_assert_max_num_queries
):
    # given
    for _index in range(links):
        services.case_link_create(
            actor=officer_fr, from_case=case_fr, to_case=CaseFactory(owner_ncb=ncb_fr)
        )
    client = client_for(officer_fr)
    # when
    with django_assert_max_num_queries(15):
        response = client.get(case_url("detail", case_fr))
    # then
    assert len(response.context["links"]) == links


# --- Editing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", EDITORS)
def test_editors_get_the_edit_form_filled_in(client_for, reader, case_fr, scenario):
    # given
    user = reader(scenario)
    # when
    response = client_for(user).get(case_url("edit", case_fr))
    # then
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == case_fr.title
    assert form.initial["countries"] == [
        {"country": "NG", "role": "ORIGIN"},
        {"country": "LY", "role": "TRANSIT"},
        {"country": "FR", "role": "DESTINATION"},
    ]


@pytest.mark.parametrize("page", ["edit", "status", "offence_type"])
@pytest.mark.parametrize("scenario", READ_ONLY)
def test_read_only_readers_get_404_on_write_pages_and_posts(
    client_for, reader, case_fr, scenario, page
):
    # given
    client = client_for(reader(scenario))
    # when
    got = client.get(case_url(page, case_fr))
    posted = client.post(case_url(page, case_fr), {"offence_type": "SMUGGLING"})
    # then
    assert got.status_code == 404
    assert posted.status_code == 404
    case_fr.refresh_from_db()
    assert case_fr.offence_type == OffenceType.THB


def edit_data_for(client, case, **changes):
    """The edit form as the browser would post it back, with `changes` applied."""
    form = client.get(case_url("edit", case)).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, list):
            data[name] = value
        elif value is None:
            data[name] = ""
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    management = form.countries.management_form
    for name in management.fields:
        data[f"countries-{name}"] = str(management.initial.get(name, ""))
    for index, row in enumerate(form.countries.forms):
        data[f"countries-{index}-country"] = row.initial.get("country", "")
        data[f"countries-{index}-role"] = row.initial.get("role", "")
    data.update(changes)
    return data


@pytest.mark.parametrize("scenario", EDITORS)
def test_editors_save_a_change_and_only_the_changed_fields_are_audited(
    client_for, reader, case_fr, scenario
):
    # given
    client = client_for(reader(scenario))
    data = edit_data_for(client, case_fr, title="Nail bars in Lyon and Grenoble")
    # when
    response = client.post(case_url("edit", case_fr), data)
    # then
    assert response.status_code == 302
    assert response.url == case_url("detail", case_fr)
    case_fr.refresh_from_db()
    assert case_fr.title == "Nail bars in Lyon and Grenoble"
    update = AuditEvent.objects.filter(case=case_fr, action=AuditAction.UPDATE).get()
    assert update.details == {"fields": ["title"]}


def test_changing_the_countries_replaces_them(client_for, officer_fr, case_fr):
    # given
    client = client_for(officer_fr)
    data = edit_data_for(
        client,
        case_fr,
        **{"countries-0-country": "", "countries-0-role": "", "countries-3-country": "IT"},
        **{"countries-3-role": "TRANSIT"},
    )
    # when
    client.post(case_url("edit", case_fr), data)
    # then
    assert sorted(case_fr.countries.values_list("country__iso2", "role")) == [
        ("FR", "DESTINATION"),
        ("IT", "TRANSIT"),
        ("LY", "TRANSIT"),
    ]


def test_saving_an_unchanged_form_writes_nothing(client_for, officer_fr, case_fr):
    # given
    client = client_for(officer_fr)
    data = edit_data_for(client, case_fr)
    # when
    response = client.post(case_url("edit", case_fr), data, follow=True)
    # then
    assert "Nothing was changed." in response.content.decode()
    assert not AuditEvent.objects.filter(case=case_fr, action=AuditAction.UPDATE).exists()


def test_a_future_opening_date_is_refused_on_its_field(client_for, officer_fr, case_fr):
    # given
    client = client_for(officer_fr)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    # when
    response = client.post(
        case_url("edit", case_fr), edit_data_for(client, case_fr, opened_on=tomorrow)
    )
    # then
    assert response.status_code == 200
    assert "opened_on" in response.context["form"].errors


# --- Status and offence type ------------------------------------------------------------------


def test_status_form_offers_only_the_allowed_next_statuses(client_for, officer_fr, case_fr):
    # when
    form = client_for(officer_fr).get(case_url("status", case_fr)).context["form"]
    # then
    assert [value for value, _label in form.fields["status"].choices] == [
        "UNDER_INVESTIGATION",
        "CLOSED",
    ]


def test_closing_a_case_needs_its_outcome(client_for, officer_fr, case_fr):
    # when
    response = client_for(officer_fr).post(case_url("status", case_fr), {"status": "CLOSED"})
    # then
    assert response.status_code == 200
    assert "outcome" in response.context["form"].errors
    case_fr.refresh_from_db()
    assert case_fr.status == CaseStatus.OPEN


def test_officer_closes_a_case_with_its_outcome(client_for, officer_fr, case_fr):
    # when
    response = client_for(officer_fr).post(
        case_url("status", case_fr), {"status": "CLOSED", "outcome": "CONVICTION"}, follow=True
    )
    # then
    case_fr.refresh_from_db()
    assert (case_fr.status, case_fr.outcome) == (CaseStatus.CLOSED, "CONVICTION")
    assert "is now “Closed”" in response.content.decode()


def test_officer_is_not_offered_reopening_and_cannot_post_it(client_for, officer_fr, case_fr):
    # given
    services.case_change_status(
        actor=officer_fr, case=case_fr, status="CLOSED", outcome="NO_FURTHER_ACTION"
    )
    client = client_for(officer_fr)
    # when
    page = client.get(case_url("status", case_fr))
    posted = client.post(case_url("status", case_fr), {"status": "REOPENED", "reason": "New lead"})
    # then
    assert not page.context["form"].has_choices
    assert "Only a supervisor" in page.content.decode()
    assert "status" in posted.context["form"].errors
    case_fr.refresh_from_db()
    assert case_fr.status == CaseStatus.CLOSED


def test_supervisor_reopens_a_case_only_with_a_reason(
    client_for, officer_fr, supervisor_fr, case_fr
):
    # given
    services.case_change_status(
        actor=officer_fr, case=case_fr, status="CLOSED", outcome="NO_FURTHER_ACTION"
    )
    client = client_for(supervisor_fr)
    # when
    without = client.post(case_url("status", case_fr), {"status": "REOPENED"})
    with_reason = client.post(
        case_url("status", case_fr), {"status": "REOPENED", "reason": "A victim came forward."}
    )
    # then
    assert "reason" in without.context["form"].errors
    assert with_reason.status_code == 302
    case_fr.refresh_from_db()
    assert case_fr.status == CaseStatus.REOPENED
    assert "A victim came forward." in CaseNote.objects.filter(case=case_fr).first().text


def test_requalifying_a_case_puts_the_change_and_its_reason_on_the_timeline(
    client_for, officer_de, case_de
):
    # when
    response = client_for(officer_de).post(
        case_url("offence_type", case_de),
        {"offence_type": "THB", "reason": "Debt bondage found on site."},
    )
    # then
    assert response.status_code == 302
    case_de.refresh_from_db()
    assert case_de.offence_type == OffenceType.THB
    note = CaseNote.objects.filter(case=case_de, kind=NoteKind.OFFENCE_TYPE_CHANGE).get()
    assert "Debt bondage found on site." in note.text


def test_unknown_offence_type_is_a_form_error(client_for, officer_fr, case_fr):
    # when
    response = client_for(officer_fr).post(
        case_url("offence_type", case_fr), {"offence_type": "PIRACY"}
    )
    # then
    assert "offence_type" in response.context["form"].errors


# --- Related cases ----------------------------------------------------------------------------


def test_editor_links_a_case_they_may_see_by_its_reference(
    client_for, officer_fr, case_fr, ncb_fr
):
    # given
    other = CaseFactory(owner_ncb=ncb_fr, title="Second nail bar")
    # when
    response = client_for(officer_fr).post(
        case_url("link_create", case_fr),
        {"link-to_reference": other.reference.lower(), "link-link_type": "SAME_NETWORK"},
        follow=True,
    )
    # then
    page = response.content.decode()
    assert f"now linked to {other.reference}" in page
    assert response.context["links"][0].other_case == other


def test_linking_a_case_the_user_may_not_see_says_no_such_case(
    client_for, officer_fr, case_fr, case_de
):
    # when
    response = client_for(officer_fr).post(
        case_url("link_create", case_fr),
        {"link-to_reference": case_de.reference, "link-link_type": "RELATED"},
    )
    # then
    assert response.status_code == 200
    assert "to_reference" in response.context["link_form"].errors


def test_editor_removes_a_link(client_for, officer_fr, case_fr, ncb_fr):
    # given
    other = CaseFactory(owner_ncb=ncb_fr)
    link = services.case_link_create(actor=officer_fr, from_case=case_fr, to_case=other)
    # when
    response = client_for(officer_fr).post(case_url("link_remove", case_fr, link.public_id))
    # then
    assert response.status_code == 302
    assert not CaseLink.objects.filter(pk=link.pk).exists()
    assert client_for(officer_fr).get(case_url("detail", case_fr)).context["links"] == []


@pytest.mark.parametrize("scenario", READ_ONLY)
def test_read_only_readers_cannot_link_cases(client_for, reader, case_fr, ncb_fr, scenario):
    # given
    other = CaseFactory(owner_ncb=ncb_fr)
    # when
    response = client_for(reader(scenario)).post(
        case_url("link_create", case_fr),
        {"link-to_reference": other.reference, "link-link_type": "RELATED"},
    )
    # then
    assert response.status_code == 404


# --- The audit tab ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scenario", ["shared_read", "shared_read_write", "analyst", "owner_officer"]
)
def test_only_supervisors_and_admins_open_the_audit_tab(client_for, reader, case_fr, scenario):
    # when
    response = client_for(reader(scenario)).get(case_url("audit", case_fr))
    # then
    assert response.status_code == 404


def test_owner_supervisor_reads_the_whole_trail_of_the_case(
    client_for, supervisor_fr, officer_fr, reader, case_fr
):
    # given
    officer_de = reader("shared_read")
    client_for(officer_de).get(case_url("detail", case_fr))
    # when
    response = client_for(supervisor_fr).get(case_url("audit", case_fr))
    # then
    actors = {event.actor for event in response.context["page"]}
    assert {officer_fr, officer_de, supervisor_fr} <= actors
    assert response.context["full_trail"] is True


def test_audit_tab_is_paginated(client_for, supervisor_fr, officer_fr, case_fr):
    # given
    client = client_for(officer_fr)
    for _index in range(55):
        client.get(case_url("detail", case_fr))
    # when
    response = client_for(supervisor_fr).get(case_url("audit", case_fr))
    # then
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.num_pages == 2
