"""Everything of one user's, as one zip archive they can download (their data, to take away).

The archive is streamed: zipfile writes to a sink that the response empties after each piece,
so memory holds one image chunk at a time whatever the amount of data (zipfile supports such
unseekable output: it writes each entry's sizes after its data).

Contents: ``README.txt``; ``account.json`` (profile, settings, alert rule); ``analyses.json``
(every analysis with its faces) and ``analyses.csv`` (one row per analysis); ``images/`` (each
analysis's original and annotated image, ``<id>-original.jpg``, ``<id>-annotated.jpg``);
``videos.json`` (every video with its people's summaries); ``videos/`` (each video's file as
uploaded, ``<id>-video.<ext>``, its thumbnail, and its per-frame results as the API's downloads
give them, ``<id>-results.csv`` and ``<id>-results.json``); ``live_sessions.json``; ``alerts.json``.

Images and videos are stored, not compressed (they do not compress further). A video may be
larger than the 4 GiB a plain zip entry can hold (``VIDEO_MAX_UPLOAD_BYTES`` is configurable);
such an entry is written with ZIP64 sizes, which must be chosen before its data on an unseekable
stream.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from accounts.models import User
from detection.alerts.selectors import alert_rule_get
from detection.alerts.services import alert_rule_to_dict
from detection.models import Alert, Analysis, LiveSession, Video
from detection.videos.selectors import video_frames_data, video_results_csv

CHUNK_BYTES = 256 * 1024
ACCOUNT_FIELDS = ["id", "username", "email", "display_name", "date_joined", "last_login", "sms_alerts_enabled", "retention_days"]
ANALYSIS_CSV_FIELDS = [
    "id", "created_at", "source", "source_url", "status", "error", "face_count", "dominant_emotion", "stress",
    "model_version", "detector", "width", "height", "finished_at", "original_image", "annotated_image",
]  # fmt: skip
FACE_FIELDS = ["index", "x", "y", "w", "h", "dominant_emotion", "confidence", "stress", "probabilities"]
VIDEO_FIELDS = [
    "id", "created_at", "original_name", "size_bytes", "status", "error", "samples_per_second", "duration_s", "fps",
    "width", "height", "rotation", "codec", "analysis_width", "analysis_height", "samples_done", "person_count",
    "dominant_emotion", "stress", "peak_stress", "model_version", "detector", "started_at", "finished_at", "persons",
]  # fmt: skip


class _Sink:
    """A write-only stream whose bytes are taken out as they come."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def archive_filename(user: User) -> str:
    return f"stress-detector-data-{user.username}-{timezone.localdate().isoformat()}.zip"


