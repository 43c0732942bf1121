"""Train an emotion CNN on FER2013.

    python -m ml.train --data ../shared/datasets/fer2013 --arch fast --epochs 40 \
        --out runs/fast --export ml/weights

``--data`` is the image-folder layout (``train/`` and ``val/`` inside) or ``fer2013.csv``.
Checkpoints go to ``--out`` every epoch; ``--resume`` continues from the last one (the
schedule, optimizer state and epoch count are restored, so a run can be killed at any time).
The best epoch by validation accuracy is exported (model JSON + weights + metadata) to
``--export``, with a softmax temperature fitted on the validation faces through the shipped
inference path (see ``ml.calibration``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from ml.data import class_weights, clean_training_set, load_dataset
from ml.emotions import EMOTIONS

BATCH_SIZE = 128
# Per optimizer: (peak learning rate, decoupled weight decay).
OPTIMIZER_DEFAULTS = {"sgd": (0.05, 5e-4), "adamw": (1e-3, 1e-4)}
NESTEROV_MOMENTUM = 0.9
LABEL_SMOOTHING = 0.1
WARMUP_EPOCHS = 2
EARLY_STOPPING_PATIENCE = 15
CLASS_WEIGHT_POWER = 0.3
ERASE_PROBABILITY = 0.5


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from ml.architectures import ARCHITECTURES, DEFAULT_ARCHITECTURE

    parser = argparse.ArgumentParser(prog="python -m ml.train", description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="image-folder root (train/, val/) or fer2013.csv")
    parser.add_argument("--arch", default=DEFAULT_ARCHITECTURE, choices=sorted(ARCHITECTURES))
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--optimizer", default="sgd", choices=sorted(OPTIMIZER_DEFAULTS),
                        help="SGD with Nesterov momentum (default) or AdamW; both warm up, then cosine decay")
    parser.add_argument("--lr", type=float, help="peak learning rate (default per optimizer: sgd 0.05, adamw 1e-3)")
    parser.add_argument("--weight-decay", type=float, help="decoupled weight decay (default: sgd 5e-4, adamw 1e-4)")
    parser.add_argument("--class-weight-power", type=float, default=CLASS_WEIGHT_POWER,
                        help="0 disables class weighting, 1 is full inverse frequency")
    parser.add_argument("--patience", type=int, default=EARLY_STOPPING_PATIENCE)
    parser.add_argument("--erase", type=float, default=ERASE_PROBABILITY,
                        help="probability of random erasing (a noise rectangle over 2-15 %% of the face); 0 disables")
    parser.add_argument("--no-augment", dest="augment", action="store_false")
    parser.add_argument("--keep-duplicates", dest="clean", action="store_false",
                        help="train on every image as it is (default: drop blanks, conflicting and surplus copies)")
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N training images (smoke runs)")
    parser.add_argument("--out", type=Path, default=Path("runs/train"), help="checkpoints and logs")
    parser.add_argument("--export", type=Path, help="export the best model here (model.json, weights, metadata)")
    parser.add_argument("--resume", action="store_true", help="continue from the last checkpoint in --out")
    parser.add_argument("--init", type=Path, metavar="MODEL_DIR",
                        help="start from an exported model's weights (a warm restart: a new schedule from them)")
    return parser.parse_args(argv)


# One random affine warp per face (a single resampling: each one softens a 48x48 face a little):
# a tilt of up to ROTATION_DEGREES either way, a zoom of up to ZOOM either way and a shift of up
# to SHIFT of the side, with reflected borders.
ROTATION_DEGREES = 10.0
ZOOM = 0.15
SHIFT = 0.1


def augment_face(image, seed: int):
    """Label-preserving changes a face in the wild goes through: mirror and lighting (per face,
    before batching; the geometry is :func:`random_affine`, per batch)."""
    import tensorflow as tf

    image = tf.image.random_flip_left_right(image, seed=seed)
    image = tf.image.random_brightness(image, 25.0, seed=seed + 2)
    image = tf.image.random_contrast(image, 0.75, 1.25, seed=seed + 3)
    return tf.clip_by_value(image, 0.0, 255.0)


def affine_matrices(angle, zoom, shift_x, shift_y, height: int, width: int):
    """Per-face ``(N, 8)`` projective transforms (output pixel -> input pixel, the layout of
    ``ImageProjectiveTransformV3``) that turn a face by ``angle`` radians and scale it by
    ``zoom`` (> 1 enlarges) about its centre, then move it by ``shift_x``, ``shift_y`` pixels."""
    import tensorflow as tf

    cx, cy = (width - 1) / 2, (height - 1) / 2
    cos, sin = tf.cos(angle) / zoom, tf.sin(angle) / zoom
    # x_in = cos*(x - cx - sx) + sin*(y - cy - sy) + cx;  y_in = -sin*(x - cx - sx) + cos*(y - cy - sy) + cy
    ox, oy = cx + shift_x, cy + shift_y
    a2 = cx - cos * ox - sin * oy
    b2 = cy + sin * ox - cos * oy
    zeros = tf.zeros_like(angle)
    return tf.stack([cos, sin, a2, -sin, cos, b2, zeros, zeros], axis=1)


def warp(images, matrices):
    """A batch of faces, each warped by its row of ``matrices`` (bilinear, borders reflected)."""
    import tensorflow as tf

    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=matrices, output_shape=images.shape[1:3], fill_value=0.0,
        interpolation="BILINEAR", fill_mode="REFLECT",
    )


def random_affine(images, seed: int):
    """:func:`warp` by :func:`affine_matrices` with random angle, zoom and shift for each face."""
    import tensorflow as tf

    count = tf.shape(images)[0]
    height, width = images.shape[1], images.shape[2]
    angle = tf.random.uniform([count], -1, 1, seed=seed) * np.deg2rad(ROTATION_DEGREES)
    zoom = tf.random.uniform([count], 1 - ZOOM, 1 + ZOOM, seed=seed + 1)
    shift = tf.random.uniform([count, 2], -SHIFT, SHIFT, seed=seed + 2) * [width, height]
    return warp(images, affine_matrices(angle, zoom, shift[:, 0], shift[:, 1], height, width))


ERASE_AREA = (0.02, 0.15)  # Fraction of the face.
ERASE_ASPECT = (0.3, 3.3)


def random_erase(image, seed: int, probability: float):
    """Random erasing (Zhong et al., 2017): with ``probability``, replace a random rectangle with
    noise, as a hand, glasses or a shadow would hide part of a face."""
    import tensorflow as tf

    height, width = image.shape[0], image.shape[1]
    area = tf.random.uniform([], *ERASE_AREA, seed=seed) * height * width
    aspect = tf.exp(tf.random.uniform([], np.log(ERASE_ASPECT[0]), np.log(ERASE_ASPECT[1]), seed=seed + 1))
    erase_h = tf.clip_by_value(tf.cast(tf.round(tf.sqrt(area * aspect)), tf.int32), 1, height)
    erase_w = tf.clip_by_value(tf.cast(tf.round(tf.sqrt(area / aspect)), tf.int32), 1, width)
    top = tf.random.uniform([], 0, height - erase_h + 1, dtype=tf.int32, seed=seed + 2)
    left = tf.random.uniform([], 0, width - erase_w + 1, dtype=tf.int32, seed=seed + 3)
    rows = tf.range(height)[:, None, None]
    columns = tf.range(width)[None, :, None]
    inside = (rows >= top) & (rows < top + erase_h) & (columns >= left) & (columns < left + erase_w)
    noise = tf.random.uniform(tf.shape(image), 0.0, 255.0, seed=seed + 4)
    erased = tf.where(inside, noise, image)
    return tf.cond(tf.random.uniform([], seed=seed + 5) < probability, lambda: erased, lambda: image)


def make_datasets(x_train, y_train, x_val, y_val, *, batch_size: int, augment: bool, erase: float, seed: int, weights):
    import tensorflow as tf

    x_train = x_train[..., None].astype("float32")
    x_val = x_val[..., None].astype("float32")
    sample_weight = np.asarray([weights[int(label)] for label in y_train], dtype="float32")
    onehot = np.eye(len(EMOTIONS), dtype="float32")
    train = tf.data.Dataset.from_tensor_slices((x_train, onehot[y_train], sample_weight))
    train = train.shuffle(len(x_train), seed=seed, reshuffle_each_iteration=True)
    if augment:
        train = train.map(lambda x, y, w: (augment_face(x, seed), y, w), num_parallel_calls=tf.data.AUTOTUNE)
    if augment and erase > 0:
        train = train.map(lambda x, y, w: (random_erase(x, seed + 10, erase), y, w), num_parallel_calls=tf.data.AUTOTUNE)
    train = train.batch(batch_size)
    if augment:
        train = train.map(lambda x, y, w: (random_affine(x, seed + 20), y, w), num_parallel_calls=tf.data.AUTOTUNE)
    train = train.prefetch(tf.data.AUTOTUNE)
    val = tf.data.Dataset.from_tensor_slices((x_val, onehot[y_val])).batch(256).prefetch(tf.data.AUTOTUNE)
    return train, val


def make_optimizer(name: str, steps_per_epoch: int, epochs: int, lr: float, weight_decay: float):
    import keras

    schedule = make_schedule(steps_per_epoch, epochs, lr)
    if name == "sgd":
        return keras.optimizers.SGD(schedule, momentum=NESTEROV_MOMENTUM, nesterov=True, weight_decay=weight_decay)
    return keras.optimizers.AdamW(schedule, weight_decay=weight_decay)


def make_schedule(steps_per_epoch: int, epochs: int, lr: float):
    import keras

    warmup = steps_per_epoch * WARMUP_EPOCHS
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=lr / 10,
        decay_steps=max(1, steps_per_epoch * epochs - warmup),
        warmup_target=lr,
        warmup_steps=warmup,
        alpha=0.002,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    from ml.architectures import make_model
    from ml.model_io import export_model, read_metadata

    keras.utils.set_random_seed(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    x_train, y_train = load_dataset(args.data, "train")
    x_val, y_val = load_dataset(args.data, "val")
    if args.limit:
        x_train, y_train = x_train[: args.limit], y_train[: args.limit]
    cleaning = None
    if args.clean:
        x_train, y_train, cleaning = clean_training_set(x_train, y_train)
        print(f"cleaned the training set: {json.dumps(cleaning)}", flush=True)
    print(f"train {len(x_train)} images, val {len(x_val)} images, loaded in {time.perf_counter() - started:.1f}s", flush=True)
    lr, weight_decay = OPTIMIZER_DEFAULTS[args.optimizer]
    lr = args.lr if args.lr is not None else lr
    weight_decay = args.weight_decay if args.weight_decay is not None else weight_decay

    weights = class_weights(y_train, args.class_weight_power) if args.class_weight_power else dict.fromkeys(range(len(EMOTIONS)), 1.0)
    train, val = make_datasets(
        x_train, y_train, x_val, y_val, batch_size=args.batch_size, augment=args.augment, erase=args.erase, seed=args.seed,
        weights=weights,
    )
    steps_per_epoch = int(np.ceil(len(x_train) / args.batch_size))

    model = make_model(args.arch)
    initial_weights = None
    if args.init:
        from ml.model_io import load_model

        # Weights carry over in layer order; another architecture fails here on their shapes,
        # before any training.
        model.set_weights(load_model(args.init).get_weights())
        starting_point = read_metadata(args.init)
        initial_weights = {key: starting_point.get(key) for key in ("command", "val_accuracy", "trained_on")}
    model.compile(
        optimizer=make_optimizer(args.optimizer, steps_per_epoch, args.epochs, lr, weight_decay),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=LABEL_SMOOTHING),
        metrics=["accuracy"],
    )
    best_path = args.out / "best.keras"
    backup_dir = args.out / "backup"
    if not args.resume and backup_dir.exists():
        raise SystemExit(f"{backup_dir} holds a previous run: pass --resume to continue it, or choose another --out")
    callbacks = [
        # Saves model, optimizer and epoch at every epoch end; restores them on --resume.
        keras.callbacks.BackupAndRestore(str(backup_dir), save_freq="epoch", delete_checkpoint=False),
        keras.callbacks.ModelCheckpoint(str(best_path), monitor="val_accuracy", mode="max", save_best_only=True),
        keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=args.patience),
        keras.callbacks.CSVLogger(str(args.out / "history.csv"), append=args.resume),
    ]
    history = model.fit(
        train,
        validation_data=val,
        epochs=args.epochs,
        callbacks=callbacks,
        shuffle=False,  # The dataset shuffles itself, every epoch.
        verbose=1 if sys.stdout.isatty() else 2,
    )
    training_seconds = time.perf_counter() - started

    best = keras.models.load_model(best_path)
    val_accuracy = float(best.evaluate(val, verbose=0, return_dict=True)["accuracy"])
    epochs_run = len(history.history.get("loss", []))
    summary = {
        "architecture": args.arch,
        "val_accuracy": round(val_accuracy, 4),
        "epochs_run": epochs_run,
        "training_seconds_this_run": round(training_seconds, 1),
    }
    if args.export:
        from ml.calibration import calibrate_model_dir

        # The exported model has the plain architecture (no compiled optimizer state).
        export_model(
            best,
            args.export,
            {
                "architecture": args.arch,
                "input_size": [48, 48],
                "preprocessing": "grayscale face crop, resized to 48x48, uint8 pixels 0-255; rescaling is inside the model",
                "flip_average": True,
                "training_data": f"FER2013 train ({len(x_train)} images), selected on val ({len(x_val)} images)",
                "data_cleaning": cleaning,
                "recipe": {
                    "optimizer": args.optimizer, "peak_lr": lr, "weight_decay": weight_decay,
                    "batch_size": args.batch_size, "warmup_epochs": WARMUP_EPOCHS, "schedule": "cosine",
                    "label_smoothing": LABEL_SMOOTHING, "class_weight_power": args.class_weight_power,
                    "augment": args.augment, "random_erasing": args.erase if args.augment else 0,
                    "affine": {"rotation_degrees": ROTATION_DEGREES, "zoom": ZOOM, "shift": SHIFT} if args.augment else None,
                },
                "epochs": args.epochs,
                "initial_weights": initial_weights,
                "val_accuracy": round(val_accuracy, 4),
                "seed": args.seed,
                "trained_on": dt.date.today().isoformat(),
                "training_seconds": round(training_seconds),
                "command": "python -m ml.train " + " ".join(argv if argv is not None else sys.argv[1:]),
            },
        )
        summary["calibration"] = calibrate_model_dir(args.export, x_val, y_val)
        summary["exported_to"] = str(args.export)
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
