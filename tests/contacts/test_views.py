import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from contacts.choices import ContactRole
from contacts.models import ContactPoint
from tests.factories import (
    ContactPointFactory,
    CountryFactory,
    NcbFactory,
    language,
)

pytestmark = pytest.mark.django_db

READERS = ["officer_fr", "supervisor_fr", "analyst_fr", "srb_europe", "officer_de", "admin_user"]
MANAGERS_OF_FR = ["officer_fr", "supervisor_fr", "admin_user"]
NOT_MANAGERS_OF_FR = ["officer_de", "supervisor_de", "analyst_fr", "srb_europe"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The cast of users is created for every test; PBKDF2 would make each one cost ~0.5 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _languages(db):
    for code in ("en", "fr", "de", "es", "ar"):
        language(code)


@pytest.fixture
def registrar(db):
    # Who recorded the fixtures' designations; the model requires it when validating.
    # No password: hashing one costs more than the rest of a test.
    return get_user_model().objects.create(username="registrar")


@pytest.fixture
def fr_primary(ncb_fr, registrar):
    return ContactPointFactory(
        ncb=ncb_fr,
        role=ContactRole.PRIMARY,
        designated_by=registrar,
        last_verified_by=registrar,
        languages=["fr", "en"],
    )


@pytest.fixture
def fr_deputy(ncb_fr):
    return ContactPointFactory(
        ncb=ncb_fr,
        role=ContactRole.DEPUTY,
        full_name="Lucie MARTIN-TEST",
        phone_24_7="+33172000003",
        languages=["fr", "es"],
    )


@pytest.fixture
def de_primary(ncb_de, registrar):
    return ContactPointFactory(
        ncb=ncb_de,
        designated_by=registrar,
        last_verified_by=registrar,
        full_name="Jonas WEBER-TEST",
        phone_24_7="+49611000002",
        secure_email="thb@ncb-de.example.test",
        time_zone="Europe/Berlin",
        languages=["de", "en"],
    )


def designation_data(**overrides):
    data = {
        "full_name": "Nadia BENALI-TEST",
        "title": "Capitaine",
        "unit": "THB liaison desk",
        "phone": "+33 1 72 00 00 05",
        "phone_24_7": "+33 1 72 00 00 06",
        "secure_email": "n.benali@ncb-fr.example.test",
        "languages": ["fr", "ar"],
        "time_zone": "Europe/Paris",
        "designated_from": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return data


def user_named(request, name):
    return None if name == "anonymous" else request.getfixturevalue(name)


def make_stale(contact):
    ContactPoint.objects.filter(pk=contact.pk).update(
        last_verified_at=timezone.now() - datetime.timedelta(days=181)
    )


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_urls(contact):
    return {
        "directory": reverse("contacts:directory"),
        "export_csv": reverse("contacts:export_csv"),
        "country": reverse("contacts:country", kwargs={"iso2": "FR"}),
        "vcard": reverse("contacts:vcard", kwargs={"public_id": contact.public_id}),
    }


def management_urls(contact):
    return {
        "designate": reverse("contacts:designate", kwargs={"iso2": "FR"}) + "?role=DEPUTY",
        "edit": reverse("contacts:edit", kwargs={"public_id": contact.public_id}),
        "end": reverse("contacts:end", kwargs={"public_id": contact.public_id}),
    }


# --- Permission matrix ----------------------------------------------------------------------


@pytest.mark.parametrize("page", ["directory", "export_csv", "country", "vcard"])
def test_anonymous_user_is_sent_to_login_from_directory_pages(client_for, fr_primary, page):
    # when
    response = client_for(None).get(read_urls(fr_primary)[page])
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", ["designate", "edit", "end"])
def test_anonymous_user_is_sent_to_login_from_management_pages(client_for, fr_primary, page):
    # when
    response = client_for(None).get(management_urls(fr_primary)[page])
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_user_cannot_verify(client_for, fr_primary):
    # when
    response = client_for(None).post(
        reverse("contacts:verify", kwargs={"public_id": fr_primary.public_id})
    )
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", ["directory", "export_csv", "country", "vcard"])
def test_user_without_ncb_gets_403_telling_them_to_ask_an_administrator(
    client_for, user_without_ncb, fr_primary, page
):
    # when
    response = client_for(user_without_ncb).get(read_urls(fr_primary)[page])
    # then
    assert response.status_code == 403
    assert b"Ask an administrator" in response.content


@pytest.mark.parametrize("page", ["designate", "edit", "end"])
def test_user_without_ncb_gets_403_on_management_pages(
    client_for, user_without_ncb, fr_primary, page
):
    # when
    response = client_for(user_without_ncb).get(management_urls(fr_primary)[page])
    # then
    assert response.status_code == 403


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("page", ["directory", "export_csv", "country", "vcard"])
def test_every_member_of_an_ncb_reads_the_whole_directory(
    request, client_for, fr_primary, reader, page
):
    # given
    client = client_for(user_named(request, reader))
    # when
    response = client.get(read_urls(fr_primary)[page])
    # then
    assert response.status_code == 200


@pytest.mark.parametrize("user", NOT_MANAGERS_OF_FR)
@pytest.mark.parametrize("page", ["designate", "edit", "end"])
def test_who_cannot_manage_french_contacts_gets_404_on_their_forms(
    request, client_for, fr_primary, user, page
):
    # given
    client = client_for(user_named(request, user))
    # when
    response = client.get(management_urls(fr_primary)[page])
    # then
    assert response.status_code == 404


@pytest.mark.parametrize("user", NOT_MANAGERS_OF_FR)
def test_who_cannot_manage_french_contacts_cannot_post_to_them(
    request, client_for, fr_primary, user
):
    # given
    client = client_for(user_named(request, user))
    public_id = fr_primary.public_id
    # when
    responses = [
        client.post(reverse("contacts:verify", kwargs={"public_id": public_id})),
        client.post(reverse("contacts:edit", kwargs={"public_id": public_id}), designation_data()),
        client.post(
            reverse("contacts:end", kwargs={"public_id": public_id}),
            {"designated_to": timezone.localdate().isoformat()},
        ),
        client.post(
            reverse("contacts:designate", kwargs={"iso2": "FR"}) + "?role=PRIMARY",
            designation_data(),
        ),
    ]
    # then
    assert [response.status_code for response in responses] == [404, 404, 404, 404]
    fr_primary.refresh_from_db()
    assert fr_primary.is_current
    assert fr_primary.full_name == "Camille DURAND-TEST"
    assert ContactPoint.objects.count() == 1


@pytest.mark.parametrize("user", MANAGERS_OF_FR)
@pytest.mark.parametrize("page", ["designate", "edit", "end"])
def test_officers_supervisors_and_admins_open_the_french_forms(
    request, client_for, fr_primary, user, page
):
    # given
    client = client_for(user_named(request, user))
    # when
    response = client.get(management_urls(fr_primary)[page])
    # then
    assert response.status_code == 200


def test_admin_manages_contacts_of_any_ncb(client_for, admin_user, de_primary):
    # when
    response = client_for(admin_user).post(
        reverse("contacts:verify", kwargs={"public_id": de_primary.public_id})
    )
    # then
    assert response.status_code == 302
    de_primary.refresh_from_db()
    assert de_primary.last_verified_by == admin_user


def test_unknown_country_and_contact_are_404(client_for, officer_fr):
    # given
    client = client_for(officer_fr)
    # when
    country = client.get(reverse("contacts:country", kwargs={"iso2": "ZZ"}))
    vcard = client.get(
        reverse("contacts:vcard", kwargs={"public_id": "00000000-0000-0000-0000-000000000000"})
    )
    # then
    assert country.status_code == 404
    assert vcard.status_code == 404


def test_verify_answers_405_to_get(client_for, officer_fr, fr_primary):
    # when
    response = client_for(officer_fr).get(
        reverse("contacts:verify", kwargs={"public_id": fr_primary.public_id})
    )
    # then
    assert response.status_code == 405


def test_designate_with_unknown_role_is_404(client_for, officer_fr):
    # when
    response = client_for(officer_fr).get(
        reverse("contacts:designate", kwargs={"iso2": "FR"}) + "?role=BOSS"
    )
    # then
    assert response.status_code == 404


# --- Directory ------------------------------------------------------------------------------


def test_directory_shows_primary_and_deputy_with_display_phone_and_languages(
    client_for, officer_de, fr_primary, fr_deputy
):
    # when
    response = client_for(officer_de).get(reverse("contacts:directory"))
    # then
    html = response.content.decode()
    assert "Camille DURAND-TEST" in html
    assert "Lucie MARTIN-TEST" in html
    assert "+33 1 72 00 00 02" in html
    assert 'href="tel:+33172000002"' in html
    assert '<abbr title="Spanish">es</abbr>' in html
    assert "INTERPOL Paris" in html


def test_directory_marks_an_ncb_without_contact(client_for, officer_fr, ncb_fr, ncb_de):
    # given
    ContactPointFactory(ncb=ncb_fr)
    # when
    response = client_for(officer_fr).get(reverse("contacts:directory"))
    # then
    rows = {row.ncb.code: row for row in response.context["rows"]}
    assert rows["DE"].primary is None
    assert rows["FR"].primary is not None
    badge = '<span class="badge badge--alert">No contact designated</span>'
    assert response.content.decode().count(badge) == 1


def test_directory_shows_local_time_of_the_contact(client_for, officer_fr, ncb_fr):
    # given
    ContactPointFactory(ncb=ncb_fr, time_zone="Asia/Kolkata")
    kolkata = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
    # when
    before = timezone.now().astimezone(kolkata)
    response = client_for(officer_fr).get(reverse("contacts:directory"))
    after = timezone.now().astimezone(kolkata)
    # then: the minute may turn while the page renders
    html = response.content.decode()
    assert any(f'datetime="{moment:%Y-%m-%dT%H:%M}' in html for moment in (before, after))


def test_stale_badge_appears_only_on_contacts_unverified_for_180_days(
    client_for, officer_fr, fr_primary, fr_deputy
):
    # given
    make_stale(fr_deputy)
    # when
    response = client_for(officer_fr).get(reverse("contacts:directory"))
    # then
    html = response.content.decode()
    assert html.count('<span class="badge badge--warn">stale</span>') == 1
    deputy_cell = html[html.index("Lucie MARTIN-TEST") :][:200]
    assert "stale" in deputy_cell


def test_directory_searches_by_contact_name(
    client_for, officer_fr, fr_primary, ncb_de, de_primary
):
    # when
    response = client_for(officer_fr).get(reverse("contacts:directory"), {"q": "weber"})
    # then
    assert [row.ncb.code for row in response.context["rows"]] == ["DE"]


def test_directory_filters_stale_with_a_check_box(client_for, officer_fr, fr_primary, de_primary):
    # given
    make_stale(de_primary)
    # when
    response = client_for(officer_fr).get(reverse("contacts:directory"), {"stale": "on"})
    # then
    assert [row.ncb.code for row in response.context["rows"]] == ["DE"]
    assert 'name="stale" id="id_stale" checked' in response.content.decode()


def test_directory_filters_ncbs_without_contact(client_for, officer_fr, fr_primary, ncb_de):
    # when
    response = client_for(officer_fr).get(reverse("contacts:directory"), {"without_contact": "on"})
    # then
    assert [row.ncb.code for row in response.context["rows"]] == ["DE"]


def test_directory_filters_by_language(client_for, officer_fr, fr_primary, de_primary):
    # when
    response = client_for(officer_fr).get(reverse("contacts:directory"), {"language": "de"})
    # then
    assert [row.ncb.code for row in response.context["rows"]] == ["DE"]


def test_unticked_check_boxes_do_not_filter(client_for, officer_fr, fr_primary, ncb_de):
    # when
    response = client_for(officer_fr).get(reverse("contacts:directory"), {"q": ""})
    # then
    assert sorted(row.ncb.code for row in response.context["rows"]) == ["DE", "FR"]


def test_empty_result_says_what_to_do(client_for, officer_fr, ncb_fr):
    # when
    response = client_for(officer_fr).get(reverse("contacts:directory"), {"q": "Atlantis"})
    # then
    html = response.content.decode()
    assert "No National Central Bureau matches these filters." in html
    assert "Show the whole directory" in html


def test_directory_paginates_by_50_and_keeps_filters_in_page_links(client_for, officer_fr):
    # given
    many_ncbs(60, name="Testland")
    # when
    first = client_for(officer_fr).get(reverse("contacts:directory"), {"q": "Testland"})
    second = client_for(officer_fr).get(
        reverse("contacts:directory"), {"q": "Testland", "page": 2}
    )
    # then
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 10
    assert 'href="?q=Testland&amp;page=2"' in first.content.decode()


def test_csv_link_keeps_the_filters_but_not_the_page(client_for, officer_fr):
    # given
    many_ncbs(60, name="Testland")
    # when
    response = client_for(officer_fr).get(
        reverse("contacts:directory"), {"q": "Testland", "page": 2}
    )
    # then
    assert f'href="{reverse("contacts:export_csv")}?q=Testland"' in response.content.decode()


@pytest.mark.parametrize("page_size", [5, 50])
def test_directory_runs_a_constant_number_of_queries_whatever_the_page_size(
    client_for, officer_fr, django_assert_max_num_queries, page_size
):
    # given
    for ncb in many_ncbs(50, name="Testland"):
        ContactPointFactory(ncb=ncb, role=ContactRole.PRIMARY, languages=["fr", "en"])
        ContactPointFactory(ncb=ncb, role=ContactRole.DEPUTY, languages=["de"])
    client = client_for(officer_fr)
    # when
    with django_assert_max_num_queries(12):
        response = client.get(reverse("contacts:directory"), {"page_size": page_size})
    # then
    assert len(response.context["rows"]) == page_size


def many_ncbs(count, *, name):
    """`count` NCBs of fictitious countries AA, AB, ... (none collides with FR or DE)."""
    ncbs = []
    for index in range(count):
        letters = chr(ord("A") + index // 26) + chr(ord("A") + index % 26)
        country = CountryFactory(
            iso2=letters,
            iso3="X" + letters,
            name=f"{name} {index:02d}",
            capital=f"Capital {index:02d}",
        )
        ncbs.append(NcbFactory(country=country))
    return ncbs


# --- CSV export -----------------------------------------------------------------------------


def test_csv_has_one_row_per_current_contact_primary_first(
    client_for, officer_de, fr_primary, fr_deputy, ncb_de
):
    # when
    response = client_for(officer_de).get(reverse("contacts:export_csv"))
    # then
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    header, *rows = csv_rows(response)
    assert header[:5] == ["Country", "ISO code", "NCB", "Role", "Name"]
    assert [(row[1], row[3], row[4]) for row in rows] == [
        ("FR", "Primary", "Camille DURAND-TEST"),
        ("FR", "Deputy", "Lucie MARTIN-TEST"),
    ]


def test_csv_lists_every_detail_of_a_contact(client_for, officer_fr, fr_primary):
    # given
    make_stale(fr_primary)
    # when
    response = client_for(officer_fr).get(reverse("contacts:export_csv"))
    # then
    _header, row = csv_rows(response)
    assert row == [
        "France",
        "FR",
        "INTERPOL Paris",
        "Primary",
        "Camille DURAND-TEST",
        "Commandant",
        "THB desk",
        "",
        "'+33172000002",
        "thb.desk@ncb-fr.example.test",
        "en, fr",
        "Europe/Paris",
        fr_primary.designated_from.isoformat(),
        row[13],
        "yes",
    ]
    assert row[13].endswith("Z")


def test_csv_follows_the_directory_filters(client_for, officer_fr, fr_primary, de_primary):
    # when
    response = client_for(officer_fr).get(reverse("contacts:export_csv"), {"q": "Germany"})
    # then
    _header, *rows = csv_rows(response)
    assert [row[4] for row in rows] == ["Jonas WEBER-TEST"]


def test_csv_leaves_out_closed_designations(client_for, officer_fr, fr_primary):
    # given
    ContactPoint.objects.filter(pk=fr_primary.pk).update(designated_to=timezone.localdate())
    # when
    response = client_for(officer_fr).get(reverse("contacts:export_csv"))
    # then
    assert csv_rows(response)[1:] == []


def test_csv_defuses_cells_that_a_spreadsheet_would_run(client_for, officer_fr, ncb_fr):
    # given
    ContactPointFactory(
        ncb=ncb_fr,
        full_name='=HYPERLINK("http://attacker.example.test","click")',
        title="+SUM(1,2)",
        unit="@cmd",
    )
    # when
    response = client_for(officer_fr).get(reverse("contacts:export_csv"))
    # then
    row = csv_rows(response)[1]
    assert row[4] == '\'=HYPERLINK("http://attacker.example.test","click")'
    assert row[5] == "'+SUM(1,2)"
    assert row[6] == "'@cmd"


# --- vCard ----------------------------------------------------------------------------------


def test_vcard_is_a_vcard_4_attachment_with_crlf_lines(client_for, officer_de, fr_primary):
    # when
    response = client_for(officer_de).get(
        reverse("contacts:vcard", kwargs={"public_id": fr_primary.public_id})
    )
    # then
    body = response.content.decode()
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="fr-primary-camille-durand-test.vcf"'
    )
    assert body.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert body.endswith("END:VCARD\r\n")
    assert "\n" not in body.replace("\r\n", "")
    assert "FN:Camille DURAND-TEST\r\n" in body
    assert 'TEL;VALUE=uri;PREF=1;TYPE="work,voice,x-24-7":tel:+33172000002\r\n' in body


def test_vcard_escapes_commas_and_semicolons_of_the_name(client_for, officer_fr, ncb_fr):
    # given
    contact = ContactPointFactory(ncb=ncb_fr, full_name="Camille DURAND-TEST, Jr; PhD")
    # when
    response = client_for(officer_fr).get(
        reverse("contacts:vcard", kwargs={"public_id": contact.public_id})
    )
    # then
    assert "FN:Camille DURAND-TEST\\, Jr\\; PhD\r\n" in response.content.decode()


# --- Country page ---------------------------------------------------------------------------


def test_country_page_shows_ncb_and_current_contacts_with_their_local_time(
    client_for, officer_de, fr_primary, fr_deputy
):
    # when
    response = client_for(officer_de).get(reverse("contacts:country", kwargs={"iso2": "fr"}))
    # then
    html = response.content.decode()
    assert "INTERPOL Paris" in html
    assert "+33 1 72 00 00 01" in html  # the NCB's own 24/7 line
    assert "Camille DURAND-TEST" in html
    assert "Lucie MARTIN-TEST" in html
    assert "Europe/Paris, UTC+0" in html
    assert reverse("contacts:vcard", kwargs={"public_id": fr_primary.public_id}) in html


def test_country_page_hides_management_buttons_from_other_ncbs(client_for, officer_de, fr_primary):
    # when
    response = client_for(officer_de).get(reverse("contacts:country", kwargs={"iso2": "FR"}))
    # then
    html = response.content.decode()
    assert response.context["can_manage"] is False
    assert "Verify now" not in html
    assert reverse("contacts:edit", kwargs={"public_id": fr_primary.public_id}) not in html


@pytest.mark.parametrize("user", MANAGERS_OF_FR)
def test_country_page_shows_management_buttons_to_managers(request, client_for, fr_primary, user):
    # when
    response = client_for(user_named(request, user)).get(
        reverse("contacts:country", kwargs={"iso2": "FR"})
    )
    # then
    html = response.content.decode()
    assert "Verify now" in html
    assert reverse("contacts:edit", kwargs={"public_id": fr_primary.public_id}) in html
    assert reverse("contacts:end", kwargs={"public_id": fr_primary.public_id}) in html
    assert "Designate a new primary" in html
    assert "Designate a deputy" in html


def test_country_page_shows_stale_flag(client_for, officer_fr, fr_primary):
    # given
    make_stale(fr_primary)
    # when
    response = client_for(officer_fr).get(reverse("contacts:country", kwargs={"iso2": "FR"}))
    # then
    assert "Not verified since" in response.content.decode()


# --- Designation through the pages ----------------------------------------------------------


@pytest.mark.parametrize("user", MANAGERS_OF_FR)
def test_manager_designates_a_deputy(request, client_for, ncb_fr, user):
    # given
    client = client_for(user_named(request, user))
    # when
    response = client.post(
        reverse("contacts:designate", kwargs={"iso2": "FR"}) + "?role=DEPUTY",
        designation_data(),
        follow=True,
    )
    # then
    contact = ContactPoint.objects.get(ncb=ncb_fr, role=ContactRole.DEPUTY)
    assert contact.full_name == "Nadia BENALI-TEST"
    assert contact.phone_24_7 == "+33172000006"
    assert sorted(contact.languages.values_list("code", flat=True)) == ["ar", "fr"]
    assert response.redirect_chain[-1][0] == reverse("contacts:country", kwargs={"iso2": "FR"})
    assert "Nadia BENALI-TEST is now the Deputy THB contact point" in response.content.decode()


def test_designate_form_warns_that_the_current_holder_will_be_replaced(
    client_for, officer_fr, fr_primary
):
    # when
    response = client_for(officer_fr).get(
        reverse("contacts:designate", kwargs={"iso2": "FR"}) + "?role=PRIMARY"
    )
    # then
    html = response.content.decode()
    assert "Camille DURAND-TEST has held this role since" in html
    assert "the old record stays in the history" in html


def test_redesignation_closes_the_old_record_and_shows_it_in_the_history(
    client_for, officer_fr, fr_primary
):
    # given
    client = client_for(officer_fr)
    # when
    response = client.post(
        reverse("contacts:designate", kwargs={"iso2": "FR"}) + "?role=PRIMARY",
        designation_data(),
        follow=True,
    )
    # then
    fr_primary.refresh_from_db()
    assert fr_primary.designated_to == timezone.localdate()
    assert [contact.full_name for contact in response.context["past"]] == ["Camille DURAND-TEST"]
    current = response.context["roles"][0][2]
    assert current.full_name == "Nadia BENALI-TEST"
    assert "The designation of Camille DURAND-TEST ended on" in response.content.decode()


def test_overlapping_designation_is_refused_with_the_reason(client_for, officer_fr, fr_primary):
    # given
    too_early = fr_primary.designated_from - datetime.timedelta(days=1)
    # when
    response = client_for(officer_fr).post(
        reverse("contacts:designate", kwargs={"iso2": "FR"}) + "?role=PRIMARY",
        designation_data(designated_from=too_early.isoformat()),
    )
    # then
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Camille DURAND-TEST has held this role since" in errors["designated_from"][0]
    assert ContactPoint.objects.count() == 1
    fr_primary.refresh_from_db()
    assert fr_primary.is_current


def test_designation_starting_in_the_future_is_refused(client_for, officer_fr, ncb_fr):
    # given
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    # when
    response = client_for(officer_fr).post(
        reverse("contacts:designate", kwargs={"iso2": "FR"}) + "?role=PRIMARY",
        designation_data(designated_from=tomorrow.isoformat()),
    )
    # then
    assert "designated_from" in response.context["form"].errors
    assert not ContactPoint.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone_24_7", "call me maybe"),
        ("phone_24_7", "+33 1 23"),
        ("phone", "12-AB"),
        ("secure_email", "not-an-e-mail"),
        ("languages", ["fr", "xx"]),
        ("time_zone", "Mars/Olympus_Mons"),
        ("full_name", ""),
    ],
)
def test_bad_input_is_a_form_error_naming_the_field_and_saves_nothing(
    client_for, officer_fr, ncb_fr, field, value
):
    # when
    response = client_for(officer_fr).post(
        reverse("contacts:designate", kwargs={"iso2": "FR"}) + "?role=PRIMARY",
        designation_data(**{field: value}),
    )
    # then
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert "Nothing was saved" in response.content.decode()
    assert not ContactPoint.objects.exists()


