"""The tracker's pages: the table, its CSV, the review form and the country page panel."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.choices import LegislationStatus
from contacts.models import CountryLegislation
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.contacts.legislation.factories import CountryLegislationFactory, days_ago, other_country

pytestmark = pytest.mark.django_db

TABLE = reverse("contacts:legislation")
EXPORT = reverse("contacts:legislation_export_csv")


def edit_url(iso2):
    return reverse("contacts:legislation_edit", kwargs={"iso2": iso2})


def review_form(**overrides):
    data = {
        "assistance_punishable": "YES",
        "incitement_punishable": "PARTIAL",
        "asset_seizure": "YES",
        "asset_confiscation": "NO",
        "source_reference": "Penal Code (fictitious), art. 225-4-1",
        "source_url": "https://legislation.example.test/code",
        "notes": "",
        "reviewed_on": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return data


# --- The table -------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login(client_for):
    # when
    response = client_for(None).get(TABLE)
    # then
    assert response.status_code == 302


def test_user_of_no_ncb_is_told_whom_to_ask(client_for, user_without_ncb):
    # when
    response = client_for(user_without_ncb).get(TABLE)
    # then
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["officer_de", "srb_europe", "analyst_fr"])
def test_every_member_reads_the_table_with_the_asks_as_columns(client_for, request, who, ncb_fr):
    # given
    CountryLegislationFactory(country=ncb_fr.country, source_reference="Code pénal (fictif)")
    # when
    response = client_for(request.getfixturevalue(who)).get(TABLE)
    # then
    page = response.content.decode()
    assert response.status_code == 200
    for column in ("Assistance to THB punishable", "Confiscation of THB assets"):
        assert column in page
    assert "Code pénal (fictif)" in page


def test_countries_never_reviewed_and_stale_reviews_are_flagged(client_for, officer_fr, ncb_fr):
    # given
    CountryLegislationFactory(
        country=ncb_fr.country,
        last_reviewed_on=days_ago(800),
    )
    other_country("NG", "Nigeria")
    # when
    response = client_for(officer_fr).get(TABLE)
    # then
    rows = {row.country.iso2: row for row in response.context["rows"]}
    assert rows["FR"].is_stale is True
    assert rows["NG"].legislation is None
    page = response.content.decode()
    assert "older than two years" in page
    assert "never reviewed" in page


def test_the_table_filters_by_bureau_and_shows_coverage_of_the_filtered_countries(
    client_for, officer_fr, ncb_fr, ncb_de
):
    # given
    CountryLegislationFactory(country=ncb_fr.country, asset_seizure=LegislationStatus.NO)
    other_country("NG", "Nigeria")
    # when
    response = client_for(officer_fr).get(TABLE, {"sub_regional_bureau": "RB-EUR"})
    # then
    assert [row.country.iso2 for row in response.context["rows"]] == ["FR", "DE"]
    assert response.context["coverage"].countries == 2
    assert response.context["coverage"].ask("asset_seizure").counts["NO"] == 1


def test_a_filter_matching_nothing_says_how_to_widen_it(client_for, officer_fr, ncb_fr):
    # when
    response = client_for(officer_fr).get(TABLE, {"q": "Atlantis"})
    # then
    assert "No country matches these filters." in response.content.decode()


def test_review_links_appear_only_for_the_countrys_supervisors(
    client_for, supervisor_fr, officer_fr, ncb_fr, ncb_de
):
    # when
    supervisor_page = client_for(supervisor_fr).get(TABLE).content.decode()
    officer_page = client_for(officer_fr).get(TABLE).content.decode()
    # then
    assert edit_url("FR") in supervisor_page
    assert edit_url("DE") not in supervisor_page
    assert edit_url("FR") not in officer_page


@pytest.mark.parametrize("extra", [1, 12])
def test_the_table_runs_a_constant_number_of_queries(
    client_for, supervisor_fr, ncb_fr, extra, django_assert_max_num_queries
):
    # given
    for index in range(extra):
        country = other_country(f"Q{chr(65 + index)}", f"Testland {index} (fictitious)")
        CountryLegislationFactory(country=country)
    client = client_for(supervisor_fr)
    # when (session, user, membership, the region's code, coverage, rows, the review rule's
    # NCB, notifications badge, the filter form's two lists)
    with django_assert_max_num_queries(10):
        response = client.get(TABLE, {"region": "EU"})
    # then
    assert len(response.context["rows"]) == extra + 1


def test_the_csv_export_has_the_filtered_countries_and_defuses_formulas(
    client_for, officer_fr, ncb_fr, ncb_de
):
    # given
    CountryLegislationFactory(
        country=ncb_fr.country, source_reference="=HYPERLINK(1)", notes="Demo note"
    )
    other_country("NG", "Nigeria")
    # when
    response = client_for(officer_fr).get(EXPORT, {"sub_regional_bureau": "RB-EUR"})
    # then
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Country", "ISO code", "Region", "Sub-regional bureau", rows[0][4]]
    assert [row[1] for row in rows[1:]] == ["FR", "DE"]
    france = rows[1]
    assert "'=HYPERLINK(1)" in france
    assert "never reviewed" in rows[2]


# --- The review form ------------------------------------------------------------------------


def test_supervisor_records_a_review_and_returns_to_the_country_page(
    client_for, supervisor_fr, ncb_fr
):
    # when
    response = client_for(supervisor_fr).post(edit_url("fr"), review_form())
    # then
    assert response.status_code == 302
    assert response.url == reverse("contacts:country", kwargs={"iso2": "FR"})
    legislation = CountryLegislation.objects.get(country=ncb_fr.country)
    assert legislation.incitement_punishable == LegislationStatus.PARTIAL
    assert AuditEvent.objects.filter(action=AuditAction.CREATE).count() == 1


def test_the_form_is_filled_with_the_review_on_record(client_for, supervisor_fr, ncb_fr):
    # given
    CountryLegislationFactory(country=ncb_fr.country, asset_seizure=LegislationStatus.NO)
    # when
    form = client_for(supervisor_fr).get(edit_url("FR")).context["form"]
    # then
    assert form.initial["asset_seizure"] == LegislationStatus.NO
    assert form["reviewed_on"].value() == timezone.localdate()


def test_a_yes_without_source_and_a_future_date_are_shown_on_their_fields(
    client_for, supervisor_fr, ncb_fr
):
    # given
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    # when
    response = client_for(supervisor_fr).post(
        edit_url("FR"), review_form(source_reference="", reviewed_on=tomorrow)
    )
    # then
    assert response.status_code == 200
    form = response.context["form"]
    assert "source_reference" in form.errors
    assert "reviewed_on" in form.errors
    assert "Nothing was saved" in response.content.decode()
    assert not CountryLegislation.objects.exists()


def test_an_answer_outside_the_list_is_refused(client_for, supervisor_fr, ncb_fr):
    # when
    response = client_for(supervisor_fr).post(edit_url("FR"), review_form(asset_seizure="MAYBE"))
    # then
    assert "asset_seizure" in response.context["form"].errors
    assert not CountryLegislation.objects.exists()


@pytest.mark.parametrize("who", ["officer_fr", "analyst_fr", "srb_europe", "supervisor_de"])
def test_others_get_404_for_frances_review_page(client_for, request, who, ncb_fr):
    # given
    client = client_for(request.getfixturevalue(who))
    # when
    get = client.get(edit_url("FR"))
    post = client.post(edit_url("FR"), review_form())
    # then
    assert get.status_code == 404
    assert post.status_code == 404
    assert not CountryLegislation.objects.exists()


def test_an_unknown_country_is_404_like_a_forbidden_one(client_for, admin_user, ncb_fr):
    # when
    response = client_for(admin_user).get(edit_url("ZZ"))
    # then
    assert response.status_code == 404


def test_an_instance_admin_reviews_any_country(client_for, admin_user, ncb_de):
    # when
    response = client_for(admin_user).post(edit_url("DE"), review_form())
    # then
    assert response.status_code == 302
    assert CountryLegislation.objects.get().reviewed_by == admin_user


# --- The country page -----------------------------------------------------------------------


def test_the_country_page_shows_the_review_and_its_source(client_for, officer_de, ncb_fr):
    # given
    CountryLegislationFactory(
        country=ncb_fr.country,
        incitement_punishable=LegislationStatus.NO,
        source_reference="Code pénal (fictif), art. 1",
        source_url="https://legislation.example.test/fr",
    )
    # when
    page = client_for(officer_de).get(reverse("contacts:country", kwargs={"iso2": "FR"}))
    # then
    text = page.content.decode()
    assert "Legislation against trafficking" in text
    assert "Code pénal (fictif), art. 1" in text
    assert 'href="https://legislation.example.test/fr"' in text
    assert edit_url("FR") not in text


def test_the_country_page_invites_the_supervisor_to_a_first_review(
    client_for, supervisor_fr, ncb_fr
):
    # when
    page = client_for(supervisor_fr).get(reverse("contacts:country", kwargs={"iso2": "FR"}))
    # then
    text = page.content.decode()
    assert "Nobody has yet recorded" in text
    assert edit_url("FR") in text
    assert "Record a review" in text


def test_the_country_page_flags_a_stale_review(client_for, supervisor_fr, ncb_fr):
    # given
    CountryLegislationFactory(
        country=ncb_fr.country,
        last_reviewed_on=days_ago(900),
    )
    # when
    page = client_for(supervisor_fr).get(reverse("contacts:country", kwargs={"iso2": "FR"}))
    # then
    assert "more than two years old" in page.content.decode()


def test_the_filters_say_what_an_empty_choice_means(client_for, officer_fr, ncb_fr):
    # when
    page = client_for(officer_fr).get(TABLE).content.decode()
    # then
    assert "Any review date" in page
    assert "All bureaus" in page
    assert "---------" not in page
