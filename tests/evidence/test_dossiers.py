"""Court dossiers: requested with a purpose (audited), built by `dossier_build`, verified by
the shipped offline verifier run as a court would: another directory, no project installed.

The verifier runs in a subprocess with `-S -s -P` (no site-packages, no user site, no current
directory on the path) and a PYTHONPATH of only the unzipped `verifier/` folder and a folder
holding the `cryptography` package (and its cffi): the project cannot be imported there, which
a test checks too.
"""

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from evidence import dossier_format, dossiers, services, storage
from evidence.choices import DossierStatus
from evidence.models import CustodyEvent, DossierExport
from ncb_cases import keys
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.evidence.dossiers import flip_hex
from tests.evidence.factories import (
    FRENCH_LAB,
    add_file,
    evidence_item,
    open_case,
    use_temporary_store,
)
from tests.evidence.tampering import disable_custody_triggers, sql

PHONE_DUMP = b"fictitious phone extraction (test)\n" * 3000
PURPOSE = "MLA request DE-TEST-2026-0117 (fictitious), Landgericht Test"
CRYPTOGRAPHY_PARTS = ("cryptography", "cffi", "pycparser", "_cffi_backend")


@pytest.fixture(autouse=True)
def _temporary_store(settings, tmp_path):
    use_temporary_store(settings, tmp_path)


@pytest.fixture
def item(officer_fr):
    """A digital item with a file and four events: collected, sealed, examined, presented in
    court."""
    item = evidence_item(actor=officer_fr)
    add_file(actor=officer_fr, item=item, content=PHONE_DUMP, original_name="dump.bin")
    services.custody_seal(actor=officer_fr, item=item, seal_number="SEAL-FR-0002")
    services.custody_examine(actor=officer_fr, item=item, purpose="Extraction (test)")
    services.custody_present_in_court(
        actor=officer_fr, item=item, place="Tribunal judiciaire de Lyon (test)"
    )
    return item


def _export(actor, item, *, include_files=True, purpose=PURPOSE):
    return dossiers.dossier_export_request(
        actor=actor, case=item.case, item=item, purpose=purpose, include_files=include_files
    )


def _built(actor, item, tmp_path, **kwargs) -> Path:
    export = _export(actor, item, **kwargs)
    export = dossiers.dossier_build(export.pk)
    assert export.status == DossierStatus.DONE, export.error
    target = tmp_path / "out" / "dossier.zip"
    target.parent.mkdir(exist_ok=True)
    with dossiers.dossier_open(export) as source, target.open("wb") as sink:
        shutil.copyfileobj(source, sink)
    return target


def _manifest(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read(dossier_format.MANIFEST_NAME))


def _court_python_path(workdir: Path, dossier: Path) -> str:
    """Unzip verifier/ into `workdir` and link the cryptography package beside it."""
    with zipfile.ZipFile(dossier) as archive:
        for name in archive.namelist():
            if name.startswith(dossier_format.VERIFIER_DIR):
                archive.extract(name, workdir / "court")
    libraries = workdir / "libraries"
    libraries.mkdir(exist_ok=True)
    site_packages = Path(sysconfig.get_paths()["purelib"])
    for entry in site_packages.iterdir():
        if (
            entry.name.split(".")[0] in CRYPTOGRAPHY_PARTS
            and not (libraries / entry.name).exists()
        ):
            (libraries / entry.name).symlink_to(entry)
    return os.pathsep.join([str(workdir / "court" / "verifier"), str(libraries)])


