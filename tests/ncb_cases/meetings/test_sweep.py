"""Every meeting route, page or API, answers an outsider (a supervisor of an NCB that takes no
part) exactly as for an id that does not exist, changes nothing, and audits the attempt: the
object-level sweep of the whole instance, for the meeting routes."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent, Meeting
from ncb_cases.services.meetings import meeting_document_add
from tests.ncb_cases.meetings.factories import action_item

pytestmark = pytest.mark.django_db


def _routes(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            keys = set(pattern.pattern.regex.groupindex)
            if keys:
                yield f"{namespace}{pattern.name}", frozenset(keys)


MEETING_ROUTES = sorted(
    {
        (name, keys)
        for name, keys in _routes(get_resolver().url_patterns)
        if name.startswith(("meetings:", "meeting-"))
    }
)


def test_the_meeting_routes_are_found():
    names = {name for name, _ in MEETING_ROUTES}
    assert {"meetings:detail", "meetings:document", "meeting-detail"} <= names


def test_outsider_gets_what_a_missing_id_gets_on_every_meeting_route(
    settings,
    tmp_path,
    client_for,
    api_client_for,
    supervisor_fr,
    supervisor_de,
    meeting_fr,
    ncb_it,
):
    # given
    settings.VAR_DIR = tmp_path
    document = meeting_document_add(
        actor=supervisor_fr,
        meeting=meeting_fr,
        title="Agenda",
        upload=SimpleUploadedFile("agenda.txt", b"1. Routes\n", content_type="text/plain"),
    )
    existing = {
        "meeting_id": meeting_fr.public_id,
        "document_id": document.public_id,
        "action_item_id": action_item(meeting_fr, ncb_it).pk,
    }
    missing = {"meeting_id": uuid.uuid4(), "document_id": uuid.uuid4(), "action_item_id": 987654}
    before = Meeting.objects.values_list("title", "updated_at").get()
    browser, api = client_for(supervisor_de), api_client_for(supervisor_de)
    problems = []
    # when
    for name, keys in MEETING_ROUTES:
        client = browser if ":" in name else api
        for method in ("get", "post", "patch"):
            denied = AuditEvent.objects.filter(actor=supervisor_de, action=AuditAction.DENIED)
            denied_before = denied.count()
            foreign = getattr(client, method)(reverse(name, kwargs={k: existing[k] for k in keys}))
            absent = getattr(client, method)(reverse(name, kwargs={k: missing[k] for k in keys}))
            if foreign.status_code != absent.status_code or foreign.status_code < 300:
                problems.append(f"{method} {name}: {foreign.status_code} / {absent.status_code}")
            elif foreign.status_code == 404 and denied.count() == denied_before:
                problems.append(f"{method} {name}: not audited")
    # then
    assert problems == []
    assert Meeting.objects.values_list("title", "updated_at").get() == before
