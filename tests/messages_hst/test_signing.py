"""Ed25519 signatures of HST messages: RFC 8032 vectors, key ids, tampering and key rotation."""

import base64
import copy
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from messages_hst.signing import (
    generate_private_key,
    key_id,
    keyring,
    message_digest,
    private_key_from_pem,
    private_key_to_pem,
    public_key_from_text,
    public_key_to_text,
    sign_message,
    signing_input,
    verify_message,
)
from messages_hst.validation import schema_problems
from ncb_cases.canonical import canonical_json_bytes
from tests.messages_hst.examples import request_message

# RFC 8032 §7.1: TEST 1, TEST 2, TEST 3 and TEST SHA(abc) (secret key, public key, message, sig).
RFC_8032 = {
    "TEST 1": (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
        "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    "TEST 2": (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    "TEST 3": (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
        "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
    "TEST SHA(abc)": (
        "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
        "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
        hashlib.sha512(b"abc").hexdigest(),
        "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
        "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704",
    ),
}


def raw_public(key):
    return key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


@pytest.mark.parametrize("name", list(RFC_8032))
def test_rfc_8032_vector_gives_the_published_public_key_and_signature(name):
    # given
    secret, public, message, signature = (bytes.fromhex(part) for part in RFC_8032[name])
    private_key = Ed25519PrivateKey.from_private_bytes(secret)

    # when
    produced = private_key.sign(message)

    # then
    assert raw_public(private_key) == public
    assert produced == signature
    private_key.public_key().verify(signature, message)  # raises if it does not verify


def test_key_id_is_the_first_16_hex_digits_of_sha256_of_the_raw_public_key():
    # given
    secret, public, _, _ = RFC_8032["TEST 1"]
    private_key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(secret))

    # when
    kid = key_id(private_key)

    # then
    assert kid == hashlib.sha256(bytes.fromhex(public)).hexdigest()[:16]
    assert kid == key_id(private_key.public_key())


def test_public_key_text_is_base64url_of_the_raw_32_bytes_and_reads_back():
    # given
    secret, public, _, _ = RFC_8032["TEST 1"]
    private_key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(secret))

    # when
    text = public_key_to_text(private_key.public_key())

    # then
    assert text == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"  # the RFC 8037 JWK "x"
    assert base64.urlsafe_b64decode(text + "=") == bytes.fromhex(public)
    assert key_id(public_key_from_text(text)) == key_id(private_key)


@pytest.mark.parametrize(
    "text",
    [
        "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=",  # padding
        "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo",  # standard base64, not base64url
        "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR",  # 31 bytes and a half
        "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURp",  # non-zero trailing bits
        "",
    ],
)
def test_public_key_from_text_refuses_anything_but_the_exact_form(text):
    # given / when / then
    with pytest.raises(ValueError, match="base64url"):
        public_key_from_text(text)


def test_private_key_survives_pem_with_and_without_a_passphrase():
    # given
    private_key = generate_private_key()

    # when
    plain = private_key_from_pem(private_key_to_pem(private_key))
    locked = private_key_from_pem(private_key_to_pem(private_key, b"s3cret"), b"s3cret")

    # then
    assert key_id(plain) == key_id(locked) == key_id(private_key)


def test_private_key_from_pem_refuses_a_key_that_is_not_ed25519():
    # given
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )

    # when / then
    with pytest.raises(ValueError, match="Ed25519"):
        private_key_from_pem(pem)


def test_signed_message_verifies_and_keeps_the_schema():
    # given
    private_key = generate_private_key()
    message = request_message()

    # when
    signed = sign_message(message, private_key)
    result = verify_message(signed, keyring([private_key.public_key()]))

    # then
    assert result.ok
    assert result.status == "ok"
    assert result.kid == key_id(private_key)
    assert signed["signature"]["alg"] == "EdDSA"
    assert len(signed["signature"]["value"]) == 86
    assert schema_problems(signed) == []


def test_signing_leaves_the_input_unchanged_and_signs_it_without_its_signature():
    # given
    private_key = generate_private_key()
    message = request_message()
    original = copy.deepcopy(message)

    # when
    signed = sign_message(message, private_key)

    # then
    assert message == original
    assert signing_input(signed) == canonical_json_bytes(original)
    value = base64.urlsafe_b64decode(signed["signature"]["value"] + "==")
    private_key.public_key().verify(value, canonical_json_bytes(original))


def test_signature_survives_reserialisation_in_another_key_order():
    # given
    private_key = generate_private_key()
    signed = sign_message(request_message(), private_key)

    # when: a transport pretty-prints the JSON with its keys in reverse order
    reordered = json.loads(
        json.dumps(dict(reversed(list(signed.items()))), indent=4, ensure_ascii=True)
    )

    # then
    assert verify_message(reordered, keyring([private_key.public_key()])).ok


def test_signing_twice_replaces_the_signature():
    # given
    old_key, new_key = generate_private_key(), generate_private_key()

    # when
    resigned = sign_message(sign_message(request_message(), old_key), new_key)

    # then
    assert resigned["signature"]["kid"] == key_id(new_key)
    assert verify_message(resigned, keyring([new_key.public_key()])).ok


