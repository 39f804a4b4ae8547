"""docker-compose.yml cannot run here (no Docker engine): its structure is checked instead."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_every_production_service(compose):
    assert {"postgres", "redis", "web", "worker", "beat", "migrate"} <= set(compose["services"])


@pytest.mark.parametrize("service", ["postgres", "redis", "web", "worker", "beat"])
def test_long_running_services_have_health_checks(compose, service):
    assert compose["services"][service]["healthcheck"]["test"]


@pytest.mark.parametrize("service", ["postgres", "redis", "web", "worker", "beat", "migrate"])
def test_images_are_pinned_to_a_version(compose, service):
    image = compose["services"][service]["image"]
    tag = image.partition(":")[2]
    assert tag, f"{service} image {image} is not pinned"
    assert tag != "latest", f"{service} image {image} is not pinned"
    assert re.search(r"\d", tag)


def test_postgres_keeps_its_data_in_a_named_volume(compose):
    volumes = compose["services"]["postgres"]["volumes"]
    assert any(v.startswith("pgdata:") for v in volumes)
    assert "pgdata" in compose["volumes"]


@pytest.mark.parametrize("service", ["web", "worker", "beat", "migrate"])
def test_application_services_are_wired_to_postgres_redis_and_a_secret_key(compose, service):
    env = compose["services"][service]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://")
    assert "@postgres:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379")
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert env["DEBUG"] == "0"


def test_web_runs_gunicorn_after_migrations(compose):
    web = compose["services"]["web"]
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "gunicorn" in dockerfile
    assert "ncb_cases.wsgi" in dockerfile


def test_worker_and_beat_run_the_project_celery_app(compose):
    worker_command = compose["services"]["worker"]["command"]
    beat_command = compose["services"]["beat"]["command"]
    assert worker_command[:4] == ["celery", "-A", "ncb_cases", "worker"]
    assert beat_command[:4] == ["celery", "-A", "ncb_cases", "beat"]
