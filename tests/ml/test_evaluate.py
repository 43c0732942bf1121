import numpy as np
import pytest

from ml.evaluate import classification_report, confusion_matrix


def test_report_from_a_known_confusion_matrix():
    truth = np.array([0, 0, 0, 1, 1, 3])
    predicted = np.array([0, 0, 1, 1, 1, 0])

    matrix = confusion_matrix(truth, predicted)
    report = classification_report(matrix)

    assert matrix[0, 0] == 2 and matrix[0, 1] == 1 and matrix[3, 0] == 1
    assert report["accuracy"] == pytest.approx(4 / 6, abs=1e-4)
    assert report["per_class"]["angry"] == {"precision": pytest.approx(2 / 3, abs=1e-4), "recall": pytest.approx(2 / 3, abs=1e-4),
                                            "f1": pytest.approx(2 / 3, abs=1e-4), "support": 3}
    assert report["per_class"]["disgust"]["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["per_class"]["disgust"]["recall"] == 1.0
    assert report["per_class"]["happy"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert report["per_class"]["fear"]["support"] == 0