def _court_run(workdir: Path, python_path: str, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-S", "-s", "-P", *arguments],
        cwd=workdir,
        env={"PYTHONPATH": python_path, "PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _verify_offline(dossier: Path, workdir: Path) -> subprocess.CompletedProcess:
    workdir.mkdir(parents=True, exist_ok=True)
    python_path = _court_python_path(workdir, dossier)
    return _court_run(workdir, python_path, "-m", "evidence.verify", str(dossier))


def _rewritten(source: Path, target: Path, *, manifest: dict, members: dict) -> Path:
    """A copy of the dossier ZIP with `manifest` as manifest.json and `members` (name:
    function of the old bytes) changed."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == dossier_format.MANIFEST_NAME:
                data = dossier_format.manifest_bytes(manifest)
            elif info.filename in members:
                data = members[info.filename](data)
            copy.writestr(info.filename, data)
    return target


# -- requesting -------------------------------------------------------------------------------


def test_a_dossier_request_without_a_purpose_is_refused_and_writes_nothing(item, officer_fr):
    # when
    with pytest.raises(ValidationError) as error:
        _export(officer_fr, item, purpose="   ")

    # then
    assert "purpose" in error.value.message_dict
    assert not DossierExport.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_dossier_request_is_audited_with_its_purpose_and_enqueued_on_commit(
    item, officer_fr, monkeypatch, django_capture_on_commit_callbacks
):
    # given
    enqueued = []
    monkeypatch.setattr("evidence.tasks.build_dossier.delay", enqueued.append)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        export = _export(officer_fr, item)

    # then
    audit = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert audit.purpose == PURPOSE
    assert audit.actor == officer_fr
    assert audit.details["dossier"] == str(export.public_id)
    assert audit.object_public_id == item.public_id
    assert enqueued == [export.pk]
    assert (export.status, export.progress) == (DossierStatus.PENDING, 0)


def test_an_officer_of_another_ncb_cannot_export_the_item(item, officer_de):
    # when / then
    with pytest.raises(PermissionDenied):
        _export(officer_de, item)
    assert not DossierExport.objects.exists()


def test_an_item_of_another_case_is_refused(item, officer_fr):
    # given
    other_case = open_case(officer_fr, title="Other case (test)")

    # when / then
    with pytest.raises(ValidationError, match="another case"):
        dossiers.dossier_export_request(
            actor=officer_fr, case=other_case, item=item, purpose=PURPOSE
        )


def test_a_case_without_evidence_has_no_dossier(officer_fr):
    # given
    case = open_case(officer_fr)

    # when / then
    with pytest.raises(ValidationError, match="no evidence item"):
        dossiers.dossier_export_request(actor=officer_fr, case=case, purpose=PURPOSE)


# -- building ---------------------------------------------------------------------------------


def test_a_built_dossier_is_stored_with_its_size_and_sha256(item, officer_fr):
    # given
    export = _export(officer_fr, item)

    # when
    export = dossiers.dossier_build(export.pk)

    # then
    assert (export.status, export.progress) == (DossierStatus.DONE, 100)
    assert export.storage_key == f"dossiers/{export.public_id}.zip"
    with dossiers.dossier_open(export) as stored:
        data = stored.read()
    assert len(data) == export.size
    assert hashlib.sha256(data).hexdigest() == export.sha256
    assert export.started_at <= export.finished_at


def test_the_manifest_carries_every_event_with_a_proof_the_checkpoint_and_the_key(
    item, officer_fr, tmp_path
):
    # when
    manifest = _manifest(_built(officer_fr, item, tmp_path))

    # then
    [entry] = manifest["items"]
    stored = list(CustodyEvent.objects.filter(item=item).order_by("sequence"))
    assert [event["hash"] for event in entry["events"]] == [event.hash for event in stored]
    assert [event["canonical"] for event in entry["events"]] == [
        event.canonical_text for event in stored
    ]
    assert all(event["inclusion_proof"] is not None for event in entry["events"])
    assert manifest["checkpoint"]["tree_size"] == CustodyEvent.objects.count()
    assert manifest["keys"][0]["public_key"] == keys.signing_public_key_text()
    assert manifest["context"]["purpose"] == PURPOSE
    assert entry["description"]["item_number"] == item.item_number
    assert entry["files"][0]["path"] == dossier_format.file_path(entry["files"][0]["sha256"])


def test_an_exported_item_verifies_offline_from_another_directory_without_the_project(
    item, officer_fr, tmp_path
):
    # given
    dossier = _built(officer_fr, item, tmp_path)
    workdir = tmp_path / "court-abroad"

    # when
    result = _verify_offline(dossier, workdir)

    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"OK: {dossier} verifies." in result.stdout
    assert "4 custody event(s): hash chains intact, 4 event(s) proven" in result.stdout
    assert f"1 evidence file(s) ({len(PHONE_DUMP)} bytes)" in result.stdout
    assert not workdir.resolve().is_relative_to(Path(__file__).resolve().parents[2])


def test_the_court_environment_cannot_import_the_project(item, officer_fr, tmp_path):
    # given
    dossier = _built(officer_fr, item, tmp_path)
    workdir = tmp_path / "court-abroad"
    workdir.mkdir()
    python_path = _court_python_path(workdir, dossier)
    probe = (
        "import importlib.util, evidence; "
        "print(evidence.__file__); "
        "print([n for n in ('ncb_cases', 'django', 'contacts') if importlib.util.find_spec(n)])"
    )

    # when
    result = _court_run(workdir, python_path, "-c", probe)

    # then
    shipped, importable = result.stdout.splitlines()
    assert Path(shipped).is_relative_to(workdir / "court" / "verifier")
    assert importable == "[]"


def test_the_readme_way_runs_from_the_verifier_folder(item, officer_fr, tmp_path):
    # given: cd verifier && python -m evidence.verify ../dossier.zip
    dossier = _built(officer_fr, item, tmp_path)
    workdir = tmp_path / "court-abroad"
    workdir.mkdir()
    libraries = _court_python_path(workdir, dossier).split(os.pathsep)[1]
    shutil.copy(dossier, workdir / "court" / "dossier.zip")

    # when
    result = subprocess.run(
        [sys.executable, "-S", "-s", "-m", "evidence.verify", "../dossier.zip"],
        cwd=workdir / "court" / "verifier",
        env={"PYTHONPATH": libraries, "PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        timeout=60,
    )

    # then
    assert result.returncode == 0, result.stdout + result.stderr


def _one_character_changed(text: str) -> str:
    return ("B" if text[0] == "A" else "A") + text[1:]


def _one_bit_flipped_at(at: int):
    return lambda data: data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]


def _change_an_evidence_file_byte(manifest):
    return {manifest["items"][0]["files"][0]["path"]: _one_bit_flipped_at(0)}


def _change_an_event_byte(manifest):
    event = manifest["items"][0]["events"][1]
    event["canonical"] = event["canonical"].replace("SEAL-FR-0002", "SEAL-FR-0003")


def _change_an_inclusion_proof_byte(manifest):
    proof = manifest["items"][0]["events"][1]["inclusion_proof"]
    proof[0] = flip_hex(proof[0])


def _change_the_checkpoint_root(manifest):
    checkpoint = manifest["checkpoint"]
    checkpoint["root_hash"] = flip_hex(checkpoint["root_hash"], 5)


def _change_the_checkpoint_signature(manifest):
    checkpoint = manifest["checkpoint"]
    checkpoint["signature"] = _one_character_changed(checkpoint["signature"])


def _change_the_manifest_signature(manifest):
    signature = manifest["signature"]
    signature["value"] = _one_character_changed(signature["value"])


def _remove_a_middle_event(manifest):
    manifest["items"][0]["events"].pop(1)


def _remove_the_last_event(manifest):
    manifest["items"][0]["events"].pop()


def _change_a_pdf_byte(manifest):
    return {dossier_format.PDF_NAME: _one_bit_flipped_at(-20)}


# Each change, and the check the verifier must name (with the subject concerned).
TAMPERING = {
    "an evidence file byte": (_change_an_evidence_file_byte, "[evidence file] files/"),
    "an event byte": (_change_an_event_byte, "[custody chain] item"),
    "an inclusion proof byte": (_change_an_inclusion_proof_byte, "[inclusion proof] item"),
    "the checkpoint's root": (_change_the_checkpoint_root, "[checkpoint signature] checkpoint"),
    "the checkpoint's signature": (
        _change_the_checkpoint_signature,
        "[checkpoint signature] checkpoint",
    ),
    "the manifest's signature": (
        _change_the_manifest_signature,
        "[manifest signature] manifest.json",
    ),
    "a removed middle event": (_remove_a_middle_event, "event removed"),
    "a removed last event": (_remove_the_last_event, "event removed"),
    "a PDF byte": (_change_a_pdf_byte, "[document] dossier.pdf"),
}


@pytest.mark.parametrize("change", TAMPERING, ids=list(TAMPERING))
def test_any_changed_byte_or_removed_event_fails_offline_naming_the_check(
    change, item, officer_fr, tmp_path
):
    # given
    dossier = _built(officer_fr, item, tmp_path)
    tamper, expected = TAMPERING[change]
    manifest = _manifest(dossier)
    members = tamper(manifest) or {}
    tampered = _rewritten(dossier, tmp_path / "tampered.zip", manifest=manifest, members=members)

    # when
    result = _verify_offline(tampered, tmp_path / "court-abroad")

    # then
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED" in result.stdout
    assert expected in result.stdout, result.stdout


def test_the_pdf_text_agrees_with_the_manifest(item, officer_fr, tmp_path):
    # given
    dossier = _built(officer_fr, item, tmp_path)
    manifest = _manifest(dossier)
    with zipfile.ZipFile(dossier) as archive:
        pdf = PdfReader(io.BytesIO(archive.read(dossier_format.PDF_NAME)))

    # when
    text = "\n".join(page.extract_text() for page in pdf.pages)
    lines = {" ".join(line.split()) for line in text.splitlines()}

    # then
    [entry] = manifest["items"]
    checkpoint = manifest["checkpoint"]
    assert item.item_number in text
    assert PURPOSE in text
    for event in entry["events"]:
        assert f"prev {event['prev_hash']}" in lines
        assert f"hash {event['hash']}" in lines
        time = json.loads(event["canonical"])["time"]
        assert f"event {event['sequence']} · {time} · log position {event['leaf_index']}" in lines
    for file_entry in entry["files"]:
        assert f"sha256 {file_entry['sha256']}" in lines
    assert f"root {checkpoint['root_hash']}" in lines
    assert f"sig {checkpoint['signature']}" in lines
    assert f"size {checkpoint['tree_size']}" in lines
    assert f"key {manifest['keys'][0]['public_key']}" in lines
    assert "python -m evidence.verify" in text


def test_without_files_the_dossier_lists_them_and_still_verifies(item, officer_fr, tmp_path):
    # given
    dossier = _built(officer_fr, item, tmp_path, include_files=False)

    # when
    result = _verify_offline(dossier, tmp_path / "court-abroad")

    # then
    assert result.returncode == 0, result.stdout
    assert _manifest(dossier)["items"][0]["files"][0]["path"] is None
    with zipfile.ZipFile(dossier) as archive:
        assert not [name for name in archive.namelist() if name.startswith("files/")]


def test_a_whole_case_dossier_holds_every_item_and_verifies(item, officer_fr, tmp_path):
    # given
    second = evidence_item(actor=officer_fr, case=item.case, kind="DOCUMENT")
    services.custody_transfer_release(actor=officer_fr, item=second, to_custodian=FRENCH_LAB)
    export = dossiers.dossier_export_request(
        actor=officer_fr, case=item.case, purpose=PURPOSE, include_files=True
    )
    export = dossiers.dossier_build(export.pk)
    dossier = tmp_path / "case.zip"
    with dossiers.dossier_open(export) as source, dossier.open("wb") as sink:
        shutil.copyfileobj(source, sink)

    # when
    result = _verify_offline(dossier, tmp_path / "court-abroad")

    # then
    assert result.returncode == 0, result.stdout
    numbers = [entry["description"]["item_number"] for entry in _manifest(dossier)["items"]]
    assert numbers == [item.item_number, second.item_number]


def test_building_twice_builds_once(item, officer_fr):
    # given
    export = _export(officer_fr, item)
    first = dossiers.dossier_build(export.pk)

    # when
    second = dossiers.dossier_build(export.pk)

    # then
    assert first.status == DossierStatus.DONE
    assert second is None


def test_an_export_left_running_by_a_lost_worker_is_built_again_later(item, officer_fr):
    # given
    export = _export(officer_fr, item)
    long_ago = dossiers.timezone.now() - dossiers.STALE_AFTER * 2
    DossierExport.objects.filter(pk=export.pk).update(
        status=DossierStatus.RUNNING, started_at=long_ago
    )

    # when
    built = dossiers.dossier_build(export.pk)

    # then
    assert built.status == DossierStatus.DONE


def test_an_export_running_elsewhere_is_left_alone(item, officer_fr):
    # given
    export = _export(officer_fr, item)
    DossierExport.objects.filter(pk=export.pk).update(
        status=DossierStatus.RUNNING, started_at=dossiers.timezone.now()
    )

    # when / then
    assert dossiers.dossier_build(export.pk) is None


def test_a_deleted_export_is_ignored(db):
    # when / then
    assert dossiers.dossier_build(987654) is None


def test_a_stored_file_altered_in_the_store_fails_the_export(item, officer_fr, settings):
    # given
    export = _export(officer_fr, item)
    sha256 = item.files.get().sha256
    path = Path(settings.EVIDENCE_FILE_ROOT) / storage.storage_key(sha256)
    path.chmod(0o600)
    path.write_bytes(b"X" + PHONE_DUMP[1:])

    # when
    export = dossiers.dossier_build(export.pk)

    # then
    assert export.status == DossierStatus.FAILED
    assert f"file {sha256} no longer has that SHA-256" in export.error
    assert not export.storage_key


def test_no_dossier_is_issued_over_a_broken_chain(item, officer_fr):
    # given
    export = _export(officer_fr, item)
    event = CustodyEvent.objects.get(item=item, sequence=2)
    disable_custody_triggers()
    forged = bytes(event.canonical).replace(b"SEAL-FR-0002", b"SEAL-FR-0666")
    sql("UPDATE evidence_custodyevent SET canonical = %s WHERE id = %s", [forged, event.pk])

    # when
    export = dossiers.dossier_build(export.pk)

    # then
    assert export.status == DossierStatus.FAILED
    assert f"item {item.item_number} is broken at event 2" in export.error


def test_a_requester_who_lost_access_gets_no_dossier(item, officer_fr):
    # given
    export = _export(officer_fr, item)
    officer_fr.officer.delete()

    # when
    export = dossiers.dossier_build(export.pk)

    # then
    assert export.status == DossierStatus.FAILED
    assert "may no longer export" in export.error


def test_building_streams_large_files_in_bounded_memory(officer_fr, tmp_path):
    # given: a 24 MB file
    item = evidence_item(actor=officer_fr)
    big = os.urandom(1024 * 1024) * 24
    add_file(actor=officer_fr, item=item, content=big, original_name="disk.img")
    del big
    export = _export(officer_fr, item)

    # when
    tracemalloc.start()
    try:
        export = dossiers.dossier_build(export.pk)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # then
    assert export.status == DossierStatus.DONE, export.error
    assert export.size > 24 * 1024 * 1024
    assert peak < 12 * 1024 * 1024, f"peak {peak / 2**20:.1f} MB"


def test_building_reports_progress_as_it_goes(item, officer_fr, monkeypatch):
    # given
    export = _export(officer_fr, item)
    seen = []
    original = dossiers._Progress.__call__

    def recording(self, percent):
        original(self, percent)
        seen.append(DossierExport.objects.get(pk=export.pk).progress)

    monkeypatch.setattr(dossiers._Progress, "__call__", recording)

    # when
    dossiers.dossier_build(export.pk)

    # then
    assert seen == sorted(seen)
    assert {dossiers.PROGRESS_CHECKPOINT, dossiers.PROGRESS_PROOFS, dossiers.PROGRESS_PDF} <= set(
        seen
    )
    assert seen[-1] >= dossiers.PROGRESS_FILES_DONE - 1


def test_the_build_reads_the_database_in_a_bounded_number_of_queries(
    officer_fr, django_assert_max_num_queries
):
    # given: an item with many events
    item = evidence_item(actor=officer_fr)
    for number in range(30):
        services.custody_examine(actor=officer_fr, item=item, purpose=f"Look {number} (test)")
    export = _export(officer_fr, item, include_files=False)

    # when / then
    with django_assert_max_num_queries(30):
        dossiers.dossier_build(export.pk)


def test_the_pdf_shows_an_integrity_failure_and_text_with_markup_characters(officer_fr, tmp_path):
    # given
    item = evidence_item(actor=officer_fr, description='Ledger <A&B> "fictitious" Łódź Ελλάδα')
    services.custody_examine(
        actor=officer_fr, item=item, seal_intact=False, notes="Seal torn <test> & re-sealed"
    )

    # when
    dossier = _built(officer_fr, item, tmp_path, include_files=False)

    # then
    with zipfile.ZipFile(dossier) as archive:
        pdf = PdfReader(io.BytesIO(archive.read(dossier_format.PDF_NAME)))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert 'Ledger <A&B> "fictitious" Łódź Ελλάδα' in text
    assert "Integrity failure" in text
    assert "1 integrity failure(s) recorded" in text
    assert "BROKEN" in text


# -- downloading ---------------------------------------------------------------------------


def _downloads(actor):
    return AuditEvent.objects.filter(
        actor=actor, action=AuditAction.EXPORT, details__download=True
    )


def test_a_download_opens_the_stored_zip_and_is_audited_with_the_purpose(item, officer_fr):
    # given
    export = dossiers.dossier_build(_export(officer_fr, item).pk)

    # when
    with dossiers.dossier_download(actor=officer_fr, export=export, ip="192.0.2.10") as handle:
        content = handle.read()

    # then
    assert hashlib.sha256(content).hexdigest() == export.sha256
    [audit] = _downloads(officer_fr)
    assert (audit.purpose, audit.ip, audit.details["dossier"]) == (
        PURPOSE,
        "192.0.2.10",
        str(export.public_id),
    )


def test_a_dossier_not_built_yet_is_not_downloaded_nor_audited(item, officer_fr):
    # given
    export = _export(officer_fr, item)

    # when / then
    with pytest.raises(dossiers.DossierNotReady):
        dossiers.dossier_download(actor=officer_fr, export=export)
    assert not _downloads(officer_fr).exists()


def test_a_zip_gone_from_the_store_leaves_no_download_audited(item, officer_fr):
    # given
    export = dossiers.dossier_build(_export(officer_fr, item).pk)
    storage.evidence_file_storage().delete(export.storage_key)

    # when / then
    with pytest.raises(FileNotFoundError):
        dossiers.dossier_download(actor=officer_fr, export=export)
    assert not _downloads(officer_fr).exists()


def test_only_the_requester_downloads_the_dossier(item, officer_fr, supervisor_fr):
    # given
    export = dossiers.dossier_build(_export(officer_fr, item).pk)

    # when / then
    with pytest.raises(PermissionDenied):
        dossiers.dossier_download(actor=supervisor_fr, export=export)
    assert not _downloads(supervisor_fr).exists()


def test_the_download_name_says_which_item_without_a_slash(item, officer_fr):
    # given
    export = _export(officer_fr, item)

    # when
    name = dossiers.dossier_filename(export)

    # then
    assert name == f"dossier-{item.item_number.replace('/', '_')}.zip"
    assert "/" not in name
