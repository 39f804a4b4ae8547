"""Schemathesis over the victim-support operations only, with something to find (a referral
and a shelter), as the officer who holds the case's victim-identity permission: no server
error, every answer within the schema. The whole API's fuzzing (tests/test_api_fuzz.py) has
no referral or organisation to read."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from contacts.services import api_token_create
from tests.test_api_fuzz import CHECKS, fuzz

SUPPORT_PATHS = ("/api/v1/support-organisations/", "/referrals/")


@pytest.fixture
def officer_token(referral_fr, officer_fr):
    return api_token_create(user=officer_fr, name="fuzzing")[1]


@pytest.fixture
def api_schema(officer_token, settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json",
        get_wsgi_application(),
        headers={"Authorization": f"Token {officer_token}"},
    )
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_the_support_operations_answer_within_their_schema(api_schema, officer_token):
    failures, fuzzed = [], 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if not any(part in operation.path for part in SUPPORT_PATHS):
            continue
        fuzzed += 1
        try:
            fuzz(operation, officer_token)
        except Exception as error:  # every operation's failure, not only the first
            failures.append(f"{operation.label}: {str(error)[:1500]}")
    assert fuzzed == 10  # 4 on the directory, 6 on referrals
    assert not failures, "\n\n".join(failures)


def test_real_referral_answers_match_the_schema(api_schema, officer_token, referral_fr):
    # given the real case and referral (fuzzing only finds random, missing ids)
    ids = {"case_id": str(referral_fr.case.public_id), "referral_id": str(referral_fr.public_id)}
    answers = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET" or not any(
            part in operation.path for part in SUPPORT_PATHS
        ):
            continue
        params = {key: value for key, value in ids.items() if f"{{{key}}}" in operation.path}
        if "{id}" in operation.path:
            params["id"] = referral_fr.organisation.pk
        case = operation.Case(path_parameters=params)

        # when
        response = case.call(headers={"Authorization": f"Token {officer_token}"})

        # then
        assert response.status_code == 200, operation.label
        case.validate_response(response, checks=CHECKS)
        answers += 1
    assert answers == 4
