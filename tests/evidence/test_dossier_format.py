"""The dossier layout: building, signing, writing, reading the manifest; the shipped verifier."""

import ast
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import ncb_cases.canonical
from evidence import dossier_format
from evidence.checkpoints import key_id, public_key_from_text, signature_valid
from evidence.dossier_format import ManifestError, read_manifest
from tests.evidence.dossiers import (
    ITEM_LEDGER,
    ITEM_PHONE,
    NCB_KEY,
    PHONE_IMAGE,
    custody_chain,
    good_dossier,
    sha256_hex,
)

SHIPPED_IMPORTS_ALLOWED = {"evidence", "cryptography"} | set(sys.stdlib_module_names)


@pytest.fixture(scope="module")
def dossier():
    return good_dossier()


def test_manifest_lists_keys_checkpoint_items_events_files_and_documents(dossier):
    # given
    manifest = dossier.manifest
    phone = manifest["items"][0]
    # then
    assert manifest["format"] == "ncb-thb-dossier/1"
    assert manifest["keys"][0]["kid"] == key_id(NCB_KEY.public_key())
    assert manifest["checkpoint"]["tree_size"] == 12
    assert [item["item"] for item in manifest["items"]] == [ITEM_PHONE, ITEM_LEDGER]
    assert phone["events"][0]["canonical"].encode() == custody_chain(ITEM_PHONE, 1)[0][2]
    assert phone["head_hash"] == phone["events"][-1]["hash"]
    assert [entry["path"] for entry in phone["files"]] == [
        f"files/{sha256_hex(PHONE_IMAGE)}",
        None,
    ]
    assert phone["events"][-1]["leaf_index"] is None
    assert manifest["documents"][0]["path"] == "dossier.pdf"
    assert manifest["context"]["purpose"] == "MLA request DE-TEST-2025-117"


def test_manifest_signature_covers_everything_but_itself(dossier):
    # given
    manifest = dossier.manifest
    key = public_key_from_text(manifest["keys"][0]["public_key"])
    unsigned = dossier_format.manifest_unsigned(manifest)
    # then
    assert signature_valid(key, unsigned, manifest["signature"]["value"])
    assert not signature_valid(key, {**unsigned, "context": {}}, manifest["signature"]["value"])


def test_manifest_json_is_canonical_and_reads_back(dossier):
    # when
    data = dossier_format.manifest_bytes(dossier.manifest)
    # then
    assert data == ncb_cases.canonical.canonical_json_bytes(dossier.manifest)
    assert read_manifest(data) == dossier.manifest


def corrupt(manifest, path, value):
    target = manifest
    for step in path[:-1]:
        target = target[step]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return manifest


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("format",), "ncb-thb-dossier/2", "format must be ncb-thb-dossier/1"),
        (("created_at",), "yesterday", "created_at"),
        (("keys",), [], "keys must list"),
        (("items",), [], "items must list"),
        (("items", 0, "events"), [], r"items\[0\].events must list"),
        (("items", 0, "events", 1, "hash"), "XYZ", r"items\[0\].events\[1\].hash"),
        (("items", 0, "events", 1, "sequence"), "2", r"events\[1\].sequence"),
        (("items", 0, "events", 1, "inclusion_proof"), None, "needs a leaf_index"),
        (("items", 0, "events", 1, "inclusion_proof", 0), "zz" * 32, "inclusion_proof"),
        (("items", 0, "files", 0, "path"), "files/other", r"files\[0\].path must be files/"),
        (("items", 0, "files", 0, "size"), -1, r"files\[0\].size"),
        (("documents", 0, "path"), "../../etc/passwd", "relative path outside files/"),
        (("documents", 0, "path"), "files/x", "relative path outside files/"),
        (("documents", 0, "path"), "manifest.json", "relative path outside files/"),
        (("signature",), KeyError, "signature is missing"),
        (("signature", "alg"), "RS256", "signature needs alg EdDSA"),
    ],
)
def test_malformed_manifests_are_refused_with_the_field_named(dossier, path, value, message):
    # given
    manifest = corrupt(json.loads(json.dumps(dossier.manifest)), path, value)
    # then
    with pytest.raises(ManifestError, match=message):
        read_manifest(json.dumps(manifest).encode())


