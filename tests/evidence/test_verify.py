"""The offline verifier: a good dossier verifies; every kind of tampering is named and located."""

import importlib.metadata
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence import dossier_format
from evidence.checkpoints import (
    b64url_decode,
    b64url_encode,
    checkpoint_sign,
    key_id,
    public_key_text,
)
from evidence.hashing import event_hash
from evidence.verify import (
    CHECKPOINT_SIGNATURE,
    CONTENTS,
    CUSTODY_CHAIN,
    DOCUMENT,
    EVIDENCE_FILE,
    INCLUSION_PROOF,
    KEYS,
    MANIFEST,
    MANIFEST_SIGNATURE,
    main,
    verify_dossier,
)
from tests.evidence.dossiers import (
    ITEM_LEDGER,
    ITEM_PHONE,
    NCB_KEY,
    OTHER_KEY,
    PHONE_IMAGE,
    DossierFixture,
    flip_hex,
    good_dossier,
    sha256_hex,
)

IMAGE_PATH = f"files/{sha256_hex(PHONE_IMAGE)}"


@pytest.fixture(scope="module")
def dossier():
    return good_dossier()


def verified(fixture, tmp_path, **options):
    return verify_dossier(fixture.write(tmp_path / "dossier.zip"), **options)


def failed_checks(report):
    return {failure.check for failure in report.failures}


def failure_of(report, check):
    [failure] = [failure for failure in report.failures if failure.check == check]
    return failure


def phone_events(manifest):
    return manifest["items"][0]["events"]


def flip_b64url(text):
    raw = b64url_decode(text)
    return b64url_encode(bytes([raw[0] ^ 1]) + raw[1:])


# -- a good dossier ------------------------------------------------------------------------------


def test_a_good_dossier_verifies_and_says_what_was_checked(dossier, tmp_path):
    # when
    report = verified(dossier, tmp_path)
    # then
    assert report.ok, report.failures
    assert (report.items, report.events, report.events_proven) == (2, 10, 9)
    assert (report.files_checked, report.files_listed_only) == (2, 1)
    assert report.documents_checked == 9
    assert report.notes == [
        f"item {ITEM_PHONE}: 1 event(s) newer than the checkpoint are protected by the hash "
        "chain and the manifest signature only"
    ]


def test_the_command_exits_0_with_a_summary(dossier, tmp_path, capsys):
    # given
    path = dossier.write(tmp_path / "dossier.zip")
    # when
    status = main([str(path)])
    # then
    output = capsys.readouterr().out
    assert status == 0
    assert output.startswith(f"OK: {path} verifies.")
    assert "checkpoint: 12 events in the custody log at 2025-03-05T08:30:00Z" in output
    assert "compare the kid with the key the NCB publishes" in output


def test_a_dossier_signed_by_a_trusted_key_says_so(dossier, tmp_path):
    # when
    report = verified(dossier, tmp_path, trusted_keys=[public_key_text(NCB_KEY.public_key())])
    # then
    assert report.ok
    assert report.keys_trusted


# -- tampering with events -----------------------------------------------------------------------


def change_place(manifest, contents):
    event = phone_events(manifest)[2]
    event["canonical"] = event["canonical"].replace("Lyon", "Lille")


def test_changed_event_bytes_are_found_by_the_chain_and_the_manifest_signature(dossier, tmp_path):
    # when
    report = verified(dossier.tampered(change_place, resign=False), tmp_path)
    # then
    assert failed_checks(report) == {CUSTODY_CHAIN, MANIFEST_SIGNATURE}
    failure = failure_of(report, CUSTODY_CHAIN)
    assert failure.subject == f"item {ITEM_PHONE}, event 3"
    assert failure.message.startswith("content altered: the stored bytes no longer hash")


def test_changed_event_bytes_are_found_even_when_the_manifest_is_signed_again(dossier, tmp_path):
    # when
    report = verified(dossier.tampered(change_place, resign=True), tmp_path)
    # then
    assert failed_checks(report) == {CUSTODY_CHAIN}
    assert "content altered" in failure_of(report, CUSTODY_CHAIN).message