def test_edit_corrects_details_keeps_the_designation_and_verifies(
    client_for, supervisor_fr, fr_primary
):
    # given
    make_stale(fr_primary)
    # when
    response = client_for(supervisor_fr).post(
        reverse("contacts:edit", kwargs={"public_id": fr_primary.public_id}),
        designation_data(full_name="Camille DURAND-TEST", unit="OCRTEH"),
    )
    # then
    assert response.status_code == 302
    fr_primary.refresh_from_db()
    assert fr_primary.unit == "OCRTEH"
    assert fr_primary.is_current
    assert not fr_primary.is_stale
    assert fr_primary.last_verified_by == supervisor_fr
    assert ContactPoint.objects.count() == 1


def test_edit_form_is_filled_with_the_current_details(client_for, officer_fr, fr_primary):
    # when
    response = client_for(officer_fr).get(
        reverse("contacts:edit", kwargs={"public_id": fr_primary.public_id})
    )
    # then
    form = response.context["form"]
    assert form["phone_24_7"].value() == "+33 1 72 00 00 02"
    assert sorted(form["languages"].value()) == ["en", "fr"]
    assert "designated_from" not in form.fields


def test_edit_of_an_ended_designation_is_refused_above_the_form(
    client_for, officer_fr, fr_primary
):
    # given
    ContactPoint.objects.filter(pk=fr_primary.pk).update(designated_to=timezone.localdate())
    # when
    response = client_for(officer_fr).post(
        reverse("contacts:edit", kwargs={"public_id": fr_primary.public_id}),
        designation_data(),
    )
    # then
    assert response.context["form"].non_field_errors() == [
        "This designation has ended; its record is kept as history."
    ]