def tampered(signed, change):
    copy_ = copy.deepcopy(signed)
    change(copy_)
    return copy_


TAMPERING = {
    "a field changed": lambda m: m["body"]["persons"][0].update(family_name="DURAND-TESTS"),
    "a recipient added": lambda m: m["recipients"].append({"ncb_code": "IT", "role": "CC"}),
    "a field removed": lambda m: m["handling"].pop("access_restrictions"),
    "an extension added": lambda m: m.update(x_note="added in transit"),
    "the handling widened": lambda m: m["handling"].update(dissemination="INTERPOL_COMMUNITY"),
    "a boolean turned to an integer": lambda m: m["handling"].update(victim_data_present=1),
    "the kid kept, the value of another message": lambda m: m["signature"].update(
        value=sign_message({"other": "message"}, KEY)["signature"]["value"]
    ),
}
KEY = generate_private_key()


@pytest.mark.parametrize("change", list(TAMPERING))
def test_any_change_after_signing_gives_bad_signature(change):
    # given
    signed = sign_message(request_message(), KEY)

    # when
    result = verify_message(tampered(signed, TAMPERING[change]), keyring([KEY.public_key()]))

    # then
    assert result.status == "bad_signature"
    assert not result.ok


def test_one_changed_byte_of_the_signed_bytes_gives_bad_signature():
    # given
    signed = sign_message(request_message(), KEY)
    data = bytearray(canonical_json_bytes(signed))
    position = data.index(b"Camille")

    # when: one byte flipped in transit (C -> D), the JSON still parses
    data[position] = ord("D")
    received = json.loads(bytes(data))

    # then
    assert verify_message(received, keyring([KEY.public_key()])).status == "bad_signature"


@pytest.mark.parametrize("index", [0, 42, 85])
def test_one_changed_character_of_the_signature_gives_bad_signature(index):
    # given
    signed = sign_message(request_message(), KEY)
    value = signed["signature"]["value"]
    replacement = "A" if value[index] != "A" else "B"

    # when
    signed["signature"]["value"] = value[:index] + replacement + value[index + 1 :]

    # then
    assert verify_message(signed, keyring([KEY.public_key()])).status == "bad_signature"


@pytest.mark.parametrize(
    "signature",
    [
        "not an object",
        {"alg": "RS256", "kid": "0123456789abcdef", "value": "x"},
        {"alg": "EdDSA", "kid": "KID", "value": "not base64url!"},
        {"alg": "EdDSA", "kid": "KID", "value": "AAAA"},
    ],
)
def test_malformed_signature_block_gives_bad_signature(signature):
    # given
    message = request_message()
    if isinstance(signature, dict) and signature["kid"] == "KID":
        signature = {**signature, "kid": key_id(KEY)}
    message["signature"] = signature

    # when
    result = verify_message(message, keyring([KEY.public_key()]))

    # then
    assert result.status == "bad_signature"


def test_unsigned_message_is_missing_its_signature():
    # given / when
    result = verify_message(request_message(), keyring([KEY.public_key()]))

    # then
    assert result.status == "missing"


def test_signature_by_an_unregistered_key_is_unknown_key():
    # given
    stranger = generate_private_key()
    signed = sign_message(request_message(), stranger)

    # when
    result = verify_message(signed, keyring([KEY.public_key()]))

    # then
    assert result.status == "unknown_key"
    assert result.kid == key_id(stranger)


def test_rotation_old_and_new_keys_both_verify_while_both_are_registered():
    # given: FR rotated its key; DE registered both
    old_key, new_key = generate_private_key(), generate_private_key()
    registered = keyring([public_key_to_text(old_key), public_key_to_text(new_key)])
    before = sign_message(request_message(), old_key)
    after = sign_message(request_message(), new_key)

    # when / then
    assert key_id(old_key) != key_id(new_key)
    assert set(registered) == {key_id(old_key), key_id(new_key)}
    assert verify_message(before, registered).ok
    assert verify_message(after, registered).ok


def test_rotation_a_retired_key_no_longer_verifies():
    # given
    old_key, new_key = generate_private_key(), generate_private_key()
    before = sign_message(request_message(), old_key)

    # when: the old key is withdrawn
    result = verify_message(before, keyring([new_key.public_key()]))

    # then
    assert result.status == "unknown_key"


def test_a_key_registered_under_another_kid_cannot_verify():
    # given: a key table mistakenly maps the signer's kid to another NCB's key
    signer, other = generate_private_key(), generate_private_key()
    signed = sign_message(request_message(), signer)

    # when
    result = verify_message(signed, {key_id(signer): other.public_key()})

    # then
    assert result.status == "bad_signature"


def test_public_keys_may_be_given_as_text():
    # given
    signed = sign_message(request_message(), KEY)

    # when
    result = verify_message(signed, {key_id(KEY): public_key_to_text(KEY)})

    # then
    assert result.ok


def test_message_digest_is_sha256_of_the_canonical_bytes_of_the_whole_message():
    # given
    message = request_message()
    signed = sign_message(message, KEY)

    # when / then
    assert message_digest(message) == hashlib.sha256(canonical_json_bytes(message)).hexdigest()
    assert message_digest(signed) != message_digest(message)
    assert len(message_digest(message)) == 64
