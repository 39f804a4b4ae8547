"""The evidence part of `manage.py seed_demo` (evidence/demo.py): items with custody chains on
the demo cases, a signed checkpoint, and a dossier of demo data that the offline verifier
accepts when run as a court would (another directory, no project on the path)."""

import shutil
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from evidence import dossiers, storage
from evidence.choices import CustodyAction, DossierStatus, EvidenceKind, EvidenceState
from evidence.demo import DEMO_ITEMS, MAMA_JOY_FR, MLA_FR_IT, seed_evidence_demo
from evidence.models import CustodyCheckpoint, CustodyEvent, EvidenceFile, EvidenceItem
from evidence.selectors import evidence_awaiting_acceptance_for_user
from evidence.verification import custody_verify_all
from ncb_cases.models import AuditEvent
from tests.evidence.factories import use_temporary_store
from tests.evidence.test_dossiers import _verify_offline

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "demo-password-0123"


@pytest.fixture(autouse=True)
def demo_var_dir(settings, tmp_path):
    """Keep var/ of the checkout untouched (password, signing key, evidence files)."""
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    use_temporary_store(settings, tmp_path)
    return tmp_path


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", "--password", PASSWORD, stdout=out)
    return out.getvalue()


def evidence_counts() -> dict[str, int]:
    models = (EvidenceItem, CustodyEvent, EvidenceFile, CustodyCheckpoint, AuditEvent)
    return {model.__name__: model.objects.count() for model in models}


def demo_phone() -> EvidenceItem:
    return EvidenceItem.objects.get(
        case__title=MAMA_JOY_FR, kind=EvidenceKind.DIGITAL, files__isnull=False
    )


def test_seed_demo_registers_every_demo_item_with_its_chain_and_signs_a_checkpoint():
    # when
    output = seed_demo()
    # then
    events = CustodyEvent.objects.count()
    assert EvidenceItem.objects.count() == len(DEMO_ITEMS) == 7
    assert events == len(DEMO_ITEMS) + sum(len(demo.steps) for demo in DEMO_ITEMS)
    assert CustodyCheckpoint.objects.get().tree_size == events
    assert (
        f"Demo evidence: 7 items created (0 already present), {events} custody events, 1 file(s); "
        f"checkpoint signed over {events} events." in output
    )


def test_second_seed_demo_creates_no_evidence_and_signs_no_checkpoint():
    # given
    seed_demo()
    before = evidence_counts()
    # when
    output = seed_demo()
    # then
    assert evidence_counts() == before
    assert "Demo evidence: 0 items created (7 already present), 0 custody events" in output


def test_second_seed_of_the_evidence_demo_costs_a_handful_of_queries(
    django_assert_max_num_queries,
):
    # given
    seed_demo()
    # when
    with django_assert_max_num_queries(5):
        report = seed_evidence_demo()
    # then
    assert (report.items_created, report.items_present) == (0, 7)


def test_demo_chains_and_checkpoints_verify():
    # given
    seed_demo()
    # when
    report = custody_verify_all()
    # then
    assert report.ok, str(report)
    assert report.chains.chain.events_checked == CustodyEvent.objects.count()
    assert not EvidenceItem.objects.filter(integrity_failed=True).exists()


def test_demo_phone_is_handed_over_inside_ncb_paris_then_sent_to_italy_under_an_mla():
    # given
    seed_demo()
    phone = demo_phone()
    # when
    events = {event.action: event for event in phone.custody_events.select_related("recorded_by")}
    # then
    released, accepted = events[CustodyAction.RELEASED], events[CustodyAction.ACCEPTED]
    assert released.recorded_by.username == "officer_fr"
    assert accepted.recorded_by.username == "supervisor_fr"
    sent = events[CustodyAction.SENT_ABROAD]
    assert (sent.from_country, sent.to_country) == ("FR", "IT")
    assert sent.legal_authority == MLA_FR_IT
    assert phone.state == EvidenceState.IN_TRANSIT


def test_demo_leaves_a_transfer_awaiting_acceptance_by_supervisor_fr():
    # given
    seed_demo()
    supervisor_fr = User.objects.get(username="supervisor_fr")
    # when
    awaiting = evidence_awaiting_acceptance_for_user(user=supervisor_fr)
    # then
    assert [item.kind for item in awaiting] == [EvidenceKind.FINANCIAL]


def test_demo_covers_every_kind_but_physical_and_presents_items_in_court():
    # given
    seed_demo()
    # when
    kinds = set(EvidenceItem.objects.values_list("kind", flat=True))
    in_court = CustodyEvent.objects.filter(action=CustodyAction.PRESENTED_IN_COURT).count()
    # then
    assert kinds == set(EvidenceKind.values) - {EvidenceKind.PHYSICAL}
    assert in_court == 2


def test_demo_evidence_is_plainly_fictitious():
    # given
    seed_demo()
    # when
    items = list(EvidenceItem.objects.all())
    # then
    for item in items:
        assert "fictitious" in item.description
        assert "fictitious" in item.legal_authority
    with storage.content_open(demo_phone().files.get().sha256) as chat_log:
        assert chat_log.read().startswith(b"FICTITIOUS CHAT LOG")


def test_dossier_of_the_demo_phone_verifies_with_the_offline_verifier_elsewhere(tmp_path):
    # given
    seed_demo()
    phone = demo_phone()
    export = dossiers.dossier_export_request(
        actor=User.objects.get(username="supervisor_fr"),
        case=phone.case,
        item=phone,
        purpose=f"{MLA_FR_IT}, Tribunale di Roma (demo)",
        include_files=True,
    )
    export = dossiers.dossier_build(export.pk)
    assert export.status == DossierStatus.DONE, export.error
    dossier = tmp_path / "court-copy" / "dossier.zip"
    dossier.parent.mkdir()
    with dossiers.dossier_open(export) as source, dossier.open("wb") as sink:
        shutil.copyfileobj(source, sink)
    # when
    result = _verify_offline(dossier, tmp_path / "court")
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    events = phone.custody_events.count()
    assert f"1 item(s), {events} custody event(s): hash chains intact" in result.stdout
    assert "1 evidence file(s)" in result.stdout