def test_an_event_rewritten_with_its_hash_is_caught_by_the_checkpoint(dossier, tmp_path):
    # given: the key holder rewrites event 3 and re-chains everything after it
    def rewrite_history(manifest, contents):
        events = phone_events(manifest)
        change_place(manifest, contents)
        prev_hash = events[1]["hash"]
        for event in events[2:]:
            event["canonical"] = event["canonical"].replace(event["prev_hash"], prev_hash)
            event["prev_hash"] = prev_hash
            event["hash"] = prev_hash = event_hash(event["canonical"].encode())
        manifest["items"][0]["head_hash"] = prev_hash

    # when
    report = verified(dossier.tampered(rewrite_history, resign=True), tmp_path)
    # then
    assert failed_checks(report) == {INCLUSION_PROOF}
    subjects = [failure.subject for failure in report.failures]
    assert subjects == [f"item {ITEM_PHONE}, event {sequence}" for sequence in (3, 4, 5)]


def test_an_event_removed_from_the_middle_is_named(dossier, tmp_path):
    # when
    report = verified(
        dossier.tampered(lambda manifest, _: phone_events(manifest).pop(2), resign=True), tmp_path
    )
    # then
    assert failed_checks(report) == {CUSTODY_CHAIN}
    failure = failure_of(report, CUSTODY_CHAIN)
    assert failure.subject == f"item {ITEM_PHONE}, event 4"
    assert failure.message.startswith("event removed: event 3 missing")


def test_the_last_event_removed_is_caught_by_the_recorded_head(dossier, tmp_path):
    # when
    report = verified(
        dossier.tampered(lambda manifest, _: phone_events(manifest).pop(), resign=True), tmp_path
    )
    # then
    failure = failure_of(report, CUSTODY_CHAIN)
    assert failure.subject == f"item {ITEM_PHONE}, event 5"
    assert "event removed" in failure.message
    assert "events after 5 are missing" in failure.message


def test_the_last_event_removed_with_its_head_is_caught_by_the_manifest_signature(
    dossier, tmp_path
):
    # given
    def drop_last(manifest, contents):
        events = phone_events(manifest)
        events.pop()
        manifest["items"][0]["head_hash"] = events[-1]["hash"]

    # when
    report = verified(dossier.tampered(drop_last, resign=False), tmp_path)
    # then
    assert failed_checks(report) == {MANIFEST_SIGNATURE}


def test_events_listed_out_of_order_are_named(dossier, tmp_path):
    # given
    def swap(manifest, contents):
        events = phone_events(manifest)
        events[1], events[2] = events[2], events[1]

    # when
    report = verified(dossier.tampered(swap, resign=True), tmp_path)
    # then
    failure = failure_of(report, CUSTODY_CHAIN)
    assert failure.subject == f"item {ITEM_PHONE}, event 3"
    assert failure.message.startswith("reordered")


def test_events_swapped_with_their_sequence_numbers_are_named(dossier, tmp_path):
    # given
    def swap_with_numbers(manifest, contents):
        events = phone_events(manifest)
        events[1], events[2] = events[2], events[1]
        events[1]["sequence"], events[2]["sequence"] = 2, 3

    # when
    report = verified(dossier.tampered(swap_with_numbers, resign=True), tmp_path)
    # then
    messages = [str(failure) for failure in report.failures if failure.check == CUSTODY_CHAIN]
    assert messages[0].startswith(f"[custody chain] item {ITEM_PHONE}, event 2: reordered")
    assert any("bytes were written for item" in message for message in messages)


def test_an_event_moved_to_another_item_is_named(dossier, tmp_path):
    # given
    def relabel(manifest, contents):
        manifest["items"][1]["events"] = phone_events(manifest)[:4]
        manifest["items"][1]["head_hash"] = phone_events(manifest)[3]["hash"]

    # when
    report = verified(dossier.tampered(relabel, resign=True), tmp_path)
    # then
    failure = next(failure for failure in report.failures if failure.check == CUSTODY_CHAIN)
    assert failure.subject == f"item {ITEM_LEDGER}, event 1"
    assert f"written for item {ITEM_PHONE}, event 1" in failure.message


# -- tampering with proofs and the checkpoint ----------------------------------------------------


