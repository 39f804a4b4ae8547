"""`/api/v1/evidence/{id}/files/`: files attached by streamed upload, stored under their hash."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.models import CustodyEvent, EvidenceFile
from tests.evidence.factories import add_file

pytestmark = pytest.mark.django_db

CONTENT = b"fictitious phone extraction, 2026-03-04\n" * 100
SHA256 = hashlib.sha256(CONTENT).hexdigest()


def _stored(store):
    return sorted(path.name for path in store.rglob("*") if path.is_file())


def _upload(content=CONTENT, name="extraction.bin"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_an_upload_is_stored_under_its_sha256(
    api_client_for, officer_fr, item_fr, evidence_url, evidence_store
):
    # when
    response = api_client_for(officer_fr).post(
        evidence_url(item_fr, "files"),
        {"file": _upload(), "sha256": SHA256.upper()},
        format="multipart",
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["sha256"], body["size"], body["original_name"]) == (
        SHA256,
        len(CONTENT),
        "extraction.bin",
    )
    assert _stored(evidence_store) == [SHA256]


def test_a_derived_copy_names_its_parent_and_records_a_copied_event(
    api_client_for, officer_fr, item_fr, evidence_url
):
    # given
    original = add_file(actor=officer_fr, item=item_fr, content=CONTENT)
    # when
    response = api_client_for(officer_fr).post(
        evidence_url(item_fr, "files"),
        {
            "file": _upload(b"redacted copy\n", "redacted.bin"),
            "parent": str(original.public_id),
            "derivation_method": "Redaction tool 2.1 (fictitious), faces blurred",
        },
        format="multipart",
    )
    # then
    assert response.status_code == 201
    assert response.json()["parent"] == str(original.public_id)
    assert CustodyEvent.objects.filter(item=item_fr, action="COPIED").count() == 1


def test_the_files_of_an_item_are_listed(api_client_for, officer_fr, item_fr, evidence_url):
    # given
    add_file(actor=officer_fr, item=item_fr, content=CONTENT)
    # when
    response = api_client_for(officer_fr).get(evidence_url(item_fr, "files"))
    # then
    assert response.status_code == 200
    assert [row["sha256"] for row in response.json()["results"]] == [SHA256]


@pytest.mark.parametrize("sha256", ["abc", "z" * 64, SHA256 + "0"])
def test_a_hash_that_is_not_64_hex_characters_is_a_400_naming_it_and_nothing_is_stored(
    api_client_for, officer_fr, item_fr, evidence_url, evidence_store, sha256
):
    # when
    response = api_client_for(officer_fr).post(
        evidence_url(item_fr, "files"), {"file": _upload(), "sha256": sha256}, format="multipart"
    )
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["sha256"]
    assert not EvidenceFile.objects.exists()
    assert _stored(evidence_store) == []


def test_content_that_is_not_what_the_client_hashed_is_refused_and_not_kept(
    api_client_for, officer_fr, item_fr, evidence_url, evidence_store
):
    # given the client hashed the whole file, but only half of it arrives
    cut = CONTENT[: len(CONTENT) // 2]
    # when
    response = api_client_for(officer_fr).post(
        evidence_url(item_fr, "files"),
        {"file": _upload(cut), "sha256": SHA256},
        format="multipart",
    )
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["sha256"]
    assert not EvidenceFile.objects.exists()
    assert _stored(evidence_store) == []


def test_an_upload_cut_midway_is_a_400_and_leaves_no_file(
    api_client_for, officer_fr, item_fr, evidence_url, evidence_store
):
    # given a multipart body that stops in the middle of the file, before its closing boundary
    boundary = "fictitiousboundary"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="extraction.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + CONTENT[:500]
    # when
    response = api_client_for(officer_fr).generic(
        "POST",
        evidence_url(item_fr, "files"),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    # then
    assert response.status_code == 400
    assert "No complete file arrived" in response.json()["file"][0]
    assert not EvidenceFile.objects.exists()
    assert _stored(evidence_store) == []


def test_the_same_content_twice_is_a_400_naming_the_file(
    api_client_for, officer_fr, item_fr, evidence_url
):
    # given
    add_file(actor=officer_fr, item=item_fr, content=CONTENT)
    # when
    response = api_client_for(officer_fr).post(
        evidence_url(item_fr, "files"), {"file": _upload()}, format="multipart"
    )
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert EvidenceFile.objects.count() == 1


def test_a_parent_that_is_not_a_file_of_the_item_is_a_400_naming_it(
    api_client_for, officer_fr, item_fr, evidence_url
):
    # when
    response = api_client_for(officer_fr).post(
        evidence_url(item_fr, "files"),
        {
            "file": _upload(),
            "parent": "00000000-0000-4000-8000-000000000000",
            "derivation_method": "Copy",
        },
        format="multipart",
    )
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["parent"]


@pytest.mark.parametrize("page_size", [5, 50])
def test_the_file_list_costs_the_same_queries_whatever_the_page_size(
    api_client_for, officer_fr, item_fr, evidence_url, page_size, django_assert_max_num_queries
):
    # given 60 files, some of them copies
    parent = add_file(actor=officer_fr, item=item_fr, content=b"original\n")
    for number in range(59):
        add_file(
            actor=officer_fr,
            item=item_fr,
            content=f"copy {number}\n".encode(),
            parent=parent if number % 2 else None,
            derivation_method="Export tool 1.0 (fictitious)" if number % 2 else "",
        )
    client = api_client_for(officer_fr)
    # when: item, audit row (in a savepoint: 3), count, page with parents joined
    with django_assert_max_num_queries(6):
        response = client.get(evidence_url(item_fr, "files"), {"page_size": page_size})
    # then
    assert len(response.json()["results"]) == page_size
