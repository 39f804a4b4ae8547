"""Fixtures of the authoring tests (selectors, compose, services): a French THB case with a
suspect, an adult victim, a child victim, a route, a vehicle and a crime group, and helpers
that run a message through the real services. Import the fixtures a module uses:
`from tests.messages_hst.authoring_fixtures import case_fr, compose  # noqa: F401`."""

import datetime as dt

import pytest
from guardian.shortcuts import assign_perm

from messages_hst import services
from messages_hst.choices import MessageStatus
from messages_hst.models import HSTMessage
from ncb_cases.choices import (
    BorderCrossingMethod,
    DocumentAuthenticity,
    ExploitationForm,
    PersonRole,
    RouteStage,
    Sex,
    TransportMode,
)
from ncb_cases.models import (
    CaseExploitationForm,
    GroupMembership,
    OrganisedCrimeGroup,
    RouteLeg,
)
from tests.factories import (
    CaseFactory,
    IdentityDocumentFactory,
    PersonFactory,
    PersonPhoneFactory,
    VehicleFactory,
    VictimFactory,
    country,
)
from tests.messages_hst.examples import P1_MRZ

SUSPECT_PHONE = "+442079460123"
VICTIM_PHONE = "+442079460456"


@pytest.fixture
def case_fr(ncb_fr, ncb_de, officer_fr):
    """FR's THB case: recruited in Nigeria, moved through Germany, exploited in France."""
    case = CaseFactory(
        owner_ncb=ncb_fr,
        created_by=officer_fr,
        title="Coach network Lyon (test)",
        summary="Fictitious test case: women recruited through a false job offer and "
        "exploited in rented flats in Lyon.",
        handling_codes=["H0", "H2"],
        palermo_acts=["RECRUITMENT", "TRANSPORTATION"],
        palermo_means=["DECEPTION"],
        palermo_purposes=["SEXUAL"],
        source_reliability="B",
        information_accuracy="2",
        opened_on=dt.date(2025, 3, 1),
    )
    CaseExploitationForm.objects.create(case=case, form=ExploitationForm.SEXUAL)
    suspect = PersonFactory(
        case=case,
        role=PersonRole.SUSPECT,
        family_name="Durand-Test",
        forenames="Camille",
        date_of_birth="1984-05-17",
        roles_in_process=["RECRUITER", "EXPLOITER"],
    )
    PersonPhoneFactory(person=suspect, number=SUSPECT_PHONE)
    IdentityDocumentFactory(
        person=suspect,
        number="24FT00123",
        issuing_state="FRA",
        issued_on=dt.date(2024, 3, 2),
        expires_on=dt.date(2034, 3, 1),
        authenticity=DocumentAuthenticity.GENUINE,
        mrz="\n".join(P1_MRZ),
    )
    victim = VictimFactory(
        case=case,
        exploitation_started_on=dt.date(2025, 2, 1),
        means_of_control=["DEBT_BONDAGE"],
        recruitment_methods=["JOB_OFFER"],
    )
    PersonPhoneFactory(person=victim, number=VICTIM_PHONE)
    IdentityDocumentFactory(person=victim, withheld_by_exploiter=True)
    leg = RouteLeg.objects.create(
        case=case,
        seq=1,
        stage=RouteStage.TRANSIT,
        from_country=country("NG"),
        from_place="Lagos",
        to_country=country("DE"),
        to_place="Munich",
        mode=TransportMode.AIR,
        border_crossing_regular=True,
        border_crossing_method=BorderCrossingMethod.OFFICIAL_CROSSING_POINT,
        departed_on=dt.date(2025, 1, 28),
        arrived_on=dt.date(2025, 1, 28),
    )
    leg.persons.set([suspect, victim])
    RouteLeg.objects.create(
        case=case,
        seq=2,
        stage=RouteStage.DESTINATION,
        from_country=country("DE"),
        from_place="Munich",
        to_country=ncb_fr.country,
        to_place="Lyon",
        mode=TransportMode.ROAD,
        departed_on=dt.date(2025, 1, 30),
        arrived_on=dt.date(2025, 1, 31),
    ).persons.set([victim])
    VehicleFactory(
        case=case, holder=suspect, plate="M-TE 1234", registration_country=country("DE")
    )
    group = OrganisedCrimeGroup.objects.create(
        case=case, name="Lyon coach network (test)", created_by=officer_fr
    )
    GroupMembership.objects.create(group=group, person=suspect)
    return case


@pytest.fixture
def child_victim(case_fr):
    """A 15-year-old victim of the case (identity protected, a minor)."""
    return VictimFactory(
        case=case_fr,
        family_name="Child-Test",
        forenames="Ada",
        sex=Sex.F,
        date_of_birth="2010-04-01",
        exploitation_started_on=dt.date(2025, 2, 1),
    )


@pytest.fixture
def identity_holder(officer_fr, case_fr):
    """`officer_fr` holding the case's victim-identity permission."""
    assign_perm("view_victim_identity", officer_fr, case_fr)
    return officer_fr


class EnqueuedPks(list):
    """Stands in for a task's `apply_async`: records the pk it is sent, runs nothing."""

    def apply_async(self, args=(), **options) -> None:
        self.append(args[0])


def record_enqueued(monkeypatch, task_name: str = "compose_message") -> EnqueuedPks:
    """The pks `messages_hst.tasks.<task_name>` is enqueued with during the test (the task
    itself does not run); one list per task shared by the fixtures below."""
    from messages_hst import tasks

    current = getattr(tasks, task_name).apply_async
    if isinstance(getattr(current, "__self__", None), EnqueuedPks):
        return current.__self__
    enqueued = EnqueuedPks()
    monkeypatch.setattr(f"messages_hst.tasks.{task_name}.apply_async", enqueued.apply_async)
    return enqueued


@pytest.fixture
def compose(monkeypatch, django_capture_on_commit_callbacks):
    """`compose(actor, case, message_type="INFO", **kwargs)`: a message started through
    `message_compose_start` and built by the compose task's body once the start commits."""
    enqueued = record_enqueued(monkeypatch)

    def run(actor, case, message_type="INFO", recipients=("DE",), **kwargs):
        kwargs.setdefault("priority", "URGENT" if message_type == "ALERT" else "ROUTINE")
        with django_capture_on_commit_callbacks(execute=True):
            message = services.message_compose_start(
                actor=actor, case=case, message_type=message_type, recipients=recipients,
                **kwargs,
            )  # fmt: skip
        assert enqueued[-1] == message.pk
        return services.message_compose_build(message.pk)

    return run


@pytest.fixture
def follow_up(monkeypatch, django_capture_on_commit_callbacks):
    """`follow_up(start, **kwargs)`: run a follow-up or reply service (`start`) and build it."""
    enqueued = record_enqueued(monkeypatch)

    def run(start, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            message = start(**kwargs)
        assert enqueued[-1] == message.pk
        return services.message_compose_build(message.pk)

    return run


def submitted(message: HSTMessage, actor) -> HSTMessage:
    return services.message_submit(actor=actor, message=message)


def approved(message: HSTMessage, *, author, approver) -> HSTMessage:
    """`message` (a DRAFT) submitted by `author` and approved by `approver`."""
    if message.status == MessageStatus.DRAFT:
        message = services.message_submit(actor=author, message=message)
    return services.message_approve(actor=approver, message=message, override_warnings=True)
