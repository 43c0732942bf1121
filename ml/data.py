"""FER2013 loaders for both forms users have: the image-folder layout and ``fer2013.csv``.

Both return ``(images, labels)``: ``images`` a ``uint8`` array of shape ``(N, 48, 48)`` and
``labels`` an ``int64`` array of indices into :data:`ml.emotions.EMOTIONS`.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from PIL import Image

from ml.emotions import EMOTIONS

IMAGE_SIZE = 48
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"}

# fer2013.csv's Usage column, by the names the image-folder layout uses for its splits.
CSV_USAGES = {"train": "Training", "val": "PublicTest", "test": "PrivateTest"}


class DatasetError(ValueError):
    """The data set is missing or not in a form we can read."""


def _to_face_array(image: Image.Image) -> np.ndarray:
    image = image.convert("L")
    if image.size != (IMAGE_SIZE, IMAGE_SIZE):
        image = image.resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BILINEAR)
    return np.asarray(image, dtype=np.uint8)


def load_image_folder(directory: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read ``DIR/<emotion>/*.png|jpg``; every emotion folder is optional but one must exist."""
    directory = Path(directory)
    if not directory.is_dir():
        raise DatasetError(f"{directory} is not a directory")
    images: list[np.ndarray] = []
    labels: list[int] = []
    for index, label in enumerate(EMOTIONS):
        class_dir = directory / label
        if not class_dir.is_dir():
            continue
        for path in sorted(class_dir.iterdir()):
            if path.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            with Image.open(path) as image:
                images.append(_to_face_array(image))
            labels.append(index)
    if not images:
        raise DatasetError(f"{directory} has no images in folders named {', '.join(EMOTIONS)}")
    return np.stack(images), np.asarray(labels, dtype=np.int64)


def load_csv(path: str | Path, split: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Read the original ``fer2013.csv`` (``emotion,pixels,Usage``).

    ``split`` is ``train``, ``val`` or ``test`` (or the CSV's own Usage names); ``None``
    reads every row.
    """
    usage = CSV_USAGES.get(split, split) if split else None
    images: list[np.ndarray] = []
    labels: list[int] = []
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"emotion", "pixels"} - set(reader.fieldnames or ())
        if missing:
            raise DatasetError(f"{path} lacks the column(s) {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            if usage and row.get("Usage") != usage:
                continue
            pixels = np.array(row["pixels"].split(), dtype=np.uint8)
            if pixels.size != IMAGE_SIZE * IMAGE_SIZE:
                raise DatasetError(f"{path}:{line}: expected {IMAGE_SIZE ** 2} pixels, got {pixels.size}")
            emotion = int(row["emotion"])
            if not 0 <= emotion < len(EMOTIONS):
                raise DatasetError(f"{path}:{line}: emotion {emotion} is not in 0..{len(EMOTIONS) - 1}")
            images.append(pixels.reshape(IMAGE_SIZE, IMAGE_SIZE))
            labels.append(emotion)
    if not images:
        raise DatasetError(f"{path} has no rows" + (f" for {usage}" if usage else ""))
    return np.stack(images), np.asarray(labels, dtype=np.int64)


def load_dataset(source: str | Path, split: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Read either form: a ``.csv`` file, or an image-folder directory.

    With ``split``, a directory is read from ``source/split`` when that exists.
    """
    source = Path(source)
    if source.suffix.lower() == ".csv":
        return load_csv(source, split)
    if split and (source / split).is_dir():
        source = source / split
    return load_image_folder(source)


def class_weights(labels: np.ndarray, power: float = 0.5) -> dict[int, float]:
    """Weights ``(N / count) ** power``, normalised to mean 1 over the samples.

    ``power=1`` is full inverse-frequency weighting; 0.5 softens it so the rare 'disgust'
    class is helped without wrecking the accuracy on common classes.
    """
    counts = np.bincount(labels, minlength=len(EMOTIONS)).astype(np.float64)
    raw = np.where(counts > 0, (counts.sum() / np.maximum(counts, 1)) ** power, 0.0)
    mean = float((raw[labels]).mean())
    return {index: float(weight / mean) for index, weight in enumerate(raw)}


def duplicate_groups(images: np.ndarray, labels: np.ndarray) -> dict[bytes, list[int]]:
    """Indices of pixel-identical images, keyed by a digest of their pixels (every image is in
    exactly one group; most groups have one member)."""
    import hashlib

    groups: dict[bytes, list[int]] = {}
    for index, image in enumerate(images):
        groups.setdefault(hashlib.sha1(image.tobytes()).digest(), []).append(index)
    return groups


def clean_training_set(images: np.ndarray, labels: np.ndarray, *, blank_std: float = 2.0):
    """Drop what teaches nothing or teaches wrong: blank images (pixel standard deviation under
    ``blank_std``), every copy of an image filed under more than one emotion, and the surplus
    copies of images repeated under one emotion (they would count several times per epoch).

    Returns ``(images, labels, report)``, ``report`` counting what was dropped.
    """
    keep = np.zeros(len(images), dtype=bool)
    conflicting = surplus = 0
    for members in duplicate_groups(images, labels).values():
        if len({int(labels[index]) for index in members}) > 1:
            conflicting += 1
            continue
        keep[members[0]] = True
        surplus += len(members) - 1
    blank = images.reshape(len(images), -1).std(axis=1) < blank_std
    blank_dropped = int((blank & keep).sum())
    keep &= ~blank
    report = {
        "images_in": int(len(images)),
        "conflicting_groups_dropped": conflicting,
        "surplus_copies_dropped": surplus,
        "blank_dropped": blank_dropped,
        "images_kept": int(keep.sum()),
    }
    return images[keep], labels[keep], report
