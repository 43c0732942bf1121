"""The request id follows an analysis from the upload into its Celery task and its result."""

import pytest

from detection.models import Analysis
from stressdetector.ops.request_id import REQUEST_ID_HEADER
from tests.detection.analyses.test_analysis_task import wait_until_finished
from tests.detection.conftest import upload
from tests.ops.logging_support import json_log_lines

pytestmark = pytest.mark.slow


def lines_about(lines: list[dict], analysis: Analysis) -> list[dict]:
    return [line for line in lines if line["logger"].startswith("detection") and f"Analysis {analysis.pk} " in line["message"]]


@pytest.mark.django_db(transaction=True)  # The task is queued when the upload commits.
def test_an_in_process_task_logs_under_the_upload_request_id(alice_client, astronaut_jpeg, celery_eager):
    with json_log_lines() as lines:
        response = alice_client.post("/api/analyses/", {"image": upload(astronaut_jpeg)}, headers={"X-Request-ID": "upload-1"})

    assert response.status_code == 202
    analysis = Analysis.objects.get(pk=response.json()["id"])
    messages = {line["message"]: line["request_id"] for line in lines_about(lines, analysis)}
    assert messages == {f"Analysis {analysis.pk} finished: done, 1 face(s)": "upload-1", f"Analysis {analysis.pk} queued": "upload-1"}


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_logs_the_task_under_the_upload_request_id(redis_celery_worker, alice_client, astronaut_jpeg):
    with json_log_lines() as lines:
        response = alice_client.post("/api/analyses/", {"image": upload(astronaut_jpeg)})
        analysis = wait_until_finished(Analysis.objects.get(pk=response.json()["id"]))

    request_id = response[REQUEST_ID_HEADER]
    finished = [line for line in lines_about(lines, analysis) if "finished" in line["message"]]
    assert [line["request_id"] for line in finished] == [request_id]
    # Celery's own lines about the task (received, succeeded) carry it too.
    celery_lines = [line for line in lines if line["logger"].startswith("celery") and line["request_id"] == request_id]
    assert celery_lines
