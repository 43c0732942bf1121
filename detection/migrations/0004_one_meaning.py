"""Issue 20, one meaning everywhere: faces keep their detection score; faces are numbered in
reading order (index 0 is face 1, as on the page); an analysis' stress and dominant emotion are
its headline face's (ml.headline), recomputed here for the analyses already stored. Faces stored
before this kept no detection score: they get 1.0, so only the classifier's confidence decides
whether they count."""

from django.conf import settings
from django.db import migrations, models

from ml.headline import headline_face, reading_order_key


def renumber_and_recompute(apps, schema_editor):
    Analysis = apps.get_model("detection", "Analysis")
    DetectedFace = apps.get_model("detection", "DetectedFace")
    min_confidence = settings.EMOTION_UNCERTAIN_BELOW
    analyses = Analysis.objects.filter(face_count__gt=0).prefetch_related("faces")
    for analysis in analyses.iterator(chunk_size=500):
        faces = sorted(analysis.faces.all(), key=lambda face: reading_order_key(face.x, face.y, face.w, face.h))
        if any(face.index != number for number, face in enumerate(faces)):
            # Two passes: the (analysis, index) pair is unique.
            for face in faces:
                face.index += 1000
            DetectedFace.objects.bulk_update(faces, ["index"])
            for number, face in enumerate(faces):
                face.index = number
            DetectedFace.objects.bulk_update(faces, ["index"])
        headline = headline_face(faces, min_confidence=min_confidence)
        analysis.dominant_emotion = headline.dominant_emotion if headline else ""
        analysis.stress = headline.stress if headline else None
        analysis.save(update_fields=["dominant_emotion", "stress"])


class Migration(migrations.Migration):
    dependencies = [
        ("detection", "0003_analysis_requeued_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="detectedface",
            name="detection_score",
            field=models.FloatField(default=1.0),
        ),
        migrations.RunPython(renumber_and_recompute, migrations.RunPython.noop),
    ]
