"""Registering partners' Ed25519 public keys: the keyring HST signatures are verified with."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ValidationError

from contacts import services
from contacts.models import NCBPublicKey
from messages_hst import signing


@pytest.fixture
def partner_key_text():
    return signing.public_key_to_text(Ed25519PrivateKey.generate().public_key())


def test_a_registered_key_gets_the_kid_the_signatures_carry(ncb_de, partner_key_text):
    # when
    key = services.ncb_public_key_register(ncb=ncb_de, public_key=partner_key_text, note="2026")

    # then
    assert key.kid == signing.key_id(signing.public_key_from_text(partner_key_text))
    assert list(NCBPublicKey.objects.active().filter(ncb=ncb_de)) == [key]


def test_registering_the_same_key_again_changes_nothing_and_reactivates_it(
    ncb_de, partner_key_text
):
    # given
    first = services.ncb_public_key_register(ncb=ncb_de, public_key=partner_key_text)
    services.ncb_public_key_revoke(key=first)

    # when
    again = services.ncb_public_key_register(ncb=ncb_de, public_key=f" {partner_key_text}\n")

    # then
    assert again.pk == first.pk
    assert again.revoked_at is None
    assert NCBPublicKey.objects.count() == 1


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not-a-key",
        "A" * 44,  # too long
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",  # non-zero trailing bits: not canonical
    ],
)
def test_a_malformed_key_is_refused_on_the_public_key_field(ncb_de, text):
    # when
    with pytest.raises(ValidationError) as raised:
        services.ncb_public_key_register(ncb=ncb_de, public_key=text)

    # then
    assert "public_key" in raised.value.message_dict
    assert not NCBPublicKey.objects.exists()


def test_a_revoked_key_leaves_the_active_keyring_but_stays_on_record(ncb_de, partner_key_text):
    # given
    key = services.ncb_public_key_register(ncb=ncb_de, public_key=partner_key_text)

    # when
    services.ncb_public_key_revoke(key=key)

    # then
    assert not NCBPublicKey.objects.active().exists()
    assert NCBPublicKey.objects.get().revoked_at is not None
