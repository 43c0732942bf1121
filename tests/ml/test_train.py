import json

import h5py
import numpy as np
import pytest

from ml import evaluate, train
from ml.calibration import apply_temperature
from ml.data import load_image_folder
from ml.model_io import load_model, read_metadata
from ml.predictor import EmotionClassifier

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One epoch of the default architecture on a tiny generated data set, exported."""
    from tests.ml.conftest import make_faces, write_image_folder

    root = tmp_path_factory.mktemp("train")
    write_image_folder(root / "data" / "train", *make_faces(10, seed=1))
    write_image_folder(root / "data" / "val", *make_faces(3, seed=2))
    exit_code = train.main(
        ["--data", str(root / "data"), "--epochs", "1", "--batch-size", "16", "--out", str(root / "run"),
         "--export", str(root / "export")]
    )
    assert exit_code == 0
    return root


def test_training_writes_checkpoints_a_log_and_an_export(trained):
    assert (trained / "run" / "best.keras").is_file()
    assert (trained / "run" / "history.csv").read_text().count("\n") == 2  # Header and one epoch.
    for name in ("model.json", "model.weights.h5", "metadata.json"):
        assert (trained / "export" / name).is_file()
    metadata = read_metadata(trained / "export")
    assert metadata["labels"] == ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]
    assert metadata["input_size"] == [48, 48]
    assert 0.0 <= metadata["val_accuracy"] <= 1.0
    # Only what inference needs: no optimizer in the architecture, and so none in the weights.
    assert "compile_config" not in json.loads((trained / "export" / "model.json").read_text())
    with h5py.File(trained / "export" / "model.weights.h5") as weights:
        assert "optimizer" not in weights


def test_a_second_run_into_the_same_folder_needs_resume(trained):
    with pytest.raises(SystemExit, match="--resume"):
        train.main(["--data", str(trained / "data"), "--epochs", "1", "--out", str(trained / "run")])


def test_resume_continues_from_the_saved_epoch(trained, tmp_path):
    import shutil

    run = tmp_path / "run"
    shutil.copytree(trained / "run", run)

    train.main(["--data", str(trained / "data"), "--epochs", "2", "--batch-size", "16", "--out", str(run), "--resume"])

    epochs = [line.split(",")[0] for line in (run / "history.csv").read_text().splitlines()[1:]]
    assert epochs == ["0", "1"]  # Epoch 0 from the first run, only epoch 1 trained now.


def test_save_and_load_round_trip_gives_identical_outputs(trained):
    import keras

    images, _ = load_image_folder(trained / "data" / "val")
    original = keras.models.load_model(trained / "run" / "best.keras")
    reloaded = load_model(trained / "export")

    expected = original.predict(images[..., None].astype("float32"), verbose=0)
    np.testing.assert_allclose(reloaded.predict(images[..., None].astype("float32"), verbose=0), expected, rtol=1e-5, atol=1e-6)
    # The fast path (one compiled call, no flip averaging, no temperature) gives the model's
    # numbers for the faces as they are: no blur or other filter in between.
    raw = EmotionClassifier(trained / "export", flip_average=False, temperature=1.0)
    np.testing.assert_allclose(raw.predict(images), expected, rtol=1e-4, atol=1e-5)
    # As shipped, the fitted temperature rescales those numbers.
    calibrated = EmotionClassifier(trained / "export", flip_average=False)
    assert calibrated.temperature == read_metadata(trained / "export")["temperature"]
    np.testing.assert_allclose(calibrated.predict(images), apply_temperature(expected, calibrated.temperature), rtol=1e-4, atol=1e-5)


def test_the_export_carries_a_temperature_fitted_on_validation_faces(trained):
    metadata = read_metadata(trained / "export")

    assert 0.25 <= metadata["temperature"] <= 4.0
    calibration = metadata["calibration"]
    assert calibration["temperature"] == metadata["temperature"]
    assert calibration["nll_after"] <= calibration["nll_before"] + 1e-6
    assert calibration["fitted_on"] == "21 validation faces"


def test_the_export_records_the_recipe_and_the_cleaning(trained):
    metadata = read_metadata(trained / "export")

    assert metadata["recipe"]["optimizer"] == "sgd"
    assert metadata["recipe"]["affine"] == {"rotation_degrees": train.ROTATION_DEGREES, "zoom": train.ZOOM, "shift": train.SHIFT}
    assert metadata["initial_weights"] is None
    assert metadata["data_cleaning"]["images_in"] == 70
    assert "input_blur_sigma" not in metadata


def test_init_starts_from_an_exported_models_weights(trained, tmp_path):
    # A learning rate of almost nothing: what the new export holds is where training started.
    train.main(
        ["--data", str(trained / "data"), "--epochs", "1", "--batch-size", "16", "--lr", "1e-12", "--out",
         str(tmp_path / "run"), "--export", str(tmp_path / "export"), "--init", str(trained / "export")]
    )

    def kernels(directory):
        return [layer.get_weights()[0] for layer in load_model(directory).layers if layer.name.endswith("_conv")]

    assert all(np.allclose(new, old, atol=1e-6) for new, old in zip(kernels(tmp_path / "export"), kernels(trained / "export")))
    assert read_metadata(tmp_path / "export")["initial_weights"]["command"] == read_metadata(trained / "export")["command"]


def test_random_erasing_replaces_one_rectangle_and_keeps_the_rest():
    import tensorflow as tf

    image = tf.fill((48, 48, 1), 100.0)
    erased = train.random_erase(image, seed=3, probability=1.0).numpy()[..., 0]
    changed = erased != 100.0

    rows, columns = np.nonzero(changed)
    assert changed.any()
    # The changed pixels fill one axis-aligned rectangle of 2-15 % of the face (noise could
    # hit exactly 100 on a pixel or two, so allow a little slack).
    rectangle = (rows.max() - rows.min() + 1) * (columns.max() - columns.min() + 1)
    assert changed.sum() >= 0.98 * rectangle
    assert 0.015 * 48 * 48 <= rectangle <= 0.16 * 48 * 48
    untouched = train.random_erase(image, seed=3, probability=0.0).numpy()
    assert (untouched == 100.0).all()


def _warp(images, **motion):
    import tensorflow as tf

    count = len(images)
    values = {"angle": 0.0, "zoom": 1.0, "shift_x": 0.0, "shift_y": 0.0, **motion}
    matrices = train.affine_matrices(*(tf.fill([count], float(values[key])) for key in values), 48, 48)
    return train.warp(tf.constant(images), matrices).numpy()


def test_the_affine_augmentation_moves_turns_and_zooms_about_the_centre():
    faces = np.random.default_rng(0).uniform(0, 255, (2, 48, 48, 1)).astype("float32")
    dot = np.zeros((1, 48, 48, 1), "float32")
    dot[0, 10, 30] = 255.0  # Row 10, column 30: 6.5 px right of and 13.5 px above the centre.

    assert np.array_equal(_warp(faces), faces)
    shifted = _warp(faces, shift_x=5, shift_y=-3)
    assert np.array_equal(shifted[:, :40, 5:], faces[:, 3:43, :-5])
    # A quarter turn carries the dot about the centre (23.5, 23.5), keeping its distance.
    turned = _warp(dot, angle=np.pi / 2)[0, ..., 0]
    row, column = np.unravel_index(turned.argmax(), turned.shape)
    assert np.hypot(row - 23.5, column - 23.5) == pytest.approx(np.hypot(10 - 23.5, 30 - 23.5), abs=1.0)
    assert (row, column) != (10, 30)
    # Zooming by 2 doubles a dot's distance from the centre.
    near = np.zeros((1, 48, 48, 1), "float32")
    near[0, 18, 26] = 255.0  # 5.5 px above and 2.5 px right of the centre.
    zoomed = _warp(near, zoom=2.0)[0, ..., 0]
    row, column = np.unravel_index(zoomed.argmax(), zoomed.shape)
    assert (row, column) == pytest.approx((23.5 - 11, 23.5 + 5), abs=1.0)


def test_random_affine_keeps_the_batch_shape_and_changes_the_faces():
    import tensorflow as tf

    faces = tf.constant(np.random.default_rng(1).uniform(0, 255, (8, 48, 48, 1)).astype("float32"))
    warped = train.random_affine(faces, seed=5).numpy()

    assert warped.shape == (8, 48, 48, 1)
    assert warped.min() >= 0.0 and warped.max() <= 255.0
    assert all(not np.allclose(warped[i], faces[i]) for i in range(8))


def test_evaluate_prints_a_json_line_with_accuracy_and_writes_a_confusion_png(trained, tmp_path, capsys):
    png = tmp_path / "confusion.png"

    evaluate.main(["--data", str(trained / "data" / "val"), "--weights", str(trained / "export"), "--json", "--confusion", str(png)])

    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert 0.0 <= report["accuracy"] <= 1.0
    assert report["images"] == 21
    assert sum(map(sum, report["confusion_matrix"])) == 21
    assert png.read_bytes()[:4] == b"\x89PNG"
