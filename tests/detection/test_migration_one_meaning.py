"""0004_one_meaning: stored analyses get the one meaning (faces renumbered in reading order,
stress and dominant emotion recomputed from the faces that count)."""

import importlib

from django.apps import apps

from detection.models import Analysis

migration = importlib.import_module("detection.migrations.0004_one_meaning")


def test_stored_analyses_are_renumbered_and_recomputed(alice, make_analysis, settings):
    settings.EMOTION_UNCERTAIN_BELOW = 0.4
    # As stored before: the largest (an unsure false face, on the right) first, and the
    # headline from the mean of the faces' probabilities and the most stressed face.
    analysis = make_analysis(alice, faces=2, dominant="neutral", stress=0.77, with_images=False)
    analysis.faces.filter(index=0).update(x=400, dominant_emotion="fear", confidence=0.31, stress=0.77)
    analysis.faces.filter(index=1).update(x=20, dominant_emotion="sad", confidence=0.8, stress=0.55)

    migration.renumber_and_recompute(apps, None)

    analysis = Analysis.objects.get(pk=analysis.pk)
    assert [(face.index, face.x) for face in analysis.faces.all()] == [(0, 20), (1, 400)]
    assert (analysis.dominant_emotion, analysis.stress) == ("sad", 0.55)
