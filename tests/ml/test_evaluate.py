import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ml.emotions import EMOTIONS
from ml.evaluate import classification_report, confusion_matrix, main


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


def tiny_split(root: Path) -> Path:
    """An image-folder split of generated 48x48 faces-to-be: two images per emotion."""
    rng = np.random.default_rng(0)
    for emotion in EMOTIONS:
        (root / emotion).mkdir(parents=True)
        for index in range(2):
            Image.fromarray(rng.integers(0, 255, (48, 48), dtype=np.uint8)).save(root / emotion / f"{index}.png")
    return root


@pytest.mark.slow
def test_the_confusion_matrix_is_drawn_only_when_asked(tmp_path, monkeypatch, capsys):
    split = tiny_split(tmp_path / "split")
    monkeypatch.chdir(tmp_path)

    assert main(["--data", str(split), "--json"]) == 0
    unasked = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert main(["--data", str(split), "--confusion", str(tmp_path / "matrix.png")]) == 0

    assert unasked["images"] == 14 and unasked["confusion_png"] is None
    assert not (tmp_path / "confusion_matrix.png").exists()
    assert Image.open(tmp_path / "matrix.png").format == "PNG"
