import numpy as np
import pytest

from ml.data import DatasetError, class_weights, load_csv, load_dataset, load_image_folder
from tests.ml.conftest import make_faces, write_csv, write_image_folder


def test_csv_and_folder_loaders_agree_on_the_same_faces(tmp_path):
    images, labels = make_faces(4)
    write_image_folder(tmp_path / "folder", images, labels)
    write_csv(tmp_path / "fer2013.csv", {"Training": (images, labels)})

    folder_images, folder_labels = load_image_folder(tmp_path / "folder")
    csv_images, csv_labels = load_csv(tmp_path / "fer2013.csv")

    # The folder loader reads class by class, as the generator wrote them.
    np.testing.assert_array_equal(folder_images, csv_images)
    np.testing.assert_array_equal(folder_labels, csv_labels)
    assert folder_images.shape == (28, 48, 48) and folder_images.dtype == np.uint8


def test_csv_split_selects_rows_by_usage(tmp_path):
    train, val = make_faces(2, seed=1), make_faces(1, seed=2)
    write_csv(tmp_path / "fer2013.csv", {"Training": train, "PublicTest": val})

    images, labels = load_dataset(tmp_path / "fer2013.csv", "val")

    np.testing.assert_array_equal(images, val[0])
    np.testing.assert_array_equal(labels, val[1])


def test_a_csv_row_with_the_wrong_pixel_count_is_reported_with_its_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("emotion,pixels,Usage\n3,1 2 3,Training\n")

    with pytest.raises(DatasetError, match=r"bad.csv:2: expected 2304 pixels, got 3"):
        load_csv(path)


def test_a_folder_without_emotion_folders_is_refused(tmp_path):
    with pytest.raises(DatasetError, match="no images"):
        load_image_folder(tmp_path)


def test_class_weights_favour_rare_classes_and_average_to_one():
    labels = np.array([3] * 90 + [1] * 10)

    weights = class_weights(labels, power=1.0)

    assert weights[1] > weights[3]
    assert np.mean([weights[int(label)] for label in labels]) == pytest.approx(1.0)


def test_cleaning_drops_blanks_conflicting_copies_and_surplus_copies():
    from ml.data import clean_training_set

    rng = np.random.default_rng(0)
    faces = rng.integers(0, 256, (6, 48, 48), dtype=np.uint8)
    blank = np.full((48, 48), 7, np.uint8)
    images = np.stack([faces[0], faces[1], faces[1], faces[2], faces[2], faces[3], blank, faces[4]])
    labels = np.array([0, 1, 1, 2, 5, 3, 4, 6])  # faces[1] twice as 1; faces[2] as 2 and as 5.

    kept_images, kept_labels, report = clean_training_set(images, labels)

    assert kept_labels.tolist() == [0, 1, 3, 6]
    np.testing.assert_array_equal(kept_images[1], faces[1])
    assert report == {
        "images_in": 8, "conflicting_groups_dropped": 1, "surplus_copies_dropped": 1, "blank_dropped": 1,
        "images_kept": 4,
    }
