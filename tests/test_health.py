import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers_anonymous_callers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_database_and_broker_ok(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_readyz_names_the_broker_when_it_is_unreachable(client, settings):
    # given a broker address where nothing listens (a real refused connection, not a mock)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    # when
    response = client.get("/readyz")
    # then
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
    assert response.json()["checks"]["database"] == "ok"
