"""The instance signing key: configured PEM file, or a development key generated once."""

import os
import stat
import sys

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidence.checkpoints import key_id, public_key_from_text
from ncb_cases import keys


@pytest.fixture(autouse=True)
def _no_key_in_the_environment(monkeypatch, settings, tmp_path):
    for name in (keys.KEY_FILE_SETTING, keys.PASSPHRASE_SETTING, keys.INSTANCE_CODE_SETTING):
        monkeypatch.delenv(name, raising=False)
    settings.NCB_SIGNING_KEY_FILE = ""
    settings.VAR_DIR = tmp_path / "var"


def _pem(key, passphrase: bytes | None = None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def test_without_a_configured_key_tests_get_a_development_key_readable_by_the_owner_only(
    settings,
):
    # when
    key = keys.signing_private_key()

    # then
    path = settings.VAR_DIR / keys.DEVELOPMENT_KEY_NAME
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert isinstance(key, Ed25519PrivateKey)


def test_the_development_key_is_generated_once_and_kept(settings):
    # given
    first = keys.signing_key_id()
    pem = (settings.VAR_DIR / keys.DEVELOPMENT_KEY_NAME).read_bytes()

    # when
    second = keys.signing_key_id()
    keys._write_new_key(settings.VAR_DIR / keys.DEVELOPMENT_KEY_NAME)  # a racing process

    # then
    assert second == first
    assert (settings.VAR_DIR / keys.DEVELOPMENT_KEY_NAME).read_bytes() == pem


def test_the_configured_pem_file_is_the_signing_key(settings, tmp_path):
    # given
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "ncb.pem"
    path.write_bytes(_pem(key))
    settings.NCB_SIGNING_KEY_FILE = str(path)

    # when
    kid = keys.signing_key_id()

    # then
    assert kid == key_id(key.public_key())
    assert not (settings.VAR_DIR / keys.DEVELOPMENT_KEY_NAME).exists()


def test_the_key_file_may_come_from_the_environment(monkeypatch, tmp_path):
    # given
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "ncb.pem"
    path.write_bytes(_pem(key))
    monkeypatch.setenv(keys.KEY_FILE_SETTING, str(path))

    # when / then
    assert keys.signing_key_id() == key_id(key.public_key())


def test_an_encrypted_key_file_opens_with_its_passphrase(settings, tmp_path):
    # given
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "ncb.pem"
    path.write_bytes(_pem(key, b"correct horse (test)"))
    settings.NCB_SIGNING_KEY_FILE = str(path)
    settings.NCB_SIGNING_KEY_PASSPHRASE = "correct horse (test)"

    # when / then
    assert keys.signing_key_id() == key_id(key.public_key())


def test_the_public_key_text_is_the_unpadded_base64url_of_the_raw_key():
    # when
    text = keys.signing_public_key_text()

    # then
    assert len(text) == 43
    assert key_id(public_key_from_text(text)) == keys.signing_key_id()


def test_a_replaced_key_file_is_read_again(settings, tmp_path, monkeypatch):
    # given: a clock past the re-check delay at every call
    clock = iter(range(0, 10**6, 60))
    monkeypatch.setattr(keys.time, "monotonic", lambda: next(clock))
    path = tmp_path / "ncb.pem"
    path.write_bytes(_pem(Ed25519PrivateKey.generate()))
    settings.NCB_SIGNING_KEY_FILE = str(path)
    before = keys.signing_key_id()
    modified = path.stat().st_mtime_ns
    new_key = Ed25519PrivateKey.generate()
    path.write_bytes(_pem(new_key))
    os.utime(path, ns=(modified + 10**9, modified + 10**9))

    # when
    after = keys.signing_key_id()

    # then
    assert after == key_id(new_key.public_key()) != before


def test_within_seconds_of_a_read_the_key_file_is_not_looked_at_again(
    settings, tmp_path, monkeypatch
):
    # given: a key read once, then its file gone (a clock that does not move)
    monkeypatch.setattr(keys.time, "monotonic", lambda: 1000.0)
    path = tmp_path / "ncb.pem"
    path.write_bytes(_pem(Ed25519PrivateKey.generate()))
    settings.NCB_SIGNING_KEY_FILE = str(path)
    before = keys.signing_key_id()
    path.unlink()

    # when: signing again within the re-check delay
    again = keys.signing_key_id()

    # then: the same key, without a stat (which would have failed)
    assert again == before


def test_without_a_key_outside_debug_and_tests_the_instance_cannot_sign(settings, monkeypatch):
    # given: production-like: DEBUG off, not under a test runner
    settings.DEBUG = False
    monkeypatch.delitem(sys.modules, "pytest")
    monkeypatch.setattr(sys, "argv", ["celery", "worker"])

    # when / then
    with pytest.raises(keys.SigningKeyUnavailable, match="NCB_SIGNING_KEY_FILE is not set"):
        keys.signing_private_key()


def test_a_file_that_is_not_a_key_is_refused_without_echoing_it(settings, tmp_path):
    # given
    path = tmp_path / "ncb.pem"
    path.write_text("SECRET-LOOKING TEXT (test)")
    settings.NCB_SIGNING_KEY_FILE = str(path)

    # when
    with pytest.raises(keys.SigningKeyUnavailable) as error:
        keys.signing_private_key()

    # then
    assert "not a readable PKCS#8 PEM private key" in str(error.value)
    assert "SECRET-LOOKING" not in str(error.value)


def test_a_key_of_another_algorithm_is_refused(settings, tmp_path):
    # given
    path = tmp_path / "ec.pem"
    path.write_bytes(_pem(ec.generate_private_key(ec.SECP256R1())))
    settings.NCB_SIGNING_KEY_FILE = str(path)

    # when / then
    with pytest.raises(keys.SigningKeyUnavailable, match="not an Ed25519 key"):
        keys.signing_private_key()


def test_a_missing_key_file_is_named(settings, tmp_path):
    # given
    settings.NCB_SIGNING_KEY_FILE = str(tmp_path / "absent.pem")

    # when / then
    with pytest.raises(keys.SigningKeyUnavailable, match=r"absent\.pem"):
        keys.signing_private_key()


def test_the_instance_code_defaults_and_may_be_configured(settings):
    # given
    default = keys.instance_ncb_code()
    settings.NCB_INSTANCE_CODE = "FR-PARIS"

    # when / then
    assert default == keys.DEFAULT_INSTANCE_CODE
    assert keys.instance_ncb_code() == "FR-PARIS"
