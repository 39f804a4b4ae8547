"""The custody benchmark on the database runs end to end at a tiny scale on the test database.

Figures at this size mean nothing; what is checked is that the generator writes what the
services would (valid chains whose columns are those of their canonical bytes, log positions
without a hole, items whose head is their last event, a signed checkpoint), that it is
idempotent, and that the scenario measures, exports a dossier the offline verifier accepts,
and removes the large files afterwards.
"""

import json

import pytest

from bench.custody_db import measure_checkpoint_build, report, run_scenario
from bench.evidence_data import EvidenceSize, dossier_item, ensure_evidence_dataset
from evidence import storage
from evidence.checkpointing import custody_checkpoint_latest, log_size
from evidence.choices import ALLOWED_ACTIONS
from evidence.hashing import event_hash
from evidence.models import CustodyEvent, EvidenceFile, EvidenceItem
from evidence.verification import custody_verify_all

pytestmark = pytest.mark.django_db

TINY = 0.0005  # 5 items, 500 events (250 on the dossier item), a 512 KB file; 50 cases
QUIET = {"log": lambda line: None}


@pytest.fixture
def dataset(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.EVIDENCE_FILE_ROOT = tmp_path / "evidence-files"
    return ensure_evidence_dataset(scale=TINY, **QUIET)


def test_generator_writes_the_items_and_events_of_the_requested_size(dataset):
    # then
    assert dataset == EvidenceSize(items=5, events=500, dossier_events=250, file_bytes=536871)
    assert EvidenceItem.objects.count() == 5
    assert CustodyEvent.objects.count() == 500
    assert dossier_item().custody_events.count() == 250


def test_generated_columns_are_what_the_canonical_bytes_say(dataset):
    # given
    users = {}
    # when
    for event in CustodyEvent.objects.select_related("item", "recorded_by"):
        users.setdefault(event.recorded_by_id, event.recorded_by)
        derived = CustodyEvent.from_canonical(
            item=event.item,
            canonical=bytes(event.canonical),
            log_index=event.log_index,
            recorded_by=event.recorded_by,
        )
        # then
        for field in (
            "sequence",
            "action",
            "from_person",
            "from_agency",
            "from_country",
            "to_person",
            "to_agency",
            "to_country",
            "occurred_at",
            "claimed_at",
            "clock_skew_flagged",
            "place",
            "purpose",
            "legal_authority",
            "seal_number",
            "seal_intact",
            "file_hashes_rechecked",
            "notes",
            "prev_hash",
            "hash",
        ):
            assert getattr(derived, field) == getattr(event, field), field
        assert event.content["recorded_by"] == event.recorded_by.username
        assert event.hash == event_hash(bytes(event.canonical))


def test_generated_log_verifies_and_its_checkpoint_covers_every_event(dataset):
    # when
    verification = custody_verify_all()
    # then
    assert verification.ok, str(verification)
    assert verification.chains.chain.events_checked == 500
    assert sorted(CustodyEvent.objects.values_list("log_index", flat=True)) == list(range(500))
    assert custody_checkpoint_latest().tree_size == log_size() == 500


def test_each_item_ends_where_its_last_event_left_it(dataset):
    for item in EvidenceItem.objects.all():
        # when
        last = item.custody_events.order_by("-sequence").first()
        # then
        assert (item.last_sequence, item.head_hash) == (last.sequence, last.hash)
        assert item.item_number == f"{item.case.reference}/E-{item.number}"
        assert last.action in ALLOWED_ACTIONS["IN_CUSTODY"] + ("ACCEPTED", "COLLECTED")


def test_generator_run_twice_at_the_same_scale_adds_nothing(dataset):
    # when
    ensure_evidence_dataset(scale=TINY, **QUIET)
    # then
    assert EvidenceItem.objects.count() == 5
    assert CustodyEvent.objects.count() == 500


def test_checkpoint_measurement_leaves_the_log_as_it_was(dataset):
    # when
    seconds, tree_size = measure_checkpoint_build()
    # then
    assert seconds > 0
    assert tree_size == 501
    assert log_size() == 500
    assert custody_checkpoint_latest().tree_size == 500


def test_scenario_measures_exports_a_verifiable_dossier_and_removes_the_large_files(
    dataset, tmp_path
):
    # when
    figures = run_scenario(scale=TINY, dossier_in_subprocess=False, **QUIET)
    path = report(figures, out=lambda line: None)
    # then
    assert figures.events == 500
    assert figures.items == 5
    assert figures.verify_events_per_second > 0
    assert figures.baseline_events_per_second > 0
    assert figures.checkpoint_tree_size == 501
    assert figures.dossier_events == 250
    assert figures.dossier_zip_bytes > dataset.file_bytes
    assert figures.dossier_offline_verified is True
    evidence_file = EvidenceFile.objects.get(item=dossier_item())
    assert evidence_file.size == dataset.file_bytes
    assert storage.content_hash(evidence_file.sha256) is None  # content removed after use
    assert list((tmp_path / "evidence-files").glob("dossiers/*.zip")) == []
    written = json.loads(path.read_text())
    assert written["verify_events_per_second"] == figures.verify_events_per_second
    assert path.parent == tmp_path / "bench"


def test_scenario_run_again_streams_the_removed_file_back(dataset):
    # given
    run_scenario(scale=TINY, dossier_in_subprocess=False, **QUIET)
    # when
    figures = run_scenario(scale=TINY, dossier_in_subprocess=False, **QUIET)
    # then
    assert figures.dossier_offline_verified is True
    assert EvidenceFile.objects.filter(item=dossier_item()).count() == 1