def test_a_changed_proof_byte_is_named(dossier, tmp_path):
    # given
    def change_proof(manifest, contents):
        proof = phone_events(manifest)[1]["inclusion_proof"]
        proof[0] = flip_hex(proof[0], 17)

    # when
    report = verified(dossier.tampered(change_proof, resign=True), tmp_path)
    # then
    assert failed_checks(report) == {INCLUSION_PROOF}
    failure = failure_of(report, INCLUSION_PROOF)
    assert failure.subject == f"item {ITEM_PHONE}, event 2"
    assert "does not lead to the checkpoint's root" in failure.message


def test_a_changed_leaf_index_is_named(dossier, tmp_path):
    # given
    def move_leaf(manifest, contents):
        phone_events(manifest)[0]["leaf_index"] = 1

    # when
    report = verified(dossier.tampered(move_leaf, resign=True), tmp_path)
    # then
    assert report.failures[0].check == INCLUSION_PROOF
    assert report.failures[0].subject == f"item {ITEM_PHONE}, event 1"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tree_size", 13),
        ("root_hash", "0" * 64),
        ("timestamp", "2025-03-05T08:30:01Z"),
    ],
)
def test_a_changed_checkpoint_field_is_named(dossier, tmp_path, field, value):
    # when
    report = verified(
        dossier.tampered(
            lambda manifest, _: manifest["checkpoint"].update({field: value}), resign=True
        ),
        tmp_path,
    )
    # then
    assert failed_checks(report) == {CHECKPOINT_SIGNATURE}
    assert "signature does not verify" in failure_of(report, CHECKPOINT_SIGNATURE).message


def test_a_changed_checkpoint_signature_is_named(dossier, tmp_path):
    # given
    def change_signature(manifest, contents):
        checkpoint = manifest["checkpoint"]
        checkpoint["signature"] = flip_b64url(checkpoint["signature"])

    # when
    report = verified(dossier.tampered(change_signature, resign=False), tmp_path)
    # then
    assert failed_checks(report) == {CHECKPOINT_SIGNATURE, MANIFEST_SIGNATURE}


def test_a_changed_manifest_signature_is_named(dossier, tmp_path):
    # given
    def change_signature(manifest, contents):
        manifest["signature"]["value"] = flip_b64url(manifest["signature"]["value"])

    # when
    report = verified(dossier.tampered(change_signature, resign=False), tmp_path)
    # then
    assert failed_checks(report) == {MANIFEST_SIGNATURE}
    assert failure_of(report, MANIFEST_SIGNATURE).subject == "manifest.json"


def test_a_dossier_re_signed_with_another_key_fails_only_against_the_trusted_key(
    dossier, tmp_path
):
    # given: someone replaces the NCB's key by their own and signs everything again
    def replace_key(manifest, contents):
        checkpoint = manifest["checkpoint"]
        manifest["keys"] = [
            {
                "kid": key_id(OTHER_KEY.public_key()),
                "alg": "EdDSA",
                "public_key": public_key_text(OTHER_KEY.public_key()),
            }
        ]
        manifest["checkpoint"] = checkpoint_sign(
            private_key=OTHER_KEY,
            tree_size=checkpoint["tree_size"],
            root_hash=checkpoint["root_hash"],
            timestamp=checkpoint["timestamp"],
            ncb_code="FR",
        )

    forged = DossierFixture(dossier.manifest, dossier.contents, OTHER_KEY).tampered(
        replace_key, resign=True
    )
    path = forged.write(tmp_path / "dossier.zip")
    # when
    untrusted = verify_dossier(path)
    trusted = verify_dossier(path, trusted_keys=[public_key_text(NCB_KEY.public_key())])
    # then: only the kid tells them apart, which is why the summary asks to compare it
    assert untrusted.ok
    assert untrusted.kids == [key_id(OTHER_KEY.public_key())]
    assert not trusted.ok
    assert failure_of(trusted, KEYS).message == "is not one of the trusted keys given"
    assert MANIFEST_SIGNATURE in failed_checks(trusted)


# -- tampering with files ------------------------------------------------------------------------


