"""The tasks and timeline tabs of a case: reading, adding tasks and notes, completing tasks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ncb_cases import services
from ncb_cases.choices import AuditAction, NoteKind
from ncb_cases.models import AuditEvent, CaseNote, Task
from tests.ncb_cases.views import case_scenarios
from tests.ncb_cases.views.case_scenarios import EDITORS, NON_READERS, READ_ONLY, READERS

pytestmark = pytest.mark.django_db

reader = case_scenarios.reader


def case_url(name, case, *args):
    return reverse(f"cases:{name}", args=[case.public_id, *args])


@pytest.fixture
def task_fr(case_fr, officer_fr):
    return services.task_create(
        actor=officer_fr,
        case=case_fr,
        title="Ask Italy for the Lampedusa landing records",
        assignee=officer_fr,
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )


# --- Tasks ------------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", READERS)
def test_readers_see_the_tasks_of_the_case(client_for, reader, case_fr, task_fr, scenario):
    # when
    response = client_for(reader(scenario)).get(case_url("tasks", case_fr))
    # then
    assert response.status_code == 200
    assert task_fr.title in response.content.decode()


@pytest.mark.parametrize(
    ("scenario", "has_form"), [(s, True) for s in EDITORS] + [(s, False) for s in READ_ONLY]
)
def test_only_editors_get_the_new_task_form(client_for, reader, case_fr, scenario, has_form):
    # when
    response = client_for(reader(scenario)).get(case_url("tasks", case_fr))
    # then
    assert (response.context["form"] is not None) is has_form


@pytest.mark.parametrize("scenario", EDITORS)
def test_editors_add_a_task_for_a_colleague_with_a_due_date(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    due = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    # when
    response = client_for(reader(scenario)).post(
        case_url("tasks", case_fr),
        {
            "task-title": "Interview the landlord",
            "task-assignee": officer_fr.pk,
            "task-due_on": due,
        },
        follow=True,
    )
    # then
    task = Task.objects.get(title="Interview the landlord")
    assert (task.case, task.assignee, task.due_on.isoformat()) == (case_fr, officer_fr, due)
    assert "Task “Interview the landlord” added." in response.content.decode()


@pytest.mark.parametrize("scenario", [*READ_ONLY, *NON_READERS])
def test_those_who_may_not_change_the_case_cannot_add_tasks(client_for, reader, case_fr, scenario):
    # when
    response = client_for(reader(scenario)).post(
        case_url("tasks", case_fr), {"task-title": "Should not exist"}
    )
    # then
    assert response.status_code == 404
    assert not Task.objects.filter(title="Should not exist").exists()


def test_a_task_without_a_title_is_refused_on_its_field(client_for, officer_fr, case_fr):
    # when
    response = client_for(officer_fr).post(case_url("tasks", case_fr), {"task-title": ""})
    # then
    assert response.status_code == 200
    assert "title" in response.context["form"].errors


def test_a_task_cannot_be_assigned_to_someone_who_may_not_see_the_case(
    client_for, officer_fr, officer_de, case_fr
):
    # when
    response = client_for(officer_fr).post(
        case_url("tasks", case_fr), {"task-title": "Call Berlin", "task-assignee": officer_de.pk}
    )
    # then
    assert "assignee" in response.context["form"].errors
    assert not Task.objects.filter(title="Call Berlin").exists()


def test_the_new_task_form_offers_colleagues_of_ncbs_the_case_is_shared_with(
    client_for, reader, officer_fr, case_fr
):
    # given
    officer_de = reader("shared_read")
    # when
    form = client_for(officer_fr).get(case_url("tasks", case_fr)).context["form"]
    # then
    assert {officer_fr, officer_de} <= set(form.fields["assignee"].queryset)


def test_overdue_tasks_are_marked(client_for, officer_fr, case_fr):
    # given
    services.task_create(
        actor=officer_fr,
        case=case_fr,
        title="Late task",
        due_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    # when
    page = client_for(officer_fr).get(case_url("tasks", case_fr)).content.decode()
    # then
    assert "Overdue since" in page


@pytest.mark.parametrize("scenario", EDITORS)
def test_editors_complete_a_task(client_for, reader, case_fr, task_fr, scenario):
    # when
    response = client_for(reader(scenario)).post(
        case_url("task_complete", case_fr, task_fr.public_id)
    )
    # then
    assert response.status_code == 302
    task_fr.refresh_from_db()
    assert task_fr.is_done


def test_a_read_only_assignee_completes_their_own_task(client_for, reader, officer_fr, case_fr):
    # given
    officer_de = reader("shared_read")
    task = services.task_create(
        actor=officer_fr, case=case_fr, title="Check the German register", assignee=officer_de
    )
    client = client_for(officer_de)
    # when
    page = client.get(case_url("tasks", case_fr)).content.decode()
    response = client.post(case_url("task_complete", case_fr, task.public_id))
    # then
    assert case_url("task_complete", case_fr, task.public_id) in page
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_by == officer_de


@pytest.mark.parametrize("scenario", [*READ_ONLY, *NON_READERS])
def test_others_cannot_complete_a_task_that_is_not_theirs(
    client_for, reader, case_fr, task_fr, scenario
):
    # when
    response = client_for(reader(scenario)).post(
        case_url("task_complete", case_fr, task_fr.public_id)
    )
    # then
    assert response.status_code == 404
    task_fr.refresh_from_db()
    assert not task_fr.is_done


def test_completing_a_task_twice_says_it_is_already_done(client_for, officer_fr, case_fr, task_fr):
    # given
    client = client_for(officer_fr)
    client.post(case_url("task_complete", case_fr, task_fr.public_id))
    # when
    response = client.post(case_url("task_complete", case_fr, task_fr.public_id), follow=True)
    # then
    assert "already done" in response.content.decode()


def test_a_task_of_another_case_is_a_404_under_this_case(
    client_for, officer_fr, case_fr, task_fr, ncb_fr
):
    # given
    other = services.case_create(actor=officer_fr, data={"title": "Other French case"})
    # when
    response = client_for(officer_fr).post(case_url("task_complete", other, task_fr.public_id))
    # then
    assert response.status_code == 404


# --- Timeline ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", READERS)
def test_readers_see_the_timeline(client_for, reader, case_fr, scenario):
    # when
    response = client_for(reader(scenario)).get(case_url("timeline", case_fr))
    # then
    assert response.status_code == 200
    assert f"Case {case_fr.reference} opened." in response.content.decode()


@pytest.mark.parametrize("scenario", EDITORS)
def test_editors_add_a_note_to_the_timeline(client_for, reader, case_fr, scenario):
    # when
    response = client_for(reader(scenario)).post(
        case_url("timeline", case_fr), {"note-text": "Spoke with the labour inspectorate."}
    )
    # then
    assert response.status_code == 302
    note = CaseNote.objects.filter(case=case_fr, kind=NoteKind.NOTE).get()
    assert note.text == "Spoke with the labour inspectorate."
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="casenote").exists()


@pytest.mark.parametrize("scenario", [*READ_ONLY, *NON_READERS])
def test_those_who_may_not_change_the_case_cannot_add_notes(client_for, reader, case_fr, scenario):
    # when
    response = client_for(reader(scenario)).post(
        case_url("timeline", case_fr), {"note-text": "Should not exist"}
    )
    # then
    assert response.status_code == 404
    assert not CaseNote.objects.filter(kind=NoteKind.NOTE).exists()


def test_an_empty_note_is_refused_on_its_field(client_for, officer_fr, case_fr):
    # when
    response = client_for(officer_fr).post(case_url("timeline", case_fr), {"note-text": "  "})
    # then
    assert response.status_code == 200
    assert "text" in response.context["form"].errors


def test_timeline_is_paginated_newest_first(client_for, officer_fr, case_fr):
    # given
    for index in range(60):
        services.case_note_add(actor=officer_fr, case=case_fr, text=f"Note number {index}")
    # when
    response = client_for(officer_fr).get(case_url("timeline", case_fr))
    # then
    page = response.context["page"]
    assert len(page.object_list) == 50
    assert page.object_list[0].text == "Note number 59"
    assert page.paginator.num_pages == 2


@pytest.mark.parametrize("notes", [1, 30])
def test_timeline_runs_a_constant_number_of_queries(
    client_for, officer_fr, case_fr, notes, django_assert_max_num_queries
):
    # given
    for index in range(notes):
        services.case_note_add(actor=officer_fr, case=case_fr, text=f"Note number {index}")
    client = client_for(officer_fr)
    # when
    with django_assert_max_num_queries(14):
        response = client.get(case_url("timeline", case_fr))
    # then
    assert len(response.context["page"].object_list) == notes + 1


@pytest.mark.parametrize("tasks", [1, 20])
def test_tasks_tab_runs_a_constant_number_of_queries(
    client_for, officer_fr, case_fr, tasks, django_assert_max_num_queries
):
    # given
    for index in range(tasks):
        task = services.task_create(
            actor=officer_fr, case=case_fr, title=f"Task {index}", assignee=officer_fr
        )
        if index % 2:
            services.task_complete(actor=officer_fr, task=task)
    client = client_for(officer_fr)
    # when
    with django_assert_max_num_queries(15):
        response = client.get(case_url("tasks", case_fr))
    # then
    assert len(response.context["open_tasks"]) + len(response.context["done_tasks"]) == tasks
