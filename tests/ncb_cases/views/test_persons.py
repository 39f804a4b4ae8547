"""Browser pages of persons, their documents and phones, vehicles and the victim-identity reveal.

The French case `case_fr` (opened by officer_fr, who thereby holds victim identity) has a
victim, Blessing OKAFOR-TEST, and a suspect, Didier MOREAU-TEST. Each scenario of the matrix
names a reader and how the case reached them.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.choices import OfficerRole
from ncb_cases import services
from ncb_cases.choices import AuditAction, PersonRole
from ncb_cases.models import AuditEvent, Person, Vehicle
from tests.factories import officer_user, share_case
from tests.ncb_cases.test_validators import TD3_SPECIMEN

pytestmark = pytest.mark.django_db

VICTIM_NAMES = ("Okafor", "OKAFOR", "Blessing", "Jewel", "1998-05-14", "A00000001")
VICTIM_NAMES += ("2348030000001", "803 000 0001")

READERS = ("owner_officer", "owner_supervisor", "owner_analyst", "admin")
READERS += ("shared_read", "shared_read_write")
NON_READERS = ("other_ncb", "expired_share", "srb_monitor", "user_without_ncb")
EDITORS = ("owner_officer", "owner_supervisor", "admin", "shared_read_write")
READ_ONLY = ("owner_analyst", "shared_read")


@pytest.fixture
def reader(request, case_fr, ncb_de):
    """`reader(scenario)`: the user of a scenario, with the share it needs (None: anonymous)."""

    def make(scenario):
        simple = {
            "anonymous": None,
            "owner_officer": "officer_fr",
            "owner_supervisor": "supervisor_fr",
            "owner_analyst": "analyst_fr",
            "admin": "admin_user",
            "other_ncb": "officer_de",
            "srb_monitor": "srb_europe",
            "user_without_ncb": "user_without_ncb",
        }
        if scenario in simple:
            name = simple[scenario]
            return request.getfixturevalue(name) if name else None
        officer_de = request.getfixturevalue("officer_de")
        if scenario == "shared_read":
            share_case(case_fr, ncb_de, access="READ")
        elif scenario == "shared_read_write":
            share_case(case_fr, ncb_de, access="READ_WRITE")
        elif scenario == "expired_share":
            past = timezone.now() - datetime.timedelta(seconds=1)
            share_case(case_fr, ncb_de, access="READ_WRITE", expires_at=past)
        else:
            raise AssertionError(scenario)
        return officer_de

    return make


@pytest.fixture
def vehicle_fr(case_fr, officer_fr, suspect_fr):
    return services.vehicle_add(
        actor=officer_fr,
        case=case_fr,
        data={"plate": "TS-123-XX", "vehicle_type": "VAN", "holder": suspect_fr},
    )


def read_urls(case, victim, suspect):
    return {
        "persons": reverse("cases:persons", args=[case.public_id]),
        "victim": reverse("cases:person_detail", args=[case.public_id, victim.public_id]),
        "suspect": reverse("cases:person_detail", args=[case.public_id, suspect.public_id]),
    }


def write_urls(case, victim, suspect, vehicle):
    return {
        "person_create": reverse("cases:person_create", args=[case.public_id]),
        "victim_edit": reverse("cases:person_edit", args=[case.public_id, victim.public_id]),
        "suspect_edit": reverse("cases:person_edit", args=[case.public_id, suspect.public_id]),
        "vehicle_create": reverse("cases:vehicle_create", args=[case.public_id]),
        "vehicle_edit": reverse("cases:vehicle_edit", args=[case.public_id, vehicle.public_id]),
    }


def identity_url(case, person):
    return reverse("cases:person_identity", args=[case.public_id, person.public_id])


def assert_no_victim_identity(content: str) -> None:
    for secret in VICTIM_NAMES:
        assert secret not in content, secret


def person_post(**fields):
    """A complete person form as a browser posts it: one empty document row, two phone rows."""
    data = {
        "role": PersonRole.SUSPECT,
        "sex": "U",
        "documents-TOTAL_FORMS": "1",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "20",
        "documents-0-doc_type": "PASSPORT",
        "documents-0-authenticity": "UNKNOWN",
        "phones-TOTAL_FORMS": "2",
        "phones-INITIAL_FORMS": "0",
        "phones-MIN_NUM_FORMS": "0",
        "phones-MAX_NUM_FORMS": "20",
        "phones-0-kind": "MOBILE",
        "phones-1-kind": "MOBILE",
    }
    data.update(fields)
    return data


def audit_rows(person, action):
    return AuditEvent.objects.filter(object_public_id=person.public_id, action=action)


# --- Permission matrix ------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["persons", "victim", "suspect"])
def test_anonymous_readers_are_sent_to_the_login_page(
    page, client_for, case_fr, victim_fr, suspect_fr
):
    # when
    response = client_for(None).get(read_urls(case_fr, victim_fr, suspect_fr)[page])
    # then
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("scenario", READERS)
@pytest.mark.parametrize("page", ["persons", "victim", "suspect"])
def test_readers_of_the_case_see_its_person_pages(
    scenario, page, reader, client_for, case_fr, victim_fr, suspect_fr
):
    # given
    client = client_for(reader(scenario))
    # when
    response = client.get(read_urls(case_fr, victim_fr, suspect_fr)[page])
    # then
    assert response.status_code == 200


@pytest.mark.parametrize("scenario", NON_READERS)
@pytest.mark.parametrize("page", ["persons", "victim", "suspect"])
def test_users_who_may_not_read_the_case_get_404_on_its_person_pages(
    scenario, page, reader, client_for, case_fr, victim_fr, suspect_fr
):
    # given
    client = client_for(reader(scenario))
    # when
    response = client.get(read_urls(case_fr, victim_fr, suspect_fr)[page])
    # then
    assert response.status_code == 404


@pytest.mark.parametrize("scenario", EDITORS)
@pytest.mark.parametrize(
    "page", ["person_create", "victim_edit", "suspect_edit", "vehicle_create", "vehicle_edit"]
)
def test_editors_of_the_case_open_its_person_and_vehicle_forms(
    scenario, page, reader, client_for, case_fr, victim_fr, suspect_fr, vehicle_fr
):
    # given
    client = client_for(reader(scenario))
    # when
    response = client.get(write_urls(case_fr, victim_fr, suspect_fr, vehicle_fr)[page])
    # then
    assert response.status_code == 200


@pytest.mark.parametrize("scenario", READ_ONLY + NON_READERS)
@pytest.mark.parametrize(
    "page", ["person_create", "victim_edit", "suspect_edit", "vehicle_create", "vehicle_edit"]
)
def test_users_who_may_not_edit_get_404_on_the_forms_as_for_a_missing_page(
    scenario, page, reader, client_for, case_fr, victim_fr, suspect_fr, vehicle_fr
):
    # given
    client = client_for(reader(scenario))
    # when
    response = client.get(write_urls(case_fr, victim_fr, suspect_fr, vehicle_fr)[page])
    # then
    assert response.status_code == 404


@pytest.mark.parametrize("scenario", READ_ONLY + NON_READERS)
def test_users_who_may_not_edit_cannot_add_a_person_by_posting(
    scenario, reader, client_for, case_fr
):
    # given
    client = client_for(reader(scenario))
    before = Person.objects.count()
    # when
    response = client.post(
        reverse("cases:person_create", args=[case_fr.public_id]),
        person_post(family_name="INTRUDER-TEST"),
    )
    # then
    assert response.status_code == 404
    assert Person.objects.count() == before


def test_a_shared_read_write_ncb_adds_a_person(reader, client_for, case_fr):
    # given
    client = client_for(reader("shared_read_write"))
    # when
    response = client.post(
        reverse("cases:person_create", args=[case_fr.public_id]),
        person_post(family_name="KOWALSKI-TEST", forenames="Jan"),
        follow=True,
    )
    # then
    person = Person.objects.get(case=case_fr, family_name="KOWALSKI-TEST")
    assert response.redirect_chain[-1][0] == reverse(
        "cases:person_detail", args=[case_fr.public_id, person.public_id]
    )
    assert "Suspect added to the case." in response.content.decode()


@pytest.mark.parametrize("scenario", ["other_ncb", "owner_officer"])
def test_a_person_under_another_case_in_the_url_is_404(
    scenario, reader, client_for, case_fr, case_de, officer_de, suspect_fr
):
    # given: a suspect of case_fr addressed under the German case
    client = client_for(reader(scenario))
    url = reverse("cases:person_detail", args=[case_de.public_id, suspect_fr.public_id])
    # when
    response = client.get(url)
    # then
    assert response.status_code == 404


# --- Persons tab ------------------------------------------------------------------------------


def test_the_persons_tab_groups_persons_by_role_and_shows_a_victim_by_pseudonym(
    client_for, supervisor_fr, case_fr, victim_fr, suspect_fr
):
    # when
    response = client_for(supervisor_fr).get(reverse("cases:persons", args=[case_fr.public_id]))
    # then
    content = response.content.decode()
    assert "Victim V-1" in content
    assert "MOREAU-TEST Didier" in content
    assert content.index("Suspect") < content.index("Victim V-1")
    assert response.context["active_tab"] == "persons"
    assert_no_victim_identity(content)


def test_even_a_holder_of_victim_identity_sees_only_the_pseudonym_on_the_tab(
    client_for, officer_fr, case_fr, victim_fr
):
    # when
    response = client_for(officer_fr).get(reverse("cases:persons", args=[case_fr.public_id]))
    # then
    assert "Victim V-1" in response.content.decode()
    assert_no_victim_identity(response.content.decode())


def test_the_add_person_button_is_shown_to_editors_only(reader, client_for, case_fr, suspect_fr):
    # given
    url = reverse("cases:persons", args=[case_fr.public_id])
    create_url = reverse("cases:person_create", args=[case_fr.public_id])
    # when
    for_editor = client_for(reader("owner_officer")).get(url).content.decode()
    for_reader = client_for(reader("shared_read")).get(url).content.decode()
    # then
    assert create_url in for_editor
    assert create_url not in for_reader


def test_a_child_is_flagged_on_the_persons_tab(client_for, officer_fr, case_fr):
    # given
    services.person_create(
        actor=officer_fr,
        case=case_fr,
        data={
            "role": PersonRole.WITNESS,
            "family_name": "PETIT-TEST",
            "date_of_birth": str(timezone.localdate().year - 12),
        },
    )
    # when
    response = client_for(officer_fr).get(reverse("cases:persons", args=[case_fr.public_id]))
    # then
    content = response.content.decode()
    assert "Protected person V-1" in content
    assert "badge--child" in content
    assert "PETIT-TEST" not in content


def test_the_persons_tab_says_where_else_a_phone_was_seen_in_a_case_the_reader_may_see(
    client_for, officer_fr, case_fr, suspect_fr
):
    # given: another French case where the suspect's phone is known
    other = services.case_create(
        actor=officer_fr, data={"title": "Second case", "offence_type": "THB"}
    )
    services.person_create(
        actor=officer_fr,
        case=other,
        data={
            "role": PersonRole.SUSPECT,
            "family_name": "X-TEST",
            "phones": ["+33 1 99 00 10 01"],
        },
    )
    # when
    response = client_for(officer_fr).get(reverse("cases:persons", args=[case_fr.public_id]))
    # then
    content = response.content.decode()
    assert "also in" in content
    assert other.reference in content


def test_a_match_in_a_case_the_reader_may_not_see_is_not_revealed(
    client_for, officer_fr, officer_de, case_fr, case_de, suspect_fr
):
    # given: the suspect's phone is also known in a German case the French do not see
    services.person_create(
        actor=officer_de,
        case=case_de,
        data={
            "role": PersonRole.SUSPECT,
            "family_name": "Y-TEST",
            "phones": ["+33 1 99 00 10 01"],
        },
    )
    # when
    response = client_for(officer_fr).get(reverse("cases:persons", args=[case_fr.public_id]))
    # then
    assert case_de.reference not in response.content.decode()


def _grow_case(case, actor, persons: int) -> None:
    for index in range(persons):
        services.person_create(
            actor=actor,
            case=case,
            data={
                "role": PersonRole.VICTIM if index % 2 else PersonRole.SUSPECT,
                "family_name": f"GROWN-{index}-TEST",
                "phones": [f"+33 1 99 00 2{index:03d}"],
                "documents": [{"doc_type": "PASSPORT", "number": f"T{index:07d}"}],
            },
        )
        services.vehicle_add(actor=actor, case=case, data={"plate": f"GR-{index:03d}-TS"})


@pytest.mark.parametrize("persons", [2, 12])
def test_the_persons_tab_costs_the_same_number_of_queries_whatever_the_number_of_persons(
    persons, client_for, officer_fr, case_fr, django_assert_max_num_queries
):
    # given
    _grow_case(case_fr, officer_fr, persons)
    client = client_for(officer_fr)
    url = reverse("cases:persons", args=[case_fr.public_id])
    # when / then
    with django_assert_max_num_queries(30):
        response = client.get(url)
    assert response.content.decode().count("GROWN-") == persons // 2


def test_the_persons_tab_query_count_does_not_grow_between_two_sizes(
    client_for, officer_fr, case_fr, django_assert_num_queries
):
    # given: the query count of a small case
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(officer_fr)
    url = reverse("cases:persons", args=[case_fr.public_id])
    _grow_case(case_fr, officer_fr, 2)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    # when: ten more persons, phones, documents and vehicles
    _grow_case(case_fr, officer_fr, 10)
    # then
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


# --- Person detail ----------------------------------------------------------------------------


def test_n_views_of_a_person_write_n_audit_rows(client_for, supervisor_fr, case_fr, suspect_fr):
    # given
    client = client_for(supervisor_fr)
    url = reverse("cases:person_detail", args=[case_fr.public_id, suspect_fr.public_id])
    # when
    for _ in range(3):
        client.get(url)
    # then
    assert audit_rows(suspect_fr, AuditAction.VIEW).count() == 3


def test_a_refused_view_of_a_person_is_404_and_recorded(
    client_for, officer_de, case_fr, suspect_fr
):
    # when
    response = client_for(officer_de).get(
        reverse("cases:person_detail", args=[case_fr.public_id, suspect_fr.public_id])
    )
    # then
    assert response.status_code == 404
    assert audit_rows(suspect_fr, AuditAction.DENIED).count() == 1


def test_a_suspect_is_shown_in_full_with_phones_and_documents(
    client_for, officer_fr, case_fr, officer_de
):
    # given
    suspect = services.person_create(
        actor=officer_fr,
        case=case_fr,
        data={
            "role": PersonRole.SUSPECT,
            "family_name": "NOWAK-TEST",
            "forenames": "Adam",
            "aliases": ["Il Capo"],
            "nationalities": ["POL", "ITA"],
            "phones": ["+33 1 99 00 10 07"],
            "documents": [{"doc_type": "PASSPORT", "mrz": TD3_SPECIMEN}],
        },
    )
    # when
    response = client_for(officer_fr).get(
        reverse("cases:person_detail", args=[case_fr.public_id, suspect.public_id])
    )
    # then
    content = response.content.decode()
    for shown in ("NOWAK-TEST Adam", "Il Capo", "POL, ITA", "+33 1 99 00 10 07", "L898902C3"):
        assert shown in content, shown
    assert "Reveal identity" not in content


def test_a_victim_detail_hides_the_identity_from_a_reader_without_the_permission(
    client_for, supervisor_fr, case_fr, victim_fr
):
    # when
    response = client_for(supervisor_fr).get(
        reverse("cases:person_detail", args=[case_fr.public_id, victim_fr.public_id])
    )
    # then
    content = response.content.decode()
    assert "Victim V-1" in content
    assert "NGA" in content  # nationalities are not identifying on their own
    assert identity_url(case_fr, victim_fr) not in content
    assert_no_victim_identity(content)


def test_a_holder_sees_the_victim_masked_with_a_reveal_action(
    client_for, officer_fr, case_fr, victim_fr
):
    # when
    response = client_for(officer_fr).get(
        reverse("cases:person_detail", args=[case_fr.public_id, victim_fr.public_id])
    )
    # then
    content = response.content.decode()
    assert identity_url(case_fr, victim_fr) in content
    assert_no_victim_identity(content)


def test_an_admin_without_the_explicit_grant_sees_the_victim_masked_without_reveal(
    client_for, admin_user, case_fr, victim_fr
):
    # when
    response = client_for(admin_user).get(
        reverse("cases:person_detail", args=[case_fr.public_id, victim_fr.public_id])
    )
    # then
    content = response.content.decode()
    assert identity_url(case_fr, victim_fr) not in content
    assert_no_victim_identity(content)


# --- Victim identity reveal -------------------------------------------------------------------


def test_a_holder_reveals_a_victim_with_a_purpose_for_that_response_only(
    client_for, officer_fr, case_fr, victim_fr
):
    # given
    client = client_for(officer_fr)
    url = identity_url(case_fr, victim_fr)
    # when
    response = client.post(url, {"purpose": "Preparing the hearing of 12 May"})
    # then
    content = response.content.decode()
    assert response.status_code == 200
    for shown in ("Okafor-Test", "Blessing", "Jewel", "1998-05-14", "A00000001", "+234 803"):
        assert shown in content, shown
    assert "no-store" in response["Cache-Control"]
    assert "purpose" not in response.request["PATH_INFO"]
    row = audit_rows(victim_fr, AuditAction.VIEW_VICTIM_IDENTITY).get()
    assert row.purpose == "Preparing the hearing of 12 May"


def test_the_reveal_form_is_a_post_form_and_its_page_keeps_the_identity_hidden(
    client_for, officer_fr, case_fr, victim_fr
):
    # when
    response = client_for(officer_fr).get(identity_url(case_fr, victim_fr))
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert 'method="post"' in content
    assert 'name="purpose"' in content
    assert_no_victim_identity(content)
    assert not audit_rows(victim_fr, AuditAction.VIEW_VICTIM_IDENTITY).exists()


def test_a_reveal_without_purpose_is_a_form_error_and_the_attempt_is_recorded(
    client_for, officer_fr, case_fr, victim_fr
):
    # when
    response = client_for(officer_fr).post(identity_url(case_fr, victim_fr), {"purpose": " "})
    # then
    assert response.status_code == 400
    assert response.context["form"].errors["purpose"]
    assert_no_victim_identity(response.content.decode())
    denied = audit_rows(victim_fr, AuditAction.DENIED).get()
    assert denied.details == {
        "attempted": AuditAction.VIEW_VICTIM_IDENTITY,
        "reason": "no_purpose",
    }
    assert not audit_rows(victim_fr, AuditAction.VIEW_VICTIM_IDENTITY).exists()


@pytest.mark.parametrize("scenario", ["owner_supervisor", "admin", "shared_read_write"])
def test_a_reader_without_the_permission_cannot_open_the_reveal(
    scenario, reader, client_for, case_fr, victim_fr
):
    # when
    response = client_for(reader(scenario)).get(identity_url(case_fr, victim_fr))
    # then
    assert response.status_code == 404


@pytest.mark.parametrize("scenario", ["owner_supervisor", "other_ncb"])
def test_a_reveal_posted_without_the_permission_is_404_and_recorded(
    scenario, reader, client_for, case_fr, victim_fr
):
    # when
    response = client_for(reader(scenario)).post(
        identity_url(case_fr, victim_fr), {"purpose": "Curious about this victim"}
    )
    # then
    assert response.status_code == 404
    assert_no_victim_identity(response.content.decode())
    assert audit_rows(victim_fr, AuditAction.DENIED).count() == 1
    assert not audit_rows(victim_fr, AuditAction.VIEW_VICTIM_IDENTITY).exists()


def test_a_supervisor_granted_victim_identity_may_reveal(
    client_for, supervisor_fr, case_fr, victim_fr
):
    # given
    services.victim_identity_grant(actor=supervisor_fr, case=case_fr, user=supervisor_fr)
    # when
    response = client_for(supervisor_fr).post(
        identity_url(case_fr, victim_fr), {"purpose": "Hearing preparation"}
    )
    # then
    assert "Okafor-Test" in response.content.decode()


def test_anonymous_users_are_sent_to_login_from_the_reveal(client_for, case_fr, victim_fr):
    # when
    response = client_for(None).post(identity_url(case_fr, victim_fr), {"purpose": "x" * 10})
    # then
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_VICTIM_IDENTITY).exists()


# --- Person create and edit -------------------------------------------------------------------


def test_an_officer_adds_a_victim_with_a_document_and_phones_and_sees_only_the_pseudonym(
    client_for, officer_fr, case_fr
):
    # when
    response = client_for(officer_fr).post(
        reverse("cases:person_create", args=[case_fr.public_id]),
        person_post(
            role=PersonRole.VICTIM,
            family_name="ADEYEMI-TEST",
            forenames="Grace",
            date_of_birth="1999-04",
            nationalities="nga, gha",
            aliases="Precious\nGigi",
            **{
                "documents-0-mrz": TD3_SPECIMEN,
                "phones-0-number": "+234 803 000 0009",
                "phones-1-number": "+33 6 00 00 00 09",
            },
        ),
        follow=True,
    )
    # then
    person = Person.objects.get(case=case_fr, family_name="ADEYEMI-TEST")
    assert (person.date_of_birth, person.nationalities) == ("1999-04", ["NGA", "GHA"])
    assert person.aliases == ["Precious", "Gigi"]
    assert list(person.phones.values_list("number", flat=True)) == [
        "+2348030000009",
        "+33600000009",
    ]
    assert person.documents.get().number == "L898902C3"
    content = response.content.decode()
    assert "Victim V-1 added to the case." in content
    assert "ADEYEMI" not in content


def test_bad_mrz_check_digits_are_reported_on_that_document_and_nothing_is_saved(
    client_for, officer_fr, case_fr
):
    # given: a second document row whose MRZ has a wrong check digit
    bad = TD3_SPECIMEN.replace("L898902C36", "L898902C35")
    data = person_post(
        family_name="HALF-TEST",
        **{
            "documents-TOTAL_FORMS": "2",
            "documents-0-number": "X0000001",
            "documents-1-doc_type": "PASSPORT",
            "documents-1-authenticity": "UNKNOWN",
            "documents-1-mrz": bad,
            "phones-0-number": "+33 1 99 00 10 09",
        },
    )
    # when
    response = client_for(officer_fr).post(
        reverse("cases:person_create", args=[case_fr.public_id]), data
    )
    # then
    assert response.status_code == 200
    editor = response.context["editor"]
    assert "document number" in editor.documents.forms[1].errors["mrz"][0]
    assert not editor.documents.forms[0].errors
    assert "Nothing was saved" in response.content.decode()
    assert not Person.objects.filter(family_name="HALF-TEST").exists()


def test_an_invalid_phone_is_reported_on_its_row(client_for, officer_fr, case_fr):
    # given: the first phone row left empty, the second one invalid
    data = person_post(family_name="PHONE-TEST", **{"phones-1-number": "+33 12"})
    # when
    response = client_for(officer_fr).post(
        reverse("cases:person_create", args=[case_fr.public_id]), data
    )
    # then
    editor = response.context["editor"]
    assert editor.phones.forms[1].errors["number"]
    assert not Person.objects.filter(family_name="PHONE-TEST").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("date_of_birth", "1998-13"), ("nationalities", "XX1"), ("date_of_birth", "2090")],
)
def test_bad_person_fields_are_reported_on_the_field(
    field, value, client_for, officer_fr, case_fr
):
    # when
    response = client_for(officer_fr).post(
        reverse("cases:person_create", args=[case_fr.public_id]),
        person_post(family_name="FIELD-TEST", **{field: value}),
    )
    # then
    assert response.context["form"].errors[field]
    assert not Person.objects.filter(family_name="FIELD-TEST").exists()


def test_a_birth_after_the_start_of_exploitation_is_refused_on_the_date_of_birth(
    client_for, officer_fr, case_fr
):
    # when
    response = client_for(officer_fr).post(
        reverse("cases:person_create", args=[case_fr.public_id]),
        person_post(
            role=PersonRole.VICTIM, date_of_birth="2020", exploitation_started_on="2019-06-01"
        ),
    )
    # then
    assert response.context["form"].errors["date_of_birth"]


def test_an_expiry_before_issue_is_reported_on_the_expiry_date(client_for, officer_fr, case_fr):
    # when
    response = client_for(officer_fr).post(
        reverse("cases:person_create", args=[case_fr.public_id]),
        person_post(
            **{
                "documents-0-number": "X0000002",
                "documents-0-issued_on": "2020-01-01",
                "documents-0-expires_on": "2019-01-01",
            }
        ),
    )
    # then
    assert response.context["editor"].documents.forms[0].errors["expires_on"]


def test_editing_a_suspect_keeps_an_untouched_document_and_replaces_phones(
    client_for, officer_fr, case_fr
):
    # given
    suspect = services.person_create(
        actor=officer_fr,
        case=case_fr,
        data={
            "role": PersonRole.SUSPECT,
            "family_name": "EDIT-TEST",
            "phones": ["+33 1 99 00 10 11"],
            "documents": [{"doc_type": "ID_CARD", "number": "ID0000011", "issuing_state": "FRA"}],
        },
    )
    document = suspect.documents.get()
    url = reverse("cases:person_edit", args=[case_fr.public_id, suspect.public_id])
    form = client_for(officer_fr).get(url).context["editor"]
    # when: the form posted back as rendered, with the phone changed
    data = person_post(
        role=PersonRole.SUSPECT,
        family_name="EDIT-TEST",
        forenames="Paul",
        **{
            "documents-TOTAL_FORMS": "2",
            "documents-INITIAL_FORMS": "1",
            "documents-0-public_id": str(document.public_id),
            "documents-0-doc_type": "ID_CARD",
            "documents-0-number": "ID0000011",
            "documents-0-issuing_state": "FRA",
            "documents-0-authenticity": "UNKNOWN",
            "documents-1-doc_type": "PASSPORT",
            "documents-1-authenticity": "UNKNOWN",
            "phones-TOTAL_FORMS": "3",
            "phones-INITIAL_FORMS": "1",
            "phones-0-number": "+33 1 99 00 10 12",
            "phones-0-kind": "MOBILE",
            "phones-2-kind": "MOBILE",
        },
    )
    response = client_for(officer_fr).post(url, data)
    # then
    assert form.documents.initial_form_count() == 1
    assert response.status_code == 302
    suspect.refresh_from_db()
    assert suspect.forenames == "Paul"
    assert suspect.documents.get().public_id == document.public_id
    assert list(suspect.phones.values_list("number", flat=True)) == ["+33199001012"]


def test_a_document_ticked_for_removal_is_removed(client_for, officer_fr, case_fr):
    # given
    suspect = services.person_create(
        actor=officer_fr,
        case=case_fr,
        data={
            "role": PersonRole.SUSPECT,
            "family_name": "DROP-TEST",
            "documents": [{"doc_type": "PASSPORT", "number": "P0000013"}],
        },
    )
    document = suspect.documents.get()
    data = person_post(
        family_name="DROP-TEST",
        **{
            "documents-INITIAL_FORMS": "1",
            "documents-0-public_id": str(document.public_id),
            "documents-0-number": "P0000013",
            "documents-0-DELETE": "on",
        },
    )
    # when
    response = client_for(officer_fr).post(
        reverse("cases:person_edit", args=[case_fr.public_id, suspect.public_id]), data
    )
    # then
    assert response.status_code == 302
    assert not suspect.documents.exists()


def test_the_edit_form_of_a_victim_leaves_the_identity_out_even_for_a_holder(
    client_for, officer_fr, case_fr, victim_fr
):
    # when
    response = client_for(officer_fr).get(
        reverse("cases:person_edit", args=[case_fr.public_id, victim_fr.public_id])
    )
    # then
    content = response.content.decode()
    assert 'name="family_name"' not in content
    assert 'name="role"' in content
    assert_no_victim_identity(content)


def test_editing_a_victims_context_keeps_the_identity(
    client_for, supervisor_fr, case_fr, victim_fr
):
    # given: a supervisor without victim-identity access
    url = reverse("cases:person_edit", args=[case_fr.public_id, victim_fr.public_id])
    # when
    response = client_for(supervisor_fr).post(
        url,
        {
            "role": PersonRole.VICTIM,
            "sex": "F",
            "nationalities": "NGA",
            "referred_to_support": "on",
        },
    )
    # then
    assert response.status_code == 302
    victim_fr.refresh_from_db()
    assert victim_fr.referred_to_support is True
    assert victim_fr.family_name == "Okafor-Test"
    assert victim_fr.phones.count() == 1
    assert victim_fr.documents.count() == 1


def test_an_editor_without_victim_identity_cannot_lift_a_victims_protection_by_role(
    client_for, supervisor_fr, case_fr, victim_fr
):
    # when: a supervisor without victim-identity access makes the victim a witness
    response = client_for(supervisor_fr).post(
        reverse("cases:person_edit", args=[case_fr.public_id, victim_fr.public_id]),
        {"role": PersonRole.WITNESS, "sex": "F"},
    )
    # then
    assert response.context["form"].errors["role"]
    victim_fr.refresh_from_db()
    assert victim_fr.role == PersonRole.VICTIM
    assert_no_victim_identity(response.content.decode())


def test_a_holder_may_give_a_victim_another_role(client_for, officer_fr, case_fr, victim_fr):
    # when
    response = client_for(officer_fr).post(
        reverse("cases:person_edit", args=[case_fr.public_id, victim_fr.public_id]),
        {"role": PersonRole.WITNESS, "sex": "F"},
    )
    # then
    assert response.status_code == 302
    victim_fr.refresh_from_db()
    assert victim_fr.role == PersonRole.WITNESS


def test_a_holder_corrects_a_victims_identity_from_the_reveal(
    client_for, officer_fr, case_fr, victim_fr
):
    # given: the correction form offered in the reveal
    client = client_for(officer_fr)
    revealed = client.post(identity_url(case_fr, victim_fr), {"purpose": "Correct a typo"})
    editor = revealed.context["editor"]
    document = victim_fr.documents.get()
    # when
    response = client.post(
        reverse("cases:person_edit", args=[case_fr.public_id, victim_fr.public_id]),
        {
            "section": "identity",
            "family_name": "OKAFOR-TEST",
            "forenames": "Blessing Ada",
            "date_of_birth": "1998-05-14",
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "1",
            "documents-0-public_id": str(document.public_id),
            "documents-0-doc_type": "PASSPORT",
            "documents-0-number": "A00000001",
            "documents-0-issuing_state": "NGA",
            "documents-0-authenticity": "UNKNOWN",
            "phones-TOTAL_FORMS": "1",
            "phones-INITIAL_FORMS": "1",
            "phones-0-number": "+234 803 000 0001",
            "phones-0-kind": "MOBILE",
        },
        follow=True,
    )
    # then
    assert editor is not None
    assert "role" not in editor.form.fields
    victim_fr.refresh_from_db()
    assert victim_fr.forenames == "Blessing Ada"
    assert victim_fr.role == PersonRole.VICTIM
    assert "Victim V-1 saved." in response.content.decode()
    assert_no_victim_identity(response.content.decode())


def test_an_editor_without_victim_identity_cannot_post_an_identity_correction(
    client_for, supervisor_fr, case_fr, victim_fr
):
    # when
    response = client_for(supervisor_fr).post(
        reverse("cases:person_edit", args=[case_fr.public_id, victim_fr.public_id]),
        {"section": "identity", "family_name": "CHANGED-TEST"},
    )
    # then
    assert response.status_code == 404
    victim_fr.refresh_from_db()
    assert victim_fr.family_name == "Okafor-Test"


def test_an_analyst_cannot_edit_a_person_by_posting(client_for, analyst_fr, case_fr, suspect_fr):
    # when
    response = client_for(analyst_fr).post(
        reverse("cases:person_edit", args=[case_fr.public_id, suspect_fr.public_id]),
        person_post(family_name="ANALYST-TEST"),
    )
    # then
    assert response.status_code == 404
    suspect_fr.refresh_from_db()
    assert suspect_fr.family_name == "Moreau-Test"


# --- Vehicles ---------------------------------------------------------------------------------


def test_an_officer_adds_a_vehicle_held_by_a_victim_shown_by_pseudonym(
    client_for, officer_fr, case_fr, victim_fr, countries
):
    # when
    response = client_for(officer_fr).post(
        reverse("cases:vehicle_create", args=[case_fr.public_id]),
        {
            "vehicle_type": "CAR",
            "plate": "AB-123-TS",
            "registration_country": "FR",
            "holder": str(victim_fr.public_id),
        },
        follow=True,
    )
    # then
    vehicle = Vehicle.objects.get(case=case_fr)
    assert (vehicle.holder, vehicle.registration_country.iso2) == (victim_fr, "FR")
    content = response.content.decode()
    assert "Vehicle AB-123-TS added to the case." in content
    assert "Victim V-1" in content
    assert_no_victim_identity(content)


def test_a_vehicle_without_plate_is_refused_on_the_plate(client_for, officer_fr, case_fr):
    # when
    response = client_for(officer_fr).post(
        reverse("cases:vehicle_create", args=[case_fr.public_id]),
        {"vehicle_type": "CAR", "plate": "--"},
    )
    # then
    assert response.context["form"].errors["plate"]
    assert not Vehicle.objects.exists()


def test_an_officer_edits_and_removes_a_vehicle(client_for, officer_fr, case_fr, vehicle_fr):
    # given
    client = client_for(officer_fr)
    edit = reverse("cases:vehicle_edit", args=[case_fr.public_id, vehicle_fr.public_id])
    remove = reverse("cases:vehicle_remove", args=[case_fr.public_id, vehicle_fr.public_id])
    # when
    edited = client.post(edit, {"vehicle_type": "VAN", "plate": "TS-124-XX", "colour": "White"})
    vehicle_fr.refresh_from_db()
    removed = client.post(remove)
    # then
    assert (edited.status_code, vehicle_fr.plate, vehicle_fr.colour) == (302, "TS-124-XX", "White")
    assert removed.status_code == 302
    assert not Vehicle.objects.filter(pk=vehicle_fr.pk).exists()


@pytest.mark.parametrize("scenario", READ_ONLY + NON_READERS)
def test_users_who_may_not_edit_cannot_remove_a_vehicle(
    scenario, reader, client_for, case_fr, vehicle_fr
):
    # when
    response = client_for(reader(scenario)).post(
        reverse("cases:vehicle_remove", args=[case_fr.public_id, vehicle_fr.public_id])
    )
    # then
    assert response.status_code == 404
    assert Vehicle.objects.filter(pk=vehicle_fr.pk).exists()


def test_a_shared_read_write_ncb_edits_a_vehicle(reader, client_for, case_fr, vehicle_fr):
    # when
    response = client_for(reader("shared_read_write")).post(
        reverse("cases:vehicle_edit", args=[case_fr.public_id, vehicle_fr.public_id]),
        {"vehicle_type": "TRUCK", "plate": "TS-123-XX"},
    )
    # then
    assert response.status_code == 302
    vehicle_fr.refresh_from_db()
    assert vehicle_fr.vehicle_type == "TRUCK"


def test_removing_a_vehicle_needs_post(client_for, officer_fr, case_fr, vehicle_fr):
    # when
    response = client_for(officer_fr).get(
        reverse("cases:vehicle_remove", args=[case_fr.public_id, vehicle_fr.public_id])
    )
    # then
    assert response.status_code == 405
    assert Vehicle.objects.filter(pk=vehicle_fr.pk).exists()


def test_an_analyst_of_the_owner_ncb_reads_but_cannot_edit(
    client_for, case_fr, ncb_fr, suspect_fr
):
    # given
    analyst = officer_user("analyst_two", ncb_fr, OfficerRole.ANALYST)
    client = client_for(analyst)
    # when
    tab = client.get(reverse("cases:persons", args=[case_fr.public_id]))
    # then
    assert tab.status_code == 200
    assert reverse("cases:person_create", args=[case_fr.public_id]) not in tab.content.decode()


def test_the_reveal_of_a_person_who_is_not_protected_leads_to_their_page(
    client_for, officer_fr, case_fr, suspect_fr
):
    # when
    response = client_for(officer_fr).get(identity_url(case_fr, suspect_fr))
    # then
    assert response.status_code == 302
    assert response.url == reverse(
        "cases:person_detail", args=[case_fr.public_id, suspect_fr.public_id]
    )


def test_the_person_page_query_count_does_not_grow_with_documents_phones_and_cases(
    client_for, officer_fr, case_fr, suspect_fr, django_assert_num_queries
):
    # given: the cost of the page of a suspect seen in one other case
    client = client_for(officer_fr)
    url = reverse("cases:person_detail", args=[case_fr.public_id, suspect_fr.public_id])
    phone = "+33 1 99 00 10 01"

    def another_case_with_the_phone():
        other = services.case_create(
            actor=officer_fr, data={"title": "Other", "offence_type": "THB"}
        )
        services.person_create(
            actor=officer_fr, case=other, data={"role": PersonRole.SUSPECT, "phones": [phone]}
        )

    def give_documents_and_vehicles(count):
        services.person_update(
            actor=officer_fr,
            person=suspect_fr,
            data={"documents": [{"number": f"D{index:07d}"} for index in range(count)]},
        )
        for index in range(count):
            services.vehicle_add(
                actor=officer_fr,
                case=case_fr,
                data={"plate": f"VH-{count}-{index}-TS", "holder": suspect_fr},
            )

    another_case_with_the_phone()
    give_documents_and_vehicles(1)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    # when: five more cases know the phone, and the suspect gets documents and vehicles
    for _ in range(5):
        another_case_with_the_phone()
    give_documents_and_vehicles(4)
    # then
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("also in") == 6  # the phone, in each other case
