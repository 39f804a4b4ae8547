"""`manage.py rotate_signing_key`: a new key signs from now on, and everything the old key
signed (custody checkpoints, exported dossiers, HST messages) still verifies."""

import io
import json
import stat
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command

from evidence import checkpointing, services, verification
from evidence.models import CustodyCheckpoint
from messages_hst import keys as hst_keys
from messages_hst import signing
from messages_hst.choices import SignatureStatus
from messages_hst.inbox import inbox_receive
from messages_hst.models import InboundMessage
from ncb_cases import keys
from ncb_cases.canonical import canonical_json_bytes
from ncb_cases.models import AuditEvent
from tests.evidence.factories import evidence_item, use_temporary_store
from tests.evidence.test_dossiers import _built, _manifest, _verify_offline
from tests.messages_hst.factories import hst_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def key_file(settings, tmp_path, monkeypatch):
    """The instance key in a file of its own, and a retired-keys file beside it (not yet
    written): a rotation here never touches the shared development key."""
    for name in (keys.KEY_FILE_SETTING, keys.RETIRED_KEYS_SETTING, keys.PASSPHRASE_SETTING):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "keys" / "signing_key.pem"
    path.parent.mkdir()
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)
    settings.NCB_SIGNING_KEY_FILE = str(path)
    settings.NCB_RETIRED_SIGNING_KEYS_FILE = str(tmp_path / "keys" / "retired.json")
    settings.NCB_SIGNING_KEY_PASSPHRASE = ""
    settings.HST_RECEIPT_KEYRING_SECONDS = 0
    use_temporary_store(settings, tmp_path)
    keys._checked.clear()
    return path


def _rotate(*args) -> str:
    out = io.StringIO()
    call_command("rotate_signing_key", *args, stdout=out)
    return out.getvalue()


def test_rotation_writes_a_private_new_key_and_records_the_old_public_key(key_file):
    # given
    old_kid, old_public = keys.signing_key_id(), keys.signing_public_key_text()

    # when
    out = _rotate()

    # then
    new_kid = keys.signing_key_id()
    assert new_kid != old_kid
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    retired = json.loads(keys.retired_keys_path().read_text())
    assert retired["format"] == keys.RETIRED_KEYS_FORMAT
    assert [(e["kid"], e["public_key"]) for e in retired["keys"]] == [(old_kid, old_public)]
    assert set(keys.verification_keyring()) == {old_kid, new_kid}
    assert old_kid in out
    assert new_kid in out
    assert "PRIVATE KEY" not in out
    event = AuditEvent.objects.get(details__signing_key_rotated__retired=old_kid)
    assert event.details["signing_key_rotated"]["current"] == new_kid


def test_two_rotations_keep_both_retired_keys(key_file):
    # given
    first = keys.signing_key_id()
    _rotate()
    second = keys.signing_key_id()

    # when
    _rotate()

    # then
    assert set(keys.retired_public_keys()) == {first, second}
    assert len(keys.verification_keyring()) == 3


def test_old_checkpoints_still_verify_and_new_ones_use_the_new_kid(officer_fr):
    # given: custody signed by the key about to be retired
    item = evidence_item(actor=officer_fr)
    old = checkpointing.custody_checkpoint_build()
    old_kid = keys.signing_key_id()
    assert old.kid == old_kid

    # when: the key is rotated, and the log grows
    _rotate()
    services.custody_examine(actor=officer_fr, item=item, purpose="Photographs (test)")
    new = checkpointing.custody_checkpoint_build()

    # then
    assert new.kid == keys.signing_key_id() != old_kid
    report = verification.checkpoints_verify()
    assert report.checked == 2
    assert report.problems == []
    assert CustodyCheckpoint.objects.count() == 2


def test_without_the_retired_key_the_old_checkpoint_would_be_reported(key_file, officer_fr):
    # given: a rotation whose retired-keys file is then lost
    evidence_item(actor=officer_fr)
    checkpointing.custody_checkpoint_build()
    _rotate()
    keys.retired_keys_path().unlink()

    # when
    report = verification.checkpoints_verify()

    # then: the guard is real, not a verifier that accepts anything
    assert [problem.kind for problem in report.problems] == [verification.SIGNATURE]


def test_a_dossier_exported_before_rotation_still_verifies_offline(officer_fr, tmp_path):
    # given
    item = evidence_item(actor=officer_fr)
    old_kid = keys.signing_key_id()
    dossier = _built(officer_fr, item, tmp_path)

    # when
    _rotate()

    # then
    result = _verify_offline(dossier, tmp_path / "court")
    assert result.returncode == 0, result.stdout + result.stderr
    assert old_kid in result.stdout


def test_a_dossier_exported_after_rotation_carries_both_keys_and_verifies(officer_fr, tmp_path):
    # given: the latest checkpoint was signed by the retired key, and no event came since
    item = evidence_item(actor=officer_fr)
    checkpointing.custody_checkpoint_build()
    old_kid = keys.signing_key_id()
    _rotate()
    new_kid = keys.signing_key_id()

    # when
    dossier = _built(officer_fr, item, tmp_path)

    # then
    manifest = _manifest(dossier)
    assert manifest["checkpoint"]["kid"] == old_kid
    assert manifest["signature"]["kid"] == new_kid
    assert {entry["kid"] for entry in manifest["keys"]} == {old_kid, new_kid}
    result = _verify_offline(dossier, tmp_path / "court")
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_hst_message_signed_before_rotation_still_verifies_after_it(ncb_fr, ncb_de):
    # given: a message from FR (hosted here) signed with the key about to be retired
    old_kid = keys.signing_key_id()
    document = hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))
    old_signed = hst_keys.sign_as_instance(document)
    assert old_signed["signature"]["kid"] == old_kid

    # when
    _rotate()
    new_signed = hst_keys.sign_as_instance(
        hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))
    )
    outcome = inbox_receive(
        raw=canonical_json_bytes(old_signed),
        recipient_code="DE",
        transport="local",
        remote_addr=None,
    )

    # then: the old one is accepted by the inbox, the new one carries the new kid
    assert outcome.http_status == 201, outcome.problems
    assert InboundMessage.objects.get().signature_status == SignatureStatus.OK
    assert new_signed["signature"]["kid"] == keys.signing_key_id() != old_kid
    ring = hst_keys.sender_keyring(ncb_fr)
    assert signing.verify_message(old_signed, ring).ok
    assert signing.verify_message(new_signed, ring).ok


def test_new_key_file_leaves_the_configured_key_in_place(key_file, tmp_path):
    # given: a key mounted read-only in a container, swapped by the operator
    before = key_file.read_bytes()
    old_kid = keys.signing_key_id()
    target = tmp_path / "next" / "signing_key.pem"

    # when
    out = _rotate("--new-key-file", str(target))

    # then
    assert key_file.read_bytes() == before
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert old_kid in keys.retired_public_keys()
    assert "restart" in out


def test_an_existing_new_key_file_is_refused(key_file):
    # when / then
    with pytest.raises(CommandError, match="exists"):
        _rotate("--new-key-file", str(key_file))
    assert not keys.retired_keys_path().exists()


def test_without_a_loadable_key_nothing_is_rotated(settings, key_file):
    # given
    settings.NCB_SIGNING_KEY_FILE = str(key_file.parent / "absent.pem")

    # when / then
    with pytest.raises(CommandError, match=r"absent\.pem"):
        _rotate()
    assert not keys.retired_keys_path().exists()
    assert not AuditEvent.objects.filter(details__has_key="signing_key_rotated").exists()
