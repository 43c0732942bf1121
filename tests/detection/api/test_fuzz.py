"""A schema-driven fuzz run (schemathesis) against a live test server: for every operation in
the OpenAPI schema, generated requests, valid and invalid, never get a 500 and every answer
matches the schema (status code, content type, body). Bounded and seeded, so the run is short
and the same every time."""

from __future__ import annotations

import json

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, seed, settings
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.models import ApiToken
from detection.analyses import services

# The schema as /api/schema/ serves it, built in-process so the operations are known when
# pytest collects the tests (the live server only starts inside them).
SCHEMA = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True))))

MAX_EXAMPLES = 8
ALICE_TOKEN = "f" * 64


@SCHEMA.auth()
class AliceToken:
    """Every generated request is alice's; schemathesis also sends each without it, and with a
    made-up one, and expects those to be refused."""

    def get(self, case, context) -> str:
        return ALICE_TOKEN

    def set(self, case, data: str, context) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


@pytest.fixture
def alice_with_data(alice, make_analysis) -> None:
    make_analysis(alice, with_images=False)
    # Stored as knox stores one (its digest), so the token can be fixed for the whole run.
    ApiToken(digest=hash_token(ALICE_TOKEN), token_key=ALICE_TOKEN[: CONSTANTS.TOKEN_KEY_LENGTH], user=alice).save()


@pytest.fixture(autouse=True)
def nothing_is_analysed(monkeypatch) -> None:
    # Accepted analyses are stored but not queued: a generated URL must not be fetched.
    monkeypatch.setattr(services, "_queue_analysis", lambda analysis_id: None)


@SCHEMA.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@seed(20240610)
def test_the_api_survives_generated_input_and_keeps_to_its_schema(case, live_server, alice_with_data):
    # Not "valid by the schema, so accepted": validation goes further than a schema can say (an
    # image address must be public, a period at most two years, a password right).
    case.call_and_validate(base_url=live_server.url, excluded_checks=[positive_data_acceptance])
