"""The API's contract: the OpenAPI schema validates and describes every endpoint with its errors
and auth schemes; the docs load without any CDN; /api/v1/ is canonical and /api/ still works;
every 4xx is JSON in one format."""

import re

from django.urls import reverse
from openapi_spec_validator import validate
from rest_framework.test import APIClient

SCHEMA_URL = "/api/schema/"


def schema() -> dict:
    response = APIClient().get(SCHEMA_URL, {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_a_valid_openapi_3_document(db):
    document = schema()

    validate(document)
    assert document["openapi"].startswith("3.")


def test_the_schema_describes_every_endpoint_once_under_v1(db):
    paths = set(schema()["paths"])

    assert paths == {
        "/api/v1/auth/token/", "/api/v1/auth/logout/", "/api/v1/me/", "/api/v1/me/export/", "/api/v1/stats/trends/",
        "/api/v1/analyses/", "/api/v1/analyses/{id}/", "/api/v1/analyses/export/",
        "/api/v1/live-sessions/", "/api/v1/live-sessions/{id}/", "/api/v1/alerts/", "/api/v1/alerts/{id}/",
        "/api/v1/videos/", "/api/v1/videos/{id}/", "/api/v1/videos/{id}/frames/", "/api/v1/videos/{id}/cancel/",
        "/api/v1/videos/{id}/csv/", "/api/v1/videos/{id}/json/",
    }  # fmt: skip


def test_every_operation_documents_its_errors_in_one_format(db):
    document = schema()

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"401", "403", "404"} <= set(responses), (method, path)
            if method in ("post", "patch"):
                assert {"400", "413", "415"} <= set(responses), (method, path)
    create = document["paths"]["/api/v1/analyses/"]["post"]
    assert create["responses"]["413"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"
    assert set(create["requestBody"]["content"]) == {"multipart/form-data", "application/json"}
    assert document["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_the_token_and_session_schemes_are_described(db):
    schemes = schema()["components"]["securitySchemes"]

    assert schemes["tokenAuth"] == {
        "type": "apiKey", "in": "header", "name": "Authorization", "description": 'Token-based authentication with required prefix "Token"'
    }  # fmt: skip
    assert schemes["cookieAuth"]["in"] == "cookie"


def test_the_docs_load_from_our_own_static_files(client):
    page = client.get("/api/docs/")
    script = client.get("/api/docs/", {"script": ""})

    assert page.status_code == 200
    assert script.status_code == 200
    html = page.content.decode()
    assert "swagger-ui-bundle.js" in html
    for text in (html, script.content.decode()):
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
        assert "cdn" not in text.lower()
    for asset in re.findall(r"""(?:src|href)="(/static/[^"]+)""", html):
        assert client.get(asset).status_code == 200, asset


def test_redoc_loads_from_our_own_static_files(client):
    html = client.get("/api/redoc/").content.decode()

    assert "redoc.standalone.js" in html
    assert "cdn" not in html.lower()


def test_v1_is_canonical_and_the_old_prefix_still_works(alice_api, alice, make_analysis):
    analysis = make_analysis(alice, with_images=False)

    assert reverse("api:analysis-list") == "/api/v1/analyses/"
    new, old = alice_api.get("/api/v1/analyses/").json(), alice_api.get("/api/analyses/").json()
    assert [item["id"] for item in new["results"]] == [item["id"] for item in old["results"]] == [analysis.pk]
    assert alice_api.get(f"/api/analyses/{analysis.pk}/").status_code == 200


def test_an_unknown_api_path_is_a_json_404(alice_api):
    for path in ("/api/v1/nothing-here/", "/api/nothing-here/", "/api/v1/analyses/not-a-number/"):
        response = alice_api.get(path)

        assert response.status_code == 404, path
        assert "detail" in response.json()