@pytest.mark.parametrize("user", MANAGERS_OF_FR)
def test_verify_now_clears_staleness(request, client_for, fr_primary, user):
    # given
    make_stale(fr_primary)
    actor = user_named(request, user)
    # when
    response = client_for(actor).post(
        reverse("contacts:verify", kwargs={"public_id": fr_primary.public_id}), follow=True
    )
    # then
    fr_primary.refresh_from_db()
    assert not fr_primary.is_stale
    assert fr_primary.last_verified_by == actor
    assert "You confirmed the details of Camille DURAND-TEST today." in response.content.decode()


@pytest.mark.parametrize("user", MANAGERS_OF_FR)
def test_ending_a_designation_leaves_the_role_vacant_and_keeps_the_record(
    request, client_for, fr_primary, user
):
    # when
    response = client_for(user_named(request, user)).post(
        reverse("contacts:end", kwargs={"public_id": fr_primary.public_id}),
        {"designated_to": timezone.localdate().isoformat()},
        follow=True,
    )
    # then
    fr_primary.refresh_from_db()
    assert fr_primary.designated_to == timezone.localdate()
    assert response.context["roles"][0][2] is None
    assert [contact.full_name for contact in response.context["past"]] == ["Camille DURAND-TEST"]


def test_ending_before_the_start_is_refused_on_the_date_field(client_for, officer_fr, fr_primary):
    # when
    response = client_for(officer_fr).post(
        reverse("contacts:end", kwargs={"public_id": fr_primary.public_id}),
        {"designated_to": fr_primary.designated_from.isoformat()},
    )
    # then
    assert list(response.context["form"].errors) == ["designated_to"]
    fr_primary.refresh_from_db()
    assert fr_primary.is_current
