"""ml.video_analysis with ml.headline's rule: a video's samples that the detector or the classifier
is unsure of are kept and exported, but decide no person's and no video's stress or emotion."""

import csv
import io

import pytest

from ml.emotions import EMOTIONS, stress_score
from ml.headline import STRESS_LEVELS, stress_level, stress_level_range
from ml.video_analysis import CSV_COLUMNS, PersonRow, person_summaries, rows_to_csv, video_headline


def probabilities(dominant: str, confidence: float) -> dict[str, float]:
    rest = (1 - confidence) / (len(EMOTIONS) - 1)
    return {label: confidence if label == dominant else rest for label in EMOTIONS}


def row(seconds, person, dominant, confidence, detection_score=0.95) -> PersonRow:
    return PersonRow(seconds, person, (10, 10, 80, 80), probabilities(dominant, confidence), detection_score)


SURE_SAD = row(0.0, 1, "sad", 0.8)
SURE_HAPPY = row(0.5, 1, "happy", 0.7)
# The detector barely thought it a face (a sleeve); its "fear" would be the most stressed.
FALSE_FACE = row(1.0, 1, "fear", 0.9, detection_score=0.55)
# The classifier cannot tell: close to uniform.
UNSURE = row(1.5, 1, "angry", 0.3)


def test_a_persons_stress_and_emotions_come_from_the_samples_that_count_only():
    [summary] = person_summaries([SURE_SAD, SURE_HAPPY, FALSE_FACE, UNSURE], interval_s=0.5)

    assert (summary["samples"], summary["counted_samples"], summary["seconds_on_screen"]) == (4, 2, 2.0)
    assert summary["mean_stress"] == pytest.approx((SURE_SAD.stress + SURE_HAPPY.stress) / 2, abs=1e-4)
    assert (summary["peak_stress"], summary["peak_stress_at_s"]) == (round(SURE_SAD.stress, 4), 0.0)
    assert [item["emotion"] for item in summary["dominant_emotions"]] == ["happy", "sad"]  # a tie: EMOTIONS' order
    assert summary["mean_probabilities"]["fear"] < 0.1
    assert summary["last_seen_s"] == 1.5  # Still on screen while unsure.


def test_a_person_never_counted_has_no_stress_reading():
    [summary] = person_summaries([FALSE_FACE, UNSURE], interval_s=0.5)

    assert summary["counted_samples"] == 0
    assert (summary["mean_stress"], summary["peak_stress"], summary["peak_stress_at_s"]) == (None, None, None)
    assert summary["dominant_emotions"] == [] and summary["mean_probabilities"] == {}


def test_the_videos_headline_is_the_counted_samples_mean_peak_and_most_frequent_emotion():
    second_person = row(0.0, 2, "sad", 0.6)

    headline = video_headline([SURE_SAD, SURE_HAPPY, FALSE_FACE, UNSURE, second_person])

    assert headline["stress"] == pytest.approx((SURE_SAD.stress + SURE_HAPPY.stress + second_person.stress) / 3, abs=1e-4)
    assert headline["peak_stress"] == round(SURE_SAD.stress, 4)
    assert headline["dominant_emotion"] == "sad"
    assert FALSE_FACE.stress > headline["peak_stress"]


def test_a_video_whose_every_sample_is_unsure_has_no_reading():
    assert video_headline([FALSE_FACE, UNSURE]) == {"stress": None, "peak_stress": None, "dominant_emotion": ""}


def test_the_rule_takes_the_configured_confidence():
    # 0.3 counts once the platform is configured to call only below 0.25 uncertain.
    assert video_headline([UNSURE], min_confidence=0.25)["dominant_emotion"] == "angry"


def test_the_csv_keeps_every_sample_and_says_which_count():
    table = list(csv.DictReader(io.StringIO("".join(rows_to_csv([SURE_SAD, FALSE_FACE, UNSURE])))))

    assert tuple(table[0]) == CSV_COLUMNS
    assert [(line["detection_score"], line["counts_for_headline"]) for line in table] == [
        ("0.9500", "yes"), ("0.5500", "no"), ("0.9500", "no"),
    ]  # fmt: skip
    assert table[1]["stress"] == f"{stress_score(FALSE_FACE.probabilities):.4f}"


@pytest.mark.parametrize("score", [0.0, 0.1, 0.2999, 0.3, 0.45, 0.5999, 0.6, 0.99, 1.0])
def test_a_stress_levels_range_holds_exactly_the_scores_of_that_level(score):
    for _, level in STRESS_LEVELS:
        low, high = stress_level_range(level)
        inside = score >= low and (high is None or score < high)
        assert inside == (stress_level(score) == level), (score, level)


def test_an_unknown_stress_level_is_refused():
    with pytest.raises(ValueError, match="No stress level 'extreme'"):
        stress_level_range("extreme")
