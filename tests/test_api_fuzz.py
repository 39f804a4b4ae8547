"""API fuzzing: schemathesis generates requests for every operation of the application's own
OpenAPI schema, as an officer with a personal token, and fails on any server error, any
response that does not match the schema (tests/test_openapi.py checks that the schema lists
every API route).

Bounded (`FUZZ_EXAMPLES` per operation, 4 by default; `FUZZ_EXAMPLES=100` for a long run).
"""

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contacts.services import api_token_create
from ncb_cases import services
from ncb_cases.choices import PersonRole

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
# What the issue asks of every answer: no server error, a body and a content type as the
# schema says, a documented status code. (Schemathesis' stricter "valid data is accepted"
# check would also demand that every rule of a filter be written in the schema.)
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    status_code_conformance,
]

# The batch inbox takes newline-delimited JSON (one message a line) and answers the same way;
# schemathesis knows neither: lines of small JSON objects (each refused as a message: not
# signed), and the answer read as the text the schema says it is.
schemathesis.openapi.media_type(
    "application/x-ndjson",
    st.lists(st.dictionaries(st.text(max_size=8), st.integers()), max_size=3).map(
        lambda items: b"".join(json.dumps(item).encode() + b"\n" for item in items)
    ),
)


@schemathesis.deserializer("application/x-ndjson")
def _ndjson_as_text(ctx, response):
    return response.content.decode()


@pytest.fixture
def officer_token(db, officer_fr):
    # Something to find: a case with a victim and a suspect, owned by the officer's NCB.
    case = services.case_create(
        actor=officer_fr,
        data={"title": "Fuzzing target case (fictitious)", "countries": [("FR", "DESTINATION")]},
    )
    for role in (PersonRole.VICTIM, PersonRole.SUSPECT):
        services.person_create(
            actor=officer_fr, case=case, data={"role": role, "family_name": "Fuzz-Test"}
        )
    return api_token_create(user=officer_fr, name="fuzzing")[1]


@pytest.fixture
def api_schema(officer_token, settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]  # the WSGI transport's host
    # As Django's test client does: a request must not close the test's database connection
    # (its transaction holds the data the requests read).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json",
        get_wsgi_application(),
        headers={"Authorization": f"Token {officer_token}"},
    )
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def fuzz(operation, token: str) -> None:
    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def requests_within_the_schema(case):
        response = case.call(headers={"Authorization": f"Token {token}"})
        case.validate_response(response, checks=CHECKS)

    requests_within_the_schema()


def test_every_operation_answers_within_its_schema(api_schema, officer_token):
    failures, fuzzed = [], 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        fuzzed += 1
        try:
            fuzz(operation, officer_token)
        except Exception as error:  # every operation's failure, not only the first
            failures.append(f"{operation.label}: {str(error)[:1500]}")
    assert fuzzed > 50
    assert not failures, "\n\n".join(failures)
