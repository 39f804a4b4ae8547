"""Object-level access sweep: every browser URL and API route that names an object by id
answers an officer of another NCB exactly as it answers for an id that does not exist (404,
never 403 nor a hint), changes nothing, and the attempt on an existing object is audited.

The routes are enumerated from the URL configuration, so a route added later is swept too:
a new kind of id fails `test_every_id_in_a_route_is_known_to_the_sweep` until the sweep
knows which object to try it with.
"""

import io
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

from contacts.models import ApiToken, NationalCentralBureau, SubRegionalBureau
from contacts.services import api_token_create
from evidence.models import DossierExport, EvidenceFile, EvidenceItem
from messages_hst.models import Delivery, HSTMessage, InboundMessage, TrackedRequest
from ncb_cases.choices import AuditAction
from ncb_cases.models import (
    Asset,
    AuditEvent,
    Case,
    CaseLink,
    CaseShare,
    Meeting,
    MeetingActionItem,
    MeetingDocument,
    OrganisedCrimeGroup,
    Person,
    RouteLeg,
    SupportReferral,
    Task,
    Vehicle,
)
from ncb_cases.selectors.access import visible_cases
from ncb_cases.services.meetings import meeting_document_add
from reports.models import PeriodReport
from tests.factories import VehicleFactory
from tests.messages_hst.factories import InboundMessageFactory

pytestmark = pytest.mark.django_db

# Open to every member of an NCB: the directory, the legislation tracker, support organisations.
PUBLIC_DIRECTORY = (
    "contacts:",
    "country-",
    "ncb-",
    "contact-point-",
    "legislation-",
    "support-organisation-",
)
# Region codes name no object: a region not yours is a 404 like an unknown one (checked),
# with nothing to audit against.
NOT_AN_OBJECT = {"code", "fmt", "key", "action", "recipient"}
MISSING_INT = 987654321
EUROPE = "RB-EUR"


