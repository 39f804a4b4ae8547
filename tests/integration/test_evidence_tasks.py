"""A real Celery worker signs custody checkpoints and builds court dossiers.

The worker is another process: it signs with the key file both processes are given through
NCB_SIGNING_KEY_FILE (a worker outside the test runner may not generate a development key),
and reads the evidence store and the test database the test process writes.
"""

import pytest

from evidence import dossiers, services
from evidence.checkpoints import checkpoint_verify
from evidence.choices import DossierStatus
from evidence.models import CustodyCheckpoint, CustodyEvent, DossierExport
from evidence.tasks import build_custody_checkpoint
from evidence.verify import verify_dossier
from ncb_cases import keys
from tests.evidence.factories import add_file, evidence_item

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    # The key file is set before the worker starts, so both sign with it.
    pytest.mark.usefixtures("signing_key"),
]


def test_the_worker_signs_a_checkpoint_of_the_custody_log(celery_worker, officer_fr, signing_key):
    # given
    item = evidence_item(actor=officer_fr)
    services.custody_examine(actor=officer_fr, item=item, purpose="Photographs (test)")

    # when
    build_custody_checkpoint.delay()

    # then
    celery_worker.wait_for(CustodyCheckpoint.objects.exists)
    checkpoint = CustodyCheckpoint.objects.get()
    assert checkpoint.tree_size == CustodyEvent.objects.count() == 2
    checkpoint_verify(checkpoint.checkpoint, signing_key.public_key())


def test_the_worker_builds_a_requested_dossier_that_verifies(
    celery_worker, officer_fr, signing_key, tmp_path
):
    # given
    item = evidence_item(actor=officer_fr)
    add_file(actor=officer_fr, item=item, content=b"fictitious seized ledger (test)\n" * 1000)
    services.custody_seal(actor=officer_fr, item=item, seal_number="SEAL-FR-0002")

    # when: the request enqueues the build when its transaction commits
    export = dossiers.dossier_export_request(
        actor=officer_fr,
        case=item.case,
        item=item,
        purpose="Letter rogatory DE-TEST-2026-0042 (fictitious)",
        include_files=True,
    )

    # then
    def finished():
        status = DossierExport.objects.values_list("status", flat=True).get(pk=export.pk)
        return status in (DossierStatus.DONE, DossierStatus.FAILED)

    celery_worker.wait_for(finished)
    export.refresh_from_db()
    assert export.status == DossierStatus.DONE, export.error or celery_worker.log()
    assert export.progress == 100
    target = tmp_path / "dossier.zip"
    with dossiers.dossier_open(export) as source:
        target.write_bytes(source.read())
    report = verify_dossier(target)
    assert report.ok, report.failures
    assert report.events == report.events_proven == 2
    assert report.files_checked == 1
    assert report.kids == [keys.signing_key_id()]