def test_a_changed_byte_of_an_evidence_file_is_named(dossier, tmp_path):
    # given
    def change_byte(manifest, contents):
        image = bytearray(contents[IMAGE_PATH])
        image[5000] ^= 0x01
        contents[IMAGE_PATH] = bytes(image)

    # when
    report = verified(dossier.tampered(change_byte, resign=False), tmp_path)
    # then
    assert failed_checks(report) == {EVIDENCE_FILE}
    failure = failure_of(report, EVIDENCE_FILE)
    assert failure.subject == f"{IMAGE_PATH} (item {ITEM_PHONE}, IMG_0001.png)"
    assert "the file was changed" in failure.message


def test_a_missing_evidence_file_is_named(dossier, tmp_path):
    # given
    fixture = dossier.tampered(lambda _, contents: contents.pop(IMAGE_PATH), resign=False)
    # when
    report = verify_dossier(fixture.write_raw(tmp_path / "dossier.zip"))
    # then
    assert "listed but missing" in failure_of(report, EVIDENCE_FILE).message


def test_a_changed_byte_of_the_pdf_is_named(dossier, tmp_path):
    # given
    def change_pdf(manifest, contents):
        contents["dossier.pdf"] = contents["dossier.pdf"].replace(b"custody", b"Custody", 1)

    # when
    report = verified(dossier.tampered(change_pdf, resign=False), tmp_path)
    # then
    assert failed_checks(report) == {DOCUMENT}
    assert failure_of(report, DOCUMENT).subject == "dossier.pdf"


def test_a_changed_verifier_file_is_named(dossier, tmp_path):
    # given
    path = "verifier/evidence/verify.py"
    fixture = dossier.tampered(
        lambda _, contents: contents.update({path: contents[path] + b"\n# changed\n"}),
        resign=False,
    )
    # when
    report = verified(fixture, tmp_path)
    # then
    assert failure_of(report, DOCUMENT).subject == path


def test_a_planted_unlisted_member_is_named(dossier, tmp_path):
    # given
    fixture = dossier.tampered(
        lambda _, contents: contents.update({"files/" + "0" * 64: b"planted"}), resign=False
    )
    # when
    report = verify_dossier(fixture.write_raw(tmp_path / "dossier.zip"))
    # then
    assert failed_checks(report) == {CONTENTS}
    assert failure_of(report, CONTENTS).subject == "files/" + "0" * 64


def test_a_member_twice_in_the_zip_is_named(dossier, tmp_path):
    # given
    path = dossier.write(tmp_path / "dossier.zip")
    with (
        pytest.warns(UserWarning, match="Duplicate name"),
        zipfile.ZipFile(path, "a") as archive,
    ):
        archive.writestr("dossier.pdf", b"%PDF-1.7 another one")
    # when
    report = verify_dossier(path)
    # then
    assert "appears more than once" in failure_of(report, CONTENTS).message


# -- any changed byte -----------------------------------------------------------------------------


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_changed_byte_of_the_manifest_fails_without_crashing_the_verifier(
    dossier, tmp_path, data
):
    # given
    manifest = dossier_format.manifest_bytes(dossier.manifest)
    at = data.draw(st.integers(0, len(manifest) - 1), label="byte")
    value = data.draw(st.integers(0, 255).filter(lambda byte: byte != manifest[at]), label="to")
    changed = manifest[:at] + bytes([value]) + manifest[at + 1 :]
    path = tmp_path / "dossier.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(dossier_format.MANIFEST_NAME, changed)
        for name, content in dossier.contents.items():
            archive.writestr(name, content)
    # when
    report = verify_dossier(path)
    # then
    assert not report.ok


# -- unreadable dossiers -------------------------------------------------------------------------


def test_a_file_that_is_not_a_zip_exits_2(tmp_path, capsys):
    # given
    path = tmp_path / "dossier.zip"
    path.write_bytes(b"%PDF-1.7 not a zip")
    # when
    status = main([str(path)])
    # then
    assert status == 2
    assert "cannot be opened as a ZIP file" in capsys.readouterr().out


def test_a_dossier_without_a_manifest_is_unreadable(tmp_path):
    # given
    path = tmp_path / "dossier.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("dossier.pdf", b"%PDF-1.7")
    # when
    report = verify_dossier(path)
    # then
    assert not report.readable
    assert str(report.failures[0]) == "[dossier contents] manifest.json: is missing"