def data_archive(user: User) -> Iterator[bytes]:
    """The user's archive, in pieces."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(user))
        archive.writestr("account.json", _json(_account(user)))
        yield sink.take()

        analyses = Analysis.objects.filter(owner=user).order_by("created_at", "pk")
        with archive.open("analyses.json", "w") as entry:
            entry.write(b"[")
            for number, analysis in enumerate(analyses.prefetch_related("faces").iterator(chunk_size=500)):
                entry.write((b",\n" if number else b"\n") + _json(_analysis(analysis)).encode())
                yield sink.take()
            entry.write(b"\n]\n")
        with archive.open("analyses.csv", "w") as entry:
            text = io.TextIOWrapper(entry, encoding="utf-8", newline="")
            writer = csv.writer(text)
            writer.writerow(ANALYSIS_CSV_FIELDS)
            for analysis in analyses.iterator(chunk_size=500):
                writer.writerow(_analysis_csv_row(analysis))
            text.flush()
            text.detach()
        yield sink.take()

        for analysis in analyses.only("pk", "original", "annotated").iterator(chunk_size=500):
            for kind, field in (("original", analysis.original), ("annotated", analysis.annotated)):
                yield from _copy_file(archive, sink, field, f"images/{analysis.pk}-{kind}.jpg")

        videos = Video.objects.filter(owner=user).order_by("created_at", "pk")
        with archive.open("videos.json", "w") as entry:
            entry.write(b"[")
            for number, video in enumerate(videos.iterator(chunk_size=100)):
                entry.write((b",\n" if number else b"\n") + _json(_video(video)).encode())
            entry.write(b"\n]\n")
        yield sink.take()
        for video in videos.iterator(chunk_size=100):
            yield from _write_video(archive, sink, video)

        archive.writestr("live_sessions.json", _json(list(_values(LiveSession.objects.filter(owner=user).order_by("started_at")))))
        archive.writestr("alerts.json", _json(list(_values(Alert.objects.filter(owner=user).order_by("created_at")))))
    yield sink.take()


def _copy_file(archive: zipfile.ZipFile, sink: _Sink, field, name: str) -> Iterator[bytes]:
    """A stored file into the archive as it is, a chunk at a time; nothing when it is gone."""
    if not field or not field.storage.exists(field.name):
        return
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    zip64 = field.size * 1.05 > zipfile.ZIP64_LIMIT  # zipfile's own margin for a known size.
    with field.open("rb") as source, archive.open(info, "w", force_zip64=zip64) as entry:
        while chunk := source.read(CHUNK_BYTES):
            entry.write(chunk)
            yield sink.take()


def _write_video(archive: zipfile.ZipFile, sink: _Sink, video: Video) -> Iterator[bytes]:
    """One video's per-frame results (the CSV and the JSON the API's downloads give) and its files."""
    names = _video_names(video)
    with archive.open(f"videos/{video.pk}-results.csv", "w") as entry:
        for line in video_results_csv(video=video):
            entry.write(line.encode())
            yield from _taken(sink)
    with archive.open(f"videos/{video.pk}-results.json", "w") as entry:
        # The video's fields, then its frames one at a time: a compact JSON object ends with "}".
        head = json.dumps(_video(video), cls=DjangoJSONEncoder, ensure_ascii=False)
        entry.write(head[:-1].encode() + b', "frames": [')
        for number, frame in enumerate(video_frames_data(video=video)):
            entry.write((b",\n" if number else b"\n") + json.dumps(frame, ensure_ascii=False).encode())
            yield from _taken(sink)
        entry.write(b"\n]}\n")
    yield from _copy_file(archive, sink, video.file, names[0])
    yield from _copy_file(archive, sink, video.thumbnail, names[1])


def _taken(sink: _Sink) -> Iterator[bytes]:
    """What the sink holds, if anything (the compressor holds most small writes back)."""
    if data := sink.take():
        yield data


def _json(data) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)


def _values(queryset) -> Iterable[dict]:
    return queryset.values().iterator(chunk_size=500)


def _account(user: User) -> dict:
    account = {name: getattr(user, name) for name in ACCOUNT_FIELDS}
    account["phone_number"] = str(user.phone_number or "")
    account["alert_rule"] = alert_rule_to_dict(alert_rule_get(user=user))
    return account


def _image_names(analysis: Analysis) -> tuple[str, str]:
    return (
        f"images/{analysis.pk}-original.jpg" if analysis.original else "",
        f"images/{analysis.pk}-annotated.jpg" if analysis.annotated else "",
    )


def _analysis(analysis: Analysis) -> dict:
    data = {name: getattr(analysis, name) for name in ANALYSIS_CSV_FIELDS[:-2]}
    data["timings_ms"] = analysis.timings
    data["original_image"], data["annotated_image"] = _image_names(analysis)
    faces = sorted(analysis.faces.all(), key=lambda face: face.index)
    data["faces"] = [{name: getattr(face, name) for name in FACE_FIELDS} for face in faces]
    return data


def _video_names(video: Video) -> tuple[str, str]:
    suffix = PurePosixPath(video.file.name).suffix.lower() if video.file else ""
    return (
        f"videos/{video.pk}-video{suffix}" if video.file else "",
        f"videos/{video.pk}-thumbnail.jpg" if video.thumbnail else "",
    )


def _video(video: Video) -> dict:
    data = {name: getattr(video, name) for name in VIDEO_FIELDS}
    data["video_file"], data["thumbnail"] = _video_names(video)
    data["results_csv"], data["results_json"] = f"videos/{video.pk}-results.csv", f"videos/{video.pk}-results.json"
    return data


def _analysis_csv_row(analysis: Analysis) -> list:
    return [*(getattr(analysis, name) for name in ANALYSIS_CSV_FIELDS[:-2]), *_image_names(analysis)]


def _readme(user: User) -> str:
    return (
        f"Stress Detector: all data of {user.username}, exported {timezone.now().isoformat(timespec='seconds')}.\n\n"
        "account.json        your profile, settings and stress-alert rule\n"
        "analyses.json       every analysis with its faces (stress and probabilities from 0 to 1)\n"
        "analyses.csv        one row per analysis\n"
        "images/             each analysis's original (as stored: EXIF removed) and annotated image\n"
        "videos.json         every video with its people's summaries (time on screen, stress, emotions)\n"
        "videos/             each video's file as uploaded (<id>-video.<ext>), its thumbnail, and its\n"
        "                    per-frame results: one row per sampled frame and person (<id>-results.csv)\n"
        "                    and the video with every frame's people (<id>-results.json)\n"
        "live_sessions.json  your live camera sessions and their timelines\n"
        "alerts.json         your stress alerts\n"
    )
