"""Issue 20's rule for videos: a video's faces keep their detection score, and a video's and its
people's stress and dominant emotion come from the samples that count (ml.headline), recomputed
here for the videos already analysed. Faces stored before this kept no detection score: they get
1.0 (as 0004 gave DetectedFace), so only the classifier's confidence decides whether they count."""

from django.conf import settings
from django.db import migrations, models

from ml.video_analysis import PersonRow, person_summaries, video_headline


def recompute_video_headlines(apps, schema_editor):
    Video = apps.get_model("detection", "Video")
    VideoFace = apps.get_model("detection", "VideoFace")
    rule = {"min_confidence": settings.EMOTION_UNCERTAIN_BELOW}
    for video in Video.objects.filter(status="done", person_count__gt=0).iterator(chunk_size=100):
        rows = [
            PersonRow(seconds, person, (x, y, w, h), probabilities, detection_score)
            for seconds, person, x, y, w, h, probabilities, detection_score in VideoFace.objects.filter(video=video)
            .order_by("seconds", "person")
            .values_list("seconds", "person", "x", "y", "w", "h", "probabilities", "detection_score")
        ]
        headline = video_headline(rows, **rule)
        video.persons = person_summaries(rows, interval_s=1 / video.samples_per_second, **rule)
        video.stress, video.peak_stress, video.dominant_emotion = headline["stress"], headline["peak_stress"], headline["dominant_emotion"]
        video.save(update_fields=["persons", "stress", "peak_stress", "dominant_emotion"])


class Migration(migrations.Migration):
    dependencies = [
        ("detection", "0007_video"),
    ]

    operations = [
        migrations.AddField(
            model_name="videoface",
            name="detection_score",
            field=models.FloatField(default=1.0),
        ),
        migrations.RunPython(recompute_video_headlines, migrations.RunPython.noop),
    ]
