"""The OpenAPI schema (/api/v1/schema/) and Swagger UI (/api/v1/docs/) (DESIGN.md §6)."""

import re

import pytest
from django.conf import settings
from django.contrib.admindocs.views import simplify_regex
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

API_PREFIX = "/api/v1/"
# Routes that are not operations of the API itself: the router's browsable root and the
# schema and its viewer.
NOT_OPERATIONS = {"/api/v1/", "/api/v1/schema/", "/api/v1/docs/"}


def test_schema_is_valid_and_complete_without_a_single_warning(tmp_path):
    # given warnings counted by earlier schema generations in this process do not count here
    GENERATOR_STATS.reset()
    # when / then: the command raises on any warning or validation error
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def api_routes(patterns=None, prefix: str = "/") -> set[str]:
    """Every route under /api/v1/ as OpenAPI writes paths: `/api/v1/ncbs/{code}/`."""
    routes: set[str] = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = simplify_regex(prefix + str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            routes |= api_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith(API_PREFIX):
            routes.add(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
    # The router's `.json` / `.api` format-suffix variants are the same operations.
    return {route for route in routes if "{format}" not in route}


def test_schema_lists_every_api_route():
    # given
    routes = api_routes() - NOT_OPERATIONS
    # when
    schema = SchemaGenerator().get_schema(request=None, public=True)
    # then
    assert "/api/v1/contact-points/{public_id}/verify/" in routes
    assert routes - set(schema["paths"]) == set()


def test_every_operation_documents_its_error_answers():
    # given
    schema = SchemaGenerator().get_schema(request=None, public=True)
    # when
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if path.startswith(API_PREFIX) and not set(operation["responses"]) & {"400", "401"}
    ]
    # then
    assert undocumented == []


@pytest.mark.django_db
def test_swagger_ui_loads_for_a_signed_in_user_from_local_assets_only(client_for, officer_fr):
    # when
    response = client_for(officer_fr).get("/api/v1/docs/")
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="swagger-ui"' in page
    assert re.findall(r"https?://[^\s\"'<>]+", page) == []
    assets = re.findall(r"(?:src|href)=\"([^\"]+)\"", page)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    # the start-up script comes from this view itself (the CSP allows no inline script)
    assert "/api/v1/docs/?script=" in assets
    for asset in set(assets) - {"/api/v1/docs/?script="}:
        assert asset.startswith(settings.STATIC_URL), asset
        assert finders.find(asset.removeprefix(settings.STATIC_URL)), asset


@pytest.mark.django_db
def test_schema_is_served_to_a_signed_in_user(client_for, officer_fr):
    # when
    response = client_for(officer_fr).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    # then
    assert response.status_code == 200
    assert "/api/v1/contact-points/" in response.json()["paths"]


def test_the_browsable_root_lists_every_apps_api(api_client_for, analyst_fr):
    # when
    response = api_client_for(analyst_fr).get("/api/v1/", HTTP_ACCEPT="application/json")
    # then
    assert response.status_code == 200
    links = response.json()
    assert links["cases"].endswith("/api/v1/cases/")
    assert links["countries"].endswith("/api/v1/countries/")
    assert links["search"].endswith("/api/v1/search/")
    assert links["evidence"].endswith("/api/v1/evidence/")
    assert links["meetings"].endswith("/api/v1/meetings/")
    assert links["support-organisations"].endswith("/api/v1/support-organisations/")
    assert links["legislation"].endswith("/api/v1/legislation/")
    assert links["report-regions"].endswith("/api/v1/reports/regions/")
    assert links["period-reports"].endswith("/api/v1/reports/periods/")
