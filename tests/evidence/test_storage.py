"""The evidence file store: content-addressed, streamed, never overwritten, no orphans."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from evidence import storage
from tests.evidence.factories import use_temporary_store


def _chunks(*parts):
    yield from parts


def test_content_is_stored_under_its_sha256(settings, tmp_path):
    # given
    root = use_temporary_store(settings, tmp_path)
    data = b"fictitious ledger page\n" * 1000

    # when
    stored = storage.content_store(_chunks(data[:5000], data[5000:]))

    # then
    digest = hashlib.sha256(data).hexdigest()
    assert stored.sha256 == digest
    assert stored.size == len(data)
    assert stored.key == f"sha256/{digest[:2]}/{digest[2:4]}/{digest}"
    assert (root / stored.key).read_bytes() == data
    assert stored.created is True


def test_the_same_content_is_reused_not_rewritten(settings, tmp_path):
    # given
    root = use_temporary_store(settings, tmp_path)
    first = storage.content_store(_chunks(b"same bytes"))
    path = root / first.key
    before = path.stat().st_mtime_ns

    # when
    second = storage.content_store(_chunks(b"same ", b"bytes"))

    # then
    assert second.key == first.key
    assert second.created is False
    assert path.stat().st_mtime_ns == before
    assert sorted(p.name for p in path.parent.iterdir()) == [first.sha256]


def test_an_upload_interrupted_midway_leaves_no_file(settings, tmp_path):
    # given
    root = use_temporary_store(settings, tmp_path)

    def cut_off():
        yield b"first megabyte of a disk image"
        raise ConnectionResetError("client went away")

    # when
    with pytest.raises(ConnectionResetError):
        storage.content_store(cut_off())

    # then
    assert [p for p in root.rglob("*") if p.is_file()] == []


def test_content_whose_hash_differs_from_the_expected_one_is_refused_and_not_kept(
    settings, tmp_path
):
    # given
    root = use_temporary_store(settings, tmp_path)

    # when
    with pytest.raises(ValidationError) as error:
        storage.content_store(_chunks(b"cut short"), expected_sha256="0" * 64)

    # then
    assert "sha256" in error.value.message_dict
    assert [p for p in root.rglob("*") if p.is_file()] == []


def test_an_expected_hash_that_is_not_64_hex_characters_is_refused(settings, tmp_path):
    # given
    use_temporary_store(settings, tmp_path)

    # when / then
    with pytest.raises(ValidationError) as error:
        storage.content_store(_chunks(b"x"), expected_sha256="XYZ")
    assert "64" in error.value.message_dict["sha256"][0]


def test_content_over_the_size_limit_is_refused_and_not_kept(settings, tmp_path):
    # given
    root = use_temporary_store(settings, tmp_path)
    settings.EVIDENCE_FILE_MAX_SIZE = 10

    # when
    with pytest.raises(ValidationError) as error:
        storage.content_store(_chunks(b"0123456789", b"A"))

    # then
    assert "file" in error.value.message_dict
    assert [p for p in root.rglob("*") if p.is_file()] == []


def test_a_file_object_is_read_in_chunks_not_whole(settings, tmp_path):
    # given
    use_temporary_store(settings, tmp_path)

    class Source:
        def __init__(self):
            self.sizes = []
            self.left = 3 * storage.CHUNK_SIZE + 7

        def read(self, size=-1):
            self.sizes.append(size)
            step = min(size, self.left)
            self.left -= step
            return b"\0" * step

    source = Source()

    # when
    stored = storage.content_store(source)

    # then
    assert stored.size == 3 * storage.CHUNK_SIZE + 7
    assert set(source.sizes) == {storage.CHUNK_SIZE}


def test_content_hash_rereads_the_stored_bytes(settings, tmp_path):
    # given
    root = use_temporary_store(settings, tmp_path)
    stored = storage.content_store(_chunks(b"original"))
    (root / stored.key).write_bytes(b"altered")

    # when
    actual = storage.content_hash(stored.sha256)

    # then
    assert actual == hashlib.sha256(b"altered").hexdigest()


def test_content_hash_of_missing_content_is_none(settings, tmp_path):
    # given
    use_temporary_store(settings, tmp_path)

    # when / then
    assert storage.content_hash("a" * 64) is None


def test_a_configured_evidence_storage_backend_is_used(settings, tmp_path):
    # given
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "other")},
        },
    }

    # when
    stored = storage.content_store(_chunks(b"elsewhere"))

    # then
    assert (tmp_path / "other" / stored.key).read_bytes() == b"elsewhere"
