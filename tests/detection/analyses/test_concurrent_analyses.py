"""Many people at once on the default setup: uvicorn on a SQLite file,
tasks in-process, no Redis. Uploads and URL submissions sent at the same moment must all be
accepted (202) and all finish, with no "database is locked" error."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.detection.default_server import DefaultServer, wait_until_finished

pytestmark = pytest.mark.slow

SIMULTANEOUS = 20


@pytest.fixture
def default_server(tmp_path, image_server):
    # The hourly limit on analyses is not what this test is about.
    server = DefaultServer(tmp_path, ANALYSIS_URL_ALLOWED_HOSTS="127.0.0.1", ANALYSIS_CREATE_PER_HOUR="1000", API_USER_RATE="10000/hour")
    server.create_user()
    server.start()
    yield server
    server.stop()


def test_simultaneous_uploads_and_url_submissions_are_all_accepted_and_finish(default_server, image_server, astronaut_jpeg):
    session = requests.Session()
    session.headers["Authorization"] = f"Token {default_server.token()}"
    endpoint = f"{default_server.url}/api/analyses/"

    def upload(_: int) -> requests.Response:
        return session.post(endpoint, files={"image": ("face.jpg", astronaut_jpeg, "image/jpeg")}, timeout=120)

    def submit_url(_: int) -> requests.Response:
        return session.post(endpoint, json={"url": image_server.url("/astronaut.jpg")}, timeout=120)

    with ThreadPoolExecutor(2 * SIMULTANEOUS) as pool:
        uploads = [pool.submit(upload, index) for index in range(SIMULTANEOUS)]
        submissions = [pool.submit(submit_url, index) for index in range(SIMULTANEOUS)]
        responses = [future.result() for future in uploads + submissions]

    refused = [response.text[:200] for response in responses if response.status_code != 202]
    assert [response.status_code for response in responses] == [202] * (2 * SIMULTANEOUS), refused
    urls = [response.json()["url"] for response in responses]
    finished = wait_until_finished(session, urls)
    assert len(finished) == len(urls), f"{len(urls) - len(finished)} analyses never finished"
    assert [body["status"] for body in finished.values()] == ["done"] * len(urls), [body.get("error") for body in finished.values()]
    assert all(body["face_count"] >= 1 for body in finished.values())
