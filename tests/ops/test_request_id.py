import logging

from django.test import Client

from stressdetector.ops.request_id import REQUEST_ID_HEADER
from tests.ops.logging_support import json_log_lines


def test_every_response_carries_a_new_request_id():
    first = Client().get("/healthz")
    second = Client().get("/healthz")

    assert len(first[REQUEST_ID_HEADER]) == 32
    assert first[REQUEST_ID_HEADER] != second[REQUEST_ID_HEADER]


def test_it_keeps_the_id_a_proxy_sent():
    response = Client().get("/healthz", headers={"X-Request-ID": "edge-7f3a.1"})

    assert response[REQUEST_ID_HEADER] == "edge-7f3a.1"


def test_it_replaces_an_id_that_is_not_plain():
    response = Client().get("/healthz", headers={"X-Request-ID": "bad id\nforged log line"})

    assert response[REQUEST_ID_HEADER] != "bad id\nforged log line"
    assert response[REQUEST_ID_HEADER].isalnum()


def test_log_lines_written_during_a_request_carry_its_id(alice_client):
    with json_log_lines() as lines:
        # A page that does not exist: Django logs a warning for it while handling the request.
        response = alice_client.get("/detection/analyses/999999/")

    assert response.status_code == 404
    warnings = [line for line in lines if line["logger"] == "django.request"]
    assert warnings
    assert {line["request_id"] for line in warnings} == {response[REQUEST_ID_HEADER]}


def test_lines_outside_a_request_have_no_id():
    with json_log_lines() as lines:
        logging.getLogger("tests").warning("outside")

    assert lines[0]["request_id"] == "-"
    assert lines[0]["message"] == "outside"
    assert lines[0]["level"] == "WARNING"
