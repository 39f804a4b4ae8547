"""Signed checkpoints: the exact bytes signed, the kid rule, and every change detected."""

import datetime
import hashlib

import pytest

from evidence.canonical import canonical_json_bytes
from evidence.checkpoints import (
    CHECKPOINT_FIELDS,
    CheckpointError,
    b64url_decode,
    b64url_encode,
    checkpoint_body,
    checkpoint_sign,
    checkpoint_verify,
    checkpoints_consistent,
    key_id,
    public_key_from_text,
    public_key_raw,
    public_key_text,
    signature_create,
    signature_valid,
)
from evidence.merkle import MerkleTree
from tests.evidence.dossiers import NCB_KEY, OTHER_KEY, flip_hex

ROOT = hashlib.sha256(b"custody log root (test)").digest()
SIGNED_AT = datetime.datetime(2025, 3, 5, 2, 0, tzinfo=datetime.UTC)


def signed_checkpoint(**overrides):
    arguments = {
        "private_key": NCB_KEY,
        "tree_size": 1234,
        "root_hash": ROOT,
        "timestamp": SIGNED_AT,
        "ncb_code": "FR",
    }
    arguments.update(overrides)
    return checkpoint_sign(**arguments)


def test_the_signed_bytes_are_the_rfc8785_body_with_a_format_label():
    # given
    checkpoint = signed_checkpoint()
    kid = key_id(NCB_KEY.public_key())
    # when
    body = {name: checkpoint[name] for name in CHECKPOINT_FIELDS}
    # then
    assert (
        canonical_json_bytes(body)
        == (
            '{"format":"ncb-thb-checkpoint/1","kid":"' + kid + '","ncb_code":"FR",'
            '"root_hash":"' + ROOT.hex() + '","timestamp":"2025-03-05T02:00:00Z",'
            '"tree_size":1234}'
        ).encode()
    )
    NCB_KEY.public_key().verify(b64url_decode(checkpoint["signature"]), canonical_json_bytes(body))


def test_a_signed_checkpoint_verifies_with_the_key_object_or_its_text():
    # given
    checkpoint = signed_checkpoint()
    # then
    checkpoint_verify(checkpoint, NCB_KEY.public_key())
    checkpoint_verify(checkpoint, public_key_text(NCB_KEY.public_key()))


def test_kid_is_the_first_16_hex_of_sha256_of_the_raw_public_key():
    # given
    raw = public_key_raw(NCB_KEY.public_key())
    # then
    assert len(raw) == 32
    assert key_id(NCB_KEY.public_key()) == hashlib.sha256(raw).hexdigest()[:16]
    assert key_id(raw) == key_id(NCB_KEY.public_key())


def test_public_keys_travel_as_unpadded_base64url_of_the_raw_bytes():
    # given
    text = public_key_text(NCB_KEY.public_key())
    # then
    assert len(text) == 43
    assert "=" not in text
    assert public_key_raw(public_key_from_text(text)) == public_key_raw(NCB_KEY.public_key())


BASE64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def test_public_keys_have_one_text_form_only():
    # given: the last of 43 characters carries 4 bits of the key and 2 bits that must be zero
    text = public_key_text(NCB_KEY.public_key())
    sloppy = text[:-1] + BASE64URL_ALPHABET[BASE64URL_ALPHABET.index(text[-1]) ^ 1]
    standard_alphabet = text.replace("-", "+").replace("_", "/") + "+"
    # then
    for variant in (text + "=", sloppy, standard_alphabet):
        with pytest.raises(ValueError, match="base64url"):
            public_key_from_text(variant)


@pytest.mark.parametrize("text", ["", "not base64!", "AAAA", "A" * 44])
def test_text_that_is_not_a_public_key_is_refused(text):
    with pytest.raises(ValueError):  # noqa: PT011 -- several messages, one type
        public_key_from_text(text)


def test_root_hash_may_be_given_as_hex():
    assert signed_checkpoint(root_hash=ROOT.hex()) == signed_checkpoint()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tree_size", 1235),
        ("root_hash", flip_hex(ROOT.hex(), 10)),
        ("timestamp", "2025-03-05T02:00:01Z"),
        ("ncb_code", "DE"),
    ],
)
def test_any_changed_field_fails_the_signature(field, value):
    # given
    checkpoint = {**signed_checkpoint(), field: value}
    # then
    with pytest.raises(CheckpointError, match="signature does not verify"):
        checkpoint_verify(checkpoint, NCB_KEY.public_key())