def _routes(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            keys = set(pattern.pattern.regex.groupindex)
            if keys:
                yield f"{namespace}{pattern.name}", frozenset(keys)


def routes_with_ids() -> list[tuple[str, frozenset]]:
    found = {
        (name, keys)
        for name, keys in _routes(get_resolver().url_patterns)
        if not name.startswith(("admin:", *PUBLIC_DIRECTORY))
    }
    return sorted(found)


ROUTES = routes_with_ids()


def object_kind(name: str, key: str) -> str:
    """Which object a route's id names (`public_id` depends on the route)."""
    if key != "public_id":
        return key
    for prefix, kind in (
        ("case-person", "person_id"),
        ("case-group", "group_id"),
        ("case-route-leg", "leg_id"),
        ("case-vehicle", "vehicle_id"),
        ("case-link", "link_id"),
        ("case-task", "task_id"),
        ("case-share", "share_id"),
        ("case-", "case_id"),
        ("evidence-", "item_id"),
        ("dossier-", "dossier_id"),
        ("inbound-message", "inbound_id"),
        ("messages_hst:inbound", "inbound_id"),
        ("period-report", "report_id"),
    ):
        if name.startswith(prefix):
            return kind
    return f"public_id of {name}"


KNOWN_KINDS = {
    "case_id", "person_id", "group_id", "leg_id", "vehicle_id", "link_id", "task_id",
    "share_id", "item_id", "dossier_id", "message_id", "inbound_id", "tracked_id",
    "delivery_id", "token_id", "action", "recipient", "asset_id", "referral_id",
    "meeting_id", "document_id", "action_item_id", "report_id", "code", "fmt", "key",
    "file_id",
}  # fmt: skip


def test_every_id_in_a_route_is_known_to_the_sweep():
    unknown = {
        (name, object_kind(name, key))
        for name, keys in ROUTES
        for key in keys
        if object_kind(name, key) not in KNOWN_KINDS
    }
    assert not unknown, f"teach the sweep these ids: {sorted(unknown)}"


@pytest.fixture
def france_world(settings, tmp_path):
    """The demo, and one object of each kind that belongs to France (INTERPOL Paris)."""
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", password="sweep-demo-password-1", stdout=io.StringIO())
    case = (
        Case.objects.filter(owner_ncb__code="FR", persons__isnull=False)
        .filter(route_legs__isnull=False, crime_groups__isnull=False)
        .distinct()
        .first()
    )
    _top_up_what_the_demo_lacks(case)
    delivery = Delivery.objects.filter(message__sender_ncb__code="FR").first()
    meeting = Meeting.objects.filter(organising_ncb__code="FR").first()
    return {
        "asset_id": _first_id(Asset.objects.filter(case__owner_ncb__code="FR")),
        "referral_id": _first_id(SupportReferral.objects.filter(case__owner_ncb__code="FR")),
        "meeting_id": meeting.public_id,
        "document_id": _first_id(MeetingDocument.objects.filter(meeting=meeting)),
        "action_item_id": _first_id(MeetingActionItem.objects.filter(meeting=meeting), "pk"),
        "report_id": _first_id(PeriodReport.objects.filter(bureau__code=EUROPE)),
        "code": EUROPE,
        "fmt": "csv",
        "key": "cases_by_month",
        "case_id": case.public_id,
        "person_id": Person.objects.filter(case=case).first().public_id,
        "group_id": OrganisedCrimeGroup.objects.filter(case=case).first().public_id,
        "leg_id": RouteLeg.objects.filter(case=case).first().public_id,
        "vehicle_id": _first_id(Vehicle.objects.filter(case__owner_ncb__code="FR")),
        "link_id": _first_id(CaseLink.objects.filter(from_case__owner_ncb__code="FR")),
        "task_id": _first_id(Task.objects.filter(case__owner_ncb__code="FR")),
        "share_id": _first_id(CaseShare.objects.filter(case__owner_ncb__code="FR")),
        "item_id": _first_id(EvidenceItem.objects.filter(case__owner_ncb__code="FR")),
        "file_id": _first_id(EvidenceFile.objects.filter(item__case__owner_ncb__code="FR")),
        "message_id": _first_id(
            HSTMessage.objects.filter(sender_ncb__code="FR"), field="message_id"
        ),
        "inbound_id": _first_id(InboundMessage.objects.filter(recipient_ncb__code="FR")),
        "tracked_id": _first_id(TrackedRequest.objects.filter(ncb__code="FR"), field="pk"),
        "delivery_id": delivery.pk if delivery else None,
        "token_id": _first_id(ApiToken.objects.filter(user__username="officer_fr"), field="pk"),
        "dossier_id": _first_id(DossierExport.objects.filter(case__owner_ncb__code="FR")),
        "action": "sealed",
        "recipient": delivery.recipient_ncb.code if delivery else "IT",
    }


def _top_up_what_the_demo_lacks(case: Case) -> None:
    officer_fr = get_user_model().objects.get(username="officer_fr")
    france = NationalCentralBureau.objects.get(code="FR")
    if not Vehicle.objects.filter(case=case).exists():
        VehicleFactory(case=case)
    if not CaseLink.objects.filter(from_case=case).exists():
        other = Case.objects.filter(owner_ncb=france).exclude(pk=case.pk).first()
        CaseLink.objects.create(from_case=case, to_case=other, created_by=officer_fr)
    if not DossierExport.objects.filter(case=case).exists():
        DossierExport.objects.create(
            case=case, purpose="Fictitious court request (sweep)", requested_by=officer_fr
        )
    if not InboundMessage.objects.filter(recipient_ncb=france).exists():
        InboundMessageFactory(
            recipient_ncb=france,
            recipient_code="FR",
            sender_code="IT",
            sender_ncb=NationalCentralBureau.objects.get(code="IT"),
            message_id=uuid.uuid4(),
        )
    meeting = Meeting.objects.filter(organising_ncb=france).first()
    if not MeetingDocument.objects.filter(meeting=meeting).exists():
        meeting_document_add(
            actor=get_user_model().objects.get(username="supervisor_fr"),
            meeting=meeting,
            title="Agenda (sweep)",
            upload=SimpleUploadedFile("agenda.txt", b"1. Routes\n", content_type="text/plain"),
        )
    if not PeriodReport.objects.filter(bureau__code=EUROPE).exists():
        PeriodReport.objects.create(
            bureau=SubRegionalBureau.objects.get(code=EUROPE), year=2026, quarter=2
        )
    if not ApiToken.objects.filter(user=officer_fr).exists():
        api_token_create(user=officer_fr, name="sweep")


def _first_id(queryset, field="public_id"):
    found = queryset.first()
    return getattr(found, field) if found else None


def _missing(value):
    if isinstance(value, uuid.UUID):
        return uuid.uuid4()
    if isinstance(value, int):
        return MISSING_INT
    return value


def test_another_ncb_gets_what_a_missing_id_gets_on_every_route(
    france_world, client_for, api_client_for
):
    # A supervisor of another NCB: the role that reaches the most code (approvals, audit
    # trails, shares) before access control answers.
    outsider = get_user_model().objects.get(username="supervisor_br")
    assert not visible_cases(outsider).filter(owner_ncb__code="FR").exists()
    browser, api = client_for(outsider), api_client_for(outsider)
    problems, swept = [], 0
    for name, keys in ROUTES:
        kinds = {key: object_kind(name, key) for key in keys}
        existing = {key: france_world.get(kind) for key, kind in kinds.items()}
        if any(value is None for value in existing.values()):
            problems.append(f"{name}: the demo has no {kinds}: give the sweep one")
            continue
        missing = {key: _missing(value) for key, value in existing.items()}
        client = api if name[0] not in ":" and ":" not in name else browser
        for method in ("get", "post"):
            denied_before = AuditEvent.objects.filter(
                actor=outsider, action=AuditAction.DENIED
            ).count()
            foreign = getattr(client, method)(reverse(name, kwargs=existing))
            absent = getattr(client, method)(reverse(name, kwargs=missing))
            swept += 1
            if foreign.status_code != absent.status_code or 200 <= foreign.status_code < 300:
                problems.append(
                    f"{method.upper()} {name}: {foreign.status_code} for France's object, "
                    f"{absent.status_code} for a missing one"
                )
            elif (
                foreign.status_code == 404
                and not NOT_AN_OBJECT.issuperset(kinds.values())
                and not AuditEvent.objects.filter(
                    actor=outsider, action=AuditAction.DENIED
                ).count()
                > denied_before
            ):
                problems.append(f"{method.upper()} {name}: the refused attempt is not audited")
    assert swept > 100
    assert problems == [], "\n".join(problems)
