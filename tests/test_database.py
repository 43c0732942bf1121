import pytest
from django.db import connection

from accounts.models import User


@pytest.mark.postgres
def test_the_suite_runs_on_postgresql_when_database_url_points_there(alice):
    assert connection.vendor == "postgresql"
    assert User.objects.get(email__iexact="ALICE@example.com") == alice
