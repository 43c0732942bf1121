import io

import numpy as np
import pytest
from PIL import Image

from ml.emotions import EMOTIONS


def make_faces(count_per_class: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Generated 48x48 'faces': one brightness pattern per class, plus noise, so a model can
    learn something from them in one epoch."""
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for label in range(len(EMOTIONS)):
        base = np.zeros((48, 48), np.float32)
        base[:, label * 6 : label * 6 + 12] = 200
        for _ in range(count_per_class):
            noisy = np.clip(base + rng.normal(0, 25, base.shape), 0, 255).astype(np.uint8)
            images.append(noisy)
            labels.append(label)
    return np.stack(images), np.asarray(labels)


def write_image_folder(root, images, labels) -> None:
    for index, (image, label) in enumerate(zip(images, labels)):
        folder = root / EMOTIONS[label]
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(folder / f"face_{index:04d}.png")


def write_csv(path, splits: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
    lines = ["emotion,pixels,Usage"]
    for usage, (images, labels) in splits.items():
        for image, label in zip(images, labels):
            lines.append(f"{label},{' '.join(map(str, image.ravel()))},{usage}")
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def tiny_dataset(tmp_path):
    """A generated data set in the image-folder layout: train/ and val/."""
    train = make_faces(10, seed=1)
    val = make_faces(3, seed=2)
    write_image_folder(tmp_path / "data" / "train", *train)
    write_image_folder(tmp_path / "data" / "val", *val)
    return tmp_path / "data"


@pytest.fixture(scope="session")
def astronaut_jpeg() -> bytes:
    from skimage import data

    buffer = io.BytesIO()
    Image.fromarray(data.astronaut()).save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()