def test_a_changed_signature_fails():
    # given
    checkpoint = signed_checkpoint()
    signature = b64url_decode(checkpoint["signature"])
    changed = bytes([signature[0] ^ 1]) + signature[1:]
    checkpoint["signature"] = b64url_encode(changed)
    # then
    with pytest.raises(CheckpointError, match="signature does not verify"):
        checkpoint_verify(checkpoint, NCB_KEY.public_key())


def test_a_checkpoint_checked_against_another_key_names_the_kids():
    with pytest.raises(CheckpointError, match=r"names key \w+, not the given key"):
        checkpoint_verify(signed_checkpoint(), OTHER_KEY.public_key())


def test_a_checkpoint_relabelled_with_another_kid_fails():
    # given
    checkpoint = {**signed_checkpoint(), "kid": key_id(OTHER_KEY.public_key())}
    # then
    with pytest.raises(CheckpointError, match="signature does not verify"):
        checkpoint_verify(checkpoint, OTHER_KEY.public_key())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda checkpoint: checkpoint.pop("timestamp"), "missing \\['timestamp'\\]"),
        (lambda checkpoint: checkpoint.update(extra=1), "unexpected \\['extra'\\]"),
        (lambda checkpoint: checkpoint.update(tree_size=-1), "tree_size"),
        (lambda checkpoint: checkpoint.update(tree_size="12"), "tree_size"),
        (lambda checkpoint: checkpoint.update(root_hash=ROOT.hex().upper()), "root_hash"),
        (lambda checkpoint: checkpoint.update(timestamp="2025-03-05 02:00:00"), "timestamp"),
        (lambda checkpoint: checkpoint.update(ncb_code=""), "ncb_code"),
        (lambda checkpoint: checkpoint.update(kid="xyz"), "kid"),
        (lambda checkpoint: checkpoint.update(format="ct/1"), "format"),
    ],
)
def test_malformed_checkpoints_are_refused_with_the_field_named(change, message):
    # given
    checkpoint = signed_checkpoint()
    change(checkpoint)
    # then
    with pytest.raises(CheckpointError, match=message):
        checkpoint_verify(checkpoint, NCB_KEY.public_key())


def test_a_checkpoint_needs_an_aware_timestamp():
    with pytest.raises(ValueError, match="time zone"):
        checkpoint_body(
            tree_size=1,
            root_hash=ROOT,
            timestamp=datetime.datetime(2025, 3, 5, 2, 0),
            ncb_code="FR",
            kid="0" * 16,
        )


def test_generic_signatures_cover_the_canonical_bytes_of_any_body():
    # given
    body = {"b": [1, 2], "a": "Scellé"}
    signature = signature_create(NCB_KEY, body)
    # then
    assert signature_valid(NCB_KEY.public_key(), {"a": "Scellé", "b": [1, 2]}, signature)
    assert not signature_valid(NCB_KEY.public_key(), {**body, "b": [2, 1]}, signature)
    assert not signature_valid(OTHER_KEY.public_key(), body, signature)
    assert not signature_valid(NCB_KEY.public_key(), body, "!!")


def test_a_later_checkpoint_is_proven_to_extend_an_earlier_one():
    # given: the log grew from 5 to 9 events between two checkpoints
    leaves = [hashlib.sha256(bytes([number])).digest() for number in range(9)]
    tree = MerkleTree(leaves)
    older = signed_checkpoint(tree_size=5, root_hash=tree.root(5))
    newer = signed_checkpoint(tree_size=9, root_hash=tree.root())
    proof = tree.consistency_proof(5)
    # then
    assert checkpoints_consistent(older=older, newer=newer, proof=proof)


def test_a_checkpoint_over_a_rewritten_log_is_not_consistent_with_the_earlier_one():
    # given: event 3 was rewritten after the first checkpoint
    leaves = [hashlib.sha256(bytes([number])).digest() for number in range(9)]
    older = signed_checkpoint(tree_size=5, root_hash=MerkleTree(leaves).root(5))
    leaves[3] = hashlib.sha256(b"rewritten").digest()
    rewritten = MerkleTree(leaves)
    newer = signed_checkpoint(tree_size=9, root_hash=rewritten.root())
    # then
    assert not checkpoints_consistent(
        older=older, newer=newer, proof=rewritten.consistency_proof(5)
    )
