"""The operators' HST commands: hst_public_key, hst_register_key, hst_set_transport."""

import io
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from contacts.choices import MessageTransport
from contacts.models import NCBPublicKey
from messages_hst import signing
from ncb_cases import keys
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent

# Not starting with "-" (one key in 64 does, and argparse would take it for an option: the
# test with a dash passes it after "--"); drawn at random, it made this module fail now and then.
PARTNER_KEY = next(
    text
    for text in iter(lambda: signing.public_key_to_text(signing.generate_private_key()), None)
    if not text.startswith("-")
)


@pytest.fixture(autouse=True)
def instance_key(settings, tmp_path):
    # A key of this test's own, never the checkout's development key.
    path = tmp_path / "instance-key.pem"
    path.write_bytes(signing.private_key_to_pem(signing.generate_private_key()))
    settings.NCB_SIGNING_KEY_FILE = str(path)
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- hst_public_key -------------------------------------------------------------------------


def test_public_key_prints_the_kid_and_the_key_partners_register(db):
    # when
    output = run("hst_public_key")

    # then
    assert output.splitlines() == [
        f"kid: {keys.signing_key_id()}",
        f"public_key: {keys.signing_public_key_text()}",
    ]
    key = signing.public_key_from_text(keys.signing_public_key_text())
    assert signing.key_id(key) == keys.signing_key_id()


def test_public_key_alone_for_scripts(db):
    # when
    output = run("hst_public_key", "--key-only")

    # then
    assert output == keys.signing_public_key_text() + "\n"


def test_public_key_without_a_usable_key_file_is_a_one_line_error(settings, tmp_path):
    # given
    settings.NCB_SIGNING_KEY_FILE = str(tmp_path / "missing.pem")

    # when / then
    with pytest.raises(CommandError, match="cannot read the signing key file"):
        run("hst_public_key")


# --- hst_register_key -----------------------------------------------------------------------


def test_register_key_stores_the_partner_key_under_its_kid(ncb_de):
    # when
    output = run("hst_register_key", "DE", PARTNER_KEY, "--note", "exchanged at the meeting")

    # then
    key = NCBPublicKey.objects.get(ncb=ncb_de)
    assert key.kid == signing.key_id(signing.public_key_from_text(PARTNER_KEY))
    assert key.public_key == PARTNER_KEY
    assert key.note == "exchanged at the meeting"
    assert key.revoked_at is None
    assert output == f"Key {key.kid} registered for DE ({ncb_de.name}).\n"


def test_register_key_for_an_ncb_hosted_here_says_what_that_means(ncb_de):
    # given: DE is still `local` (hosted on this instance)
    err = io.StringIO()

    # when
    call_command("hst_register_key", "DE", PARTNER_KEY, stdout=io.StringIO(), stderr=err)

    # then
    assert "DE is hosted on this instance" in err.getvalue()
    assert "hst_set_transport DE peer" in err.getvalue()


def test_register_key_for_a_peer_ncb_needs_no_note(ncb_de):
    # given
    run("hst_set_transport", "DE", "peer", "--endpoint", "https://ncb-de.example.test")
    err = io.StringIO()

    # when
    call_command("hst_register_key", "DE", PARTNER_KEY, stdout=io.StringIO(), stderr=err)

    # then
    assert err.getvalue() == ""


def test_register_key_is_audited(ncb_de):
    # when
    run("hst_register_key", "DE", PARTNER_KEY)

    # then
    event = AuditEvent.objects.get(object_type="nationalcentralbureau")
    assert event.action == AuditAction.UPDATE
    assert event.actor is None
    assert event.details["public_key_registered"] == signing.key_id(
        signing.public_key_from_text(PARTNER_KEY)
    )


def test_register_key_starting_with_a_dash_after_a_double_dash(ncb_de):
    # given: a key whose text starts with "-", which argparse would take for an option
    key = next(
        text
        for text in (
            signing.public_key_to_text(signing.generate_private_key()) for _ in range(9999)
        )
        if text.startswith("-")
    )

    # when
    run("hst_register_key", "DE", "--", key)

    # then
    assert NCBPublicKey.objects.get(ncb=ncb_de).public_key == key


def test_register_key_twice_keeps_one_row(ncb_de):
    # given
    run("hst_register_key", "de", PARTNER_KEY)

    # when
    output = run("hst_register_key", "DE", f"  {PARTNER_KEY}\n")

    # then
    assert NCBPublicKey.objects.filter(ncb=ncb_de).count() == 1
    assert "already registered" in output


def test_register_key_for_an_unknown_ncb_names_the_code(ncb_de):
    # when / then
    with pytest.raises(CommandError, match="No NCB with code “XX”"):
        run("hst_register_key", "XX", PARTNER_KEY)
    assert not NCBPublicKey.objects.exists()


