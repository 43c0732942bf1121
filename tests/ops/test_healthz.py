import pytest
from django.test import Client


def test_it_answers_ok_without_a_login():
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_does_not_touch_the_database():
    # No `db` fixture: pytest-django blocks the database, so any query would raise here.
    response = Client().get("/healthz")

    assert response.status_code == 200


@pytest.mark.parametrize("method", ["post", "delete"])
def test_it_refuses_writes(method):
    assert getattr(Client(), method)("/healthz").status_code == 405