def test_a_manifest_that_is_not_json_is_refused():
    with pytest.raises(ManifestError, match="not JSON"):
        read_manifest(b"\x00PK")


def test_a_document_listed_twice_is_refused(dossier):
    # given
    manifest = json.loads(json.dumps(dossier.manifest))
    manifest["documents"].append(manifest["documents"][0])
    # then
    with pytest.raises(ManifestError, match="lists a path twice"):
        read_manifest(json.dumps(manifest).encode())


def test_building_a_manifest_with_a_bad_event_hash_fails_at_export(dossier):
    # given
    event = custody_chain(ITEM_PHONE, 1)[0]
    item = dossier_format.DossierItem(
        ITEM_PHONE,
        [dossier_format.DossierEvent(1, event.canonical_bytes, event.prev_hash, "not a hash")],
    )
    # then
    with pytest.raises(ManifestError, match=r"events\[0\].hash"):
        dossier_format.build_manifest(
            ncb_code="FR",
            public_keys=[NCB_KEY.public_key()],
            checkpoint=dossier.manifest["checkpoint"],
            items=[item],
            created_at="2025-03-06T10:00:00Z",
        )


def test_writing_refuses_a_listed_member_without_content(dossier):
    # given
    contents = {path: data for path, data in dossier.contents.items() if path != "dossier.pdf"}
    # then
    with pytest.raises(ManifestError, match=r"no content given for dossier\.pdf"):
        dossier_format.write_dossier(io.BytesIO(), manifest=dossier.manifest, contents=contents)


class ChunkRecorder(io.BytesIO):
    """A file that remembers the size of every read asked of it."""

    def __init__(self, data):
        super().__init__(data)
        self.reads = []

    def read(self, size=-1):
        self.reads.append(size)
        return super().read(size)


def test_evidence_files_are_streamed_in_1_mb_chunks_and_stored_uncompressed(dossier):
    # given
    big = bytes(range(256)) * 12_000  # about 3 MB
    sha256 = sha256_hex(big)
    manifest = json.loads(json.dumps(dossier.manifest))
    manifest["items"][1]["files"] = [
        {"path": f"files/{sha256}", "sha256": sha256, "size": len(big), "media_type": "video/mp4"}
    ]
    source = ChunkRecorder(big)
    contents = {**dossier.contents, f"files/{sha256}": lambda: source}
    target = io.BytesIO()
    # when
    dossier_format.write_dossier(target, manifest=manifest, contents=contents)
    # then
    assert len(source.reads) == 4
    assert set(source.reads) == {dossier_format.CHUNK_SIZE}
    with zipfile.ZipFile(target) as archive:
        assert archive.getinfo(f"files/{sha256}").compress_type == zipfile.ZIP_STORED
        assert hashlib.sha256(archive.read(f"files/{sha256}")).hexdigest() == sha256


# -- the verifier shipped in the dossier ----------------------------------------------------------


def test_the_shipped_verifier_is_a_small_self_contained_package():
    # when
    files = dossier_format.verifier_files()
    # then
    assert sorted(files) == sorted(
        [
            "verifier/README.txt",
            "verifier/evidence/__init__.py",
            *(f"verifier/evidence/{name}" for name in dossier_format.VERIFIER_MODULES),
        ]
    )
    assert b"python -m evidence.verify ../dossier.zip" in files["verifier/README.txt"]


def test_the_shipped_rfc8785_module_is_the_projects_own_file():
    # given
    real = Path(ncb_cases.canonical.__file__).read_bytes()
    # then
    assert dossier_format.verifier_files()["verifier/evidence/canonical.py"] == real


@pytest.mark.parametrize(
    "path", sorted(path for path in dossier_format.verifier_files() if path.endswith(".py"))
)
def test_shipped_modules_import_only_the_standard_library_cryptography_and_each_other(path):
    # given
    tree = ast.parse(dossier_format.verifier_files()[path])
    # when
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    # then
    assert imported <= SHIPPED_IMPORTS_ALLOWED


def test_the_evidence_core_loads_without_django():
    # given
    code = (
        "import sys, evidence.hashing, evidence.merkle, evidence.checkpoints, "
        "evidence.dossier_format, evidence.verify; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    # when
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    # then
    assert result.stdout.strip() == "[]"