@pytest.mark.parametrize(
    "malformed",
    [
        "not-a-key",
        PARTNER_KEY[:-1],
        PARTNER_KEY + "=",
        "-----BEGIN PUBLIC KEY-----",
    ],
    # The partner key is generated per run: named ids keep the collection the same in every
    # xdist worker.
    ids=["not-a-key", "one-character-short", "padded", "pem-header"],
)
def test_register_key_refuses_a_malformed_key_on_one_line(ncb_de, malformed):
    # when / then
    with pytest.raises(CommandError) as error:
        run("hst_register_key", "DE", malformed)
    assert str(error.value).startswith("public key: ")
    assert "\n" not in str(error.value)
    assert not NCBPublicKey.objects.exists()


def test_register_key_exits_non_zero_from_the_command_line(tmp_path):
    # given: manage.py in another process, on a database without that NCB
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "NCB_VAR_DIR": str(tmp_path / "var"),
        "DEBUG": "1",
        "PATH": "/usr/bin:/bin",
    }

    # when
    result = subprocess.run(
        [sys.executable, "manage.py", "hst_register_key", "--skip-checks", "DE", "bad"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    # then
    assert result.returncode == 1
    assert result.stderr.strip().startswith("CommandError: ")
    assert len(result.stderr.strip().splitlines()) == 1


# --- hst_set_transport ----------------------------------------------------------------------


def test_set_transport_peer_stores_the_base_url_without_trailing_slash(ncb_de):
    # when
    output = run("hst_set_transport", "DE", "peer", "--endpoint", "https://ncb-de.example.test/")

    # then
    ncb_de.refresh_from_db()
    assert ncb_de.transport == MessageTransport.PEER
    assert ncb_de.peer_endpoint == "https://ncb-de.example.test"
    assert output == f"DE ({ncb_de.name}): transport peer at https://ncb-de.example.test.\n"


def test_set_transport_is_audited_with_before_and_after(ncb_de):
    # when
    run("hst_set_transport", "DE", "gateway")

    # then
    event = AuditEvent.objects.get(object_type="nationalcentralbureau")
    assert event.action == AuditAction.UPDATE
    assert event.details["transport"] == ["local", "gateway"]


def test_set_transport_back_to_local_forgets_the_endpoint(ncb_de):
    # given
    run("hst_set_transport", "DE", "peer", "--endpoint", "https://ncb-de.example.test")

    # when
    run("hst_set_transport", "DE", "local")

    # then
    ncb_de.refresh_from_db()
    assert (ncb_de.transport, ncb_de.peer_endpoint) == ("local", "")


def test_set_transport_peer_over_http_only_where_allowed(ncb_de, settings):
    # given
    settings.HST_PEER_ALLOW_HTTP = False

    # when / then
    with pytest.raises(CommandError, match=r"plain http.*HST_PEER_ALLOW_HTTP"):
        run("hst_set_transport", "DE", "peer", "--endpoint", "http://127.0.0.1:8002")

    # given
    settings.HST_PEER_ALLOW_HTTP = True

    # when
    run("hst_set_transport", "DE", "peer", "--endpoint", "http://127.0.0.1:8002")

    # then
    ncb_de.refresh_from_db()
    assert ncb_de.peer_endpoint == "http://127.0.0.1:8002"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["peer"], "--endpoint: the peer transport needs"),
        (["peer", "--endpoint", "ncb-de.example.test"], "is not an http\\(s\\) URL"),
        (["peer", "--endpoint", "ftp://ncb-de.example.test"], "is not an http\\(s\\) URL"),
        (["peer", "--endpoint", "https://ncb-de.example.test/?a=1"], "without query"),
        (["peer", "--endpoint", "https://user:pw@ncb-de.example.test"], "credentials"),
        (["local", "--endpoint", "https://ncb-de.example.test"], "only the peer transport"),
        (["gateway", "--endpoint", "https://ncb-de.example.test"], "only the peer transport"),
        (["carrier-pigeon"], "invalid choice"),
    ],
)
def test_set_transport_refuses_bad_input_and_changes_nothing(ncb_de, args, message):
    # when / then
    with pytest.raises(CommandError, match=message):
        run("hst_set_transport", "DE", *args)
    ncb_de.refresh_from_db()
    assert (ncb_de.transport, ncb_de.peer_endpoint) == ("local", "")
    assert not AuditEvent.objects.exists()


def test_set_transport_for_an_unknown_ncb_names_the_code(db):
    # when / then
    with pytest.raises(CommandError, match="No NCB with code “ZZ”"):
        run("hst_set_transport", "ZZ", "local")
