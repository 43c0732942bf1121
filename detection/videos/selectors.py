"""Reads of videos, always from the user who asks: another user's video is DoesNotExist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import QuerySet
from django.urls import reverse

from accounts.models import User
from detection.core.dates import created_between
from detection.core.presentation import counts_for_headline, headline_rule
from detection.models import Video, VideoFace
from detection.videos.services import video_person_rows
from ml.headline import stress_level_range
from ml.video_analysis import PersonRow, rows_to_csv


def video_list(*, owner: User, status: str = "", dominant_emotion: str = "", stress_level: str = "",
               created_from: dt.date | None = None, created_to: dt.date | None = None) -> QuerySet[Video]:
    """The owner's videos, newest first, optionally filtered: by status, by dominant emotion and
    stress level (ml.headline's levels, of the video's stress; a video without a stress reading
    has neither), and by upload day (inclusive, in the current time zone)."""
    videos = Video.objects.filter(owner=owner)
    if status:
        videos = videos.filter(status=status)
    if dominant_emotion:
        videos = videos.filter(dominant_emotion=dominant_emotion)
    if stress_level:
        low, high = stress_level_range(stress_level)
        videos = videos.filter(stress__gte=low) if high is None else videos.filter(stress__gte=low, stress__lt=high)
    return created_between(videos, created_from, created_to).order_by("-created_at", "-id")


def video_get(*, user: User, video_id: int) -> Video:
    """One of the user's videos; ``Video.DoesNotExist`` for anyone else's."""
    return Video.objects.get(owner=user, pk=video_id)


def video_faces(*, video: Video) -> QuerySet[VideoFace]:
    return video.faces.order_by("seconds", "person")


def video_face_data(face: VideoFace) -> dict:
    """One person in one sampled frame as the exports give it: the API's frames and JSON download,
    and the user's archive."""
    return {
        "seconds": face.seconds, "person": face.person, "box": {"x": face.x, "y": face.y, "w": face.w, "h": face.h},
        "dominant_emotion": face.dominant_emotion, "confidence": face.confidence, "stress": face.stress,
        "detection_score": face.detection_score, "counts_for_headline": counts_for_headline(face),
        "probabilities": face.probabilities,
    }


def video_frames_data(*, video: Video) -> Iterator[dict]:
    """Every sampled frame's people (``video_face_data``), in time order, read in batches."""
    for face in video_faces(video=video).iterator(chunk_size=2000):
        yield video_face_data(face)


def video_results_csv(*, video: Video) -> Iterator[str]:
    """The per-frame CSV download (ml.video_analysis.rows_to_csv, with the configured rule), in lines."""
    return rows_to_csv(video_person_rows(video), **headline_rule())


def video_timeline(*, video: Video) -> dict:
    """What the result page's player and charts draw: per sample time, each person's box (in the
    analysed copy's pixels), dominant emotion, stress, and 1 when the sample counts (ml.headline:
    0 for a face the detector or the classifier is unsure of, drawn but left out of the charts);
    compact for long videos."""
    frames: dict[float, list] = {}
    for seconds, person, x, y, w, h, dominant, stress, probabilities, detection_score in video_faces(video=video).values_list(
            "seconds", "person", "x", "y", "w", "h", "dominant_emotion", "stress", "probabilities", "detection_score"):
        counts = counts_for_headline(PersonRow(seconds, person, (x, y, w, h), probabilities, detection_score))
        frames.setdefault(seconds, []).append([person, x, y, w, h, dominant, stress, int(counts)])
    return {
        "width": video.analysis_width, "height": video.analysis_height, "interval": 1 / video.samples_per_second,
        "duration": video.duration_s, "frames": [{"t": seconds, "faces": faces} for seconds, faces in frames.items()],
        "persons": video.persons,
    }


def video_links(video: Video) -> dict[str, str]:
    """The paths of a video's files and exports (the page and the API link the same ones)."""
    return {
        "video": reverse("detection:video_file", args=[video.pk, "video"]),
        "thumbnail": reverse("detection:video_file", args=[video.pk, "thumbnail"]),
        "csv": reverse("api:video-results-csv", args=[video.pk]),
        "json": reverse("api:video-results-json", args=[video.pk]),
    }
