"""Fixtures for the tests that stream frames to a running consumer (use them with
``pytest.mark.usefixtures("loaded_model", "committed_rows")``)."""

import pytest

from detection.analyses.inference import analyze_image
from tests.detection.live_support import face_frame_jpeg


@pytest.fixture(scope="module")
def loaded_model():
    """Load the model once, before any socket is waiting on it (a first frame waiting seconds
    for it would also be more than the tracker's 2 s, and people would come back as new ones)."""
    analyze_image(face_frame_jpeg())


@pytest.fixture
def committed_rows(transactional_db):
    """The consumer reaches the database from other threads and closes connections it finds in
    a transaction (channels' database_sync_to_async), so these tests commit for real."""