def test_a_malformed_manifest_is_named(dossier, tmp_path):
    # given
    fixture = dossier.tampered(lambda manifest, _: manifest.pop("keys"), resign=False)
    # when
    report = verified(fixture, tmp_path)
    # then
    assert not report.readable
    assert failure_of(report, MANIFEST).message == "keys must list at least one public key"


def test_the_command_exits_1_naming_each_failed_check(dossier, tmp_path, capsys):
    # given
    path = dossier.tampered(change_place, resign=False).write(tmp_path / "dossier.zip")
    # when
    status = main([str(path)])
    # then
    output = capsys.readouterr().out
    assert status == 1
    assert output.startswith(f"FAILED: {path}: 2 check(s) failed")
    assert f"[custody chain] item {ITEM_PHONE}, event 3: content altered" in output
    assert "[manifest signature] manifest.json" in output


# -- as a court runs it --------------------------------------------------------------------------


def install_alone(distribution: str, target: Path) -> None:
    """Links `distribution` and what it requires (cffi...) into `target`, and nothing else:
    the court's Python has `cryptography`, not Django nor this project."""
    target.mkdir(parents=True)
    pending, seen = [distribution], set()
    while pending:
        try:
            installed = importlib.metadata.distribution(pending.pop())
        except importlib.metadata.PackageNotFoundError:
            continue  # An optional dependency for another platform or Python.
        if installed.metadata["Name"] in seen:
            continue
        seen.add(installed.metadata["Name"])
        for top in {file.parts[0] for file in installed.files or ()}:
            if top not in ("..", "__pycache__") and not top.endswith(".dist-info"):
                (target / top).symlink_to(Path(installed.locate_file(top)).resolve())
        for requirement in installed.requires or ():
            if "extra ==" not in requirement:
                pending.append(re.match(r"[A-Za-z0-9._-]+", requirement).group())


def run_shipped_verifier(dossier_path: Path, court: Path):
    """Unpacks only verifier/ from the dossier into `court` and runs it as a court would:
    `cd verifier && python -m evidence.verify ../dossier.zip`, with Python's own library and
    `cryptography` only (-S skips site-packages and the project's editable install)."""
    with zipfile.ZipFile(dossier_path) as archive:
        members = [name for name in archive.namelist() if name.startswith("verifier/")]
        archive.extractall(court, members=members)
    (court / "dossier.zip").write_bytes(dossier_path.read_bytes())
    libraries = court / "python-libraries"
    install_alone("cryptography", libraries)
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(libraries),
        "PYTHONDONTWRITEBYTECODE": "1",
    }

    def run(*arguments):
        return subprocess.run(
            [sys.executable, "-S", *arguments],
            cwd=court / "verifier",
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    return run


def test_the_verifier_shipped_in_the_dossier_runs_alone_from_another_directory(dossier, tmp_path):
    # given
    run = run_shipped_verifier(dossier.write(tmp_path / "export.zip"), tmp_path / "court")
    # when
    result = run("-m", "evidence.verify", "../dossier.zip")
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: ../dossier.zip verifies.")
    shipped = tmp_path / "court" / "verifier" / "evidence"
    assert sorted(path.name for path in shipped.iterdir()) == [
        "__init__.py",
        "canonical.py",
        "checkpoints.py",
        "dossier_format.py",
        "hashing.py",
        "merkle.py",
        "verify.py",
    ]
    assert run("-c", "import ncb_cases").returncode != 0, "the project must not be importable"
    assert run("-c", "import django").returncode != 0, "Django must not be importable"


def test_the_shipped_verifier_names_the_tampering(dossier, tmp_path):
    # given
    tampered = dossier.tampered(lambda manifest, _: phone_events(manifest).pop(2), resign=False)
    run = run_shipped_verifier(tampered.write(tmp_path / "export.zip"), tmp_path / "court")
    # when
    result = run("-m", "evidence.verify", "../dossier.zip")
    # then
    assert result.returncode == 1
    assert f"[custody chain] item {ITEM_PHONE}, event 4: event removed" in result.stdout
