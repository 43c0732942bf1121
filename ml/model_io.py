"""Saving and loading the exported model: ``model.json`` + ``model.weights.h5`` (the earlier
app's format) plus ``metadata.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ml.emotions import EMOTIONS

SHIPPED_MODEL_DIR = Path(__file__).resolve().parent / "weights"
ARCHITECTURE_FILE = "model.json"
WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"


class ModelFilesError(FileNotFoundError):
    """The model directory lacks one of the exported files or they do not fit together."""


def export_model(model, directory: str | Path, metadata: dict[str, Any]) -> Path:
    import keras

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    # The architecture without its training set-up: a compiled model's JSON names its optimizer,
    # and its weights file then carries the optimizer's state too (twice the weights again for
    # Adam), none of which inference needs.
    config = json.loads(model.to_json())
    config.pop("compile_config", None)
    architecture = json.dumps(config)
    (directory / ARCHITECTURE_FILE).write_text(architecture)
    plain = keras.models.model_from_json(architecture)
    plain.set_weights(model.get_weights())
    plain.save_weights(directory / WEIGHTS_FILE)
    metadata = {"labels": list(EMOTIONS), **metadata}
    (directory / METADATA_FILE).write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n")
    return directory


def read_metadata(directory: str | Path = SHIPPED_MODEL_DIR) -> dict[str, Any]:
    path = Path(directory) / METADATA_FILE
    if not path.is_file():
        raise ModelFilesError(f"no {METADATA_FILE} in {directory}")
    metadata = json.loads(path.read_text())
    if tuple(metadata.get("labels", ())) != EMOTIONS:
        raise ModelFilesError(f"{path} labels {metadata.get('labels')} differ from {list(EMOTIONS)}")
    return metadata


def load_model(directory: str | Path = SHIPPED_MODEL_DIR):
    """Rebuild the Keras model from its JSON and load its weights."""
    import keras

    directory = Path(directory)
    for name in (ARCHITECTURE_FILE, WEIGHTS_FILE):
        if not (directory / name).is_file():
            raise ModelFilesError(f"no {name} in {directory}")
    architecture = _without_newer_keras_options(json.loads((directory / ARCHITECTURE_FILE).read_text()))
    model = keras.models.model_from_json(json.dumps(architecture))
    model.load_weights(directory / WEIGHTS_FILE)
    return model


# Options newer Keras (3.13+) writes into configs, with their defaults; Keras 3.12, the newest for
# CPython 3.10, refuses them. At their defaults they change nothing, so they are dropped there:
# initializers' axes, BatchNormalization's batch renormalisation, Dense's quantization.
NEWER_KERAS_DEFAULTS = {"input_axes": None, "output_axes": None,
                        "renorm": False, "renorm_clipping": None, "renorm_momentum": 0.99, "quantization_config": None}


def _without_newer_keras_options(node):
    """The architecture JSON without NEWER_KERAS_DEFAULTS' options where they hold their default."""
    if isinstance(node, list):
        return [_without_newer_keras_options(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {key: _without_newer_keras_options(value) for key, value in node.items()
            if not (key in NEWER_KERAS_DEFAULTS and type(value) is type(NEWER_KERAS_DEFAULTS[key])
                    and value == NEWER_KERAS_DEFAULTS[key])}
