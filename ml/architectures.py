"""Model builders. Each takes the input shape and class count and returns an uncompiled
``keras.Model`` whose input is raw grayscale pixels in [0, 255]: rescaling is a layer inside the
model, so every caller feeds the same thing.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
from keras import layers

INPUT_SHAPE = (48, 48, 1)
NUM_CLASSES = 7


def make_seed_model(input_shape=INPUT_SHAPE, num_classes=NUM_CLASSES) -> keras.Model:
    """The earlier Flask app's CNN, layer for layer.

    Four blocks (64 3x3, 128 5x5, 512 3x3, 512 3x3) of Conv-BatchNorm-ReLU-MaxPool-Dropout(0.25),
    Flatten, Dense 256 and Dense 512 each BatchNorm-ReLU-Dropout(0.25), Dense softmax.
    """
    inputs = keras.Input(shape=input_shape, name="pixels")
    x = layers.Rescaling(1.0 / 255)(inputs)
    for filters, kernel in ((64, 3), (128, 5), (512, 3), (512, 3)):
        x = layers.Conv2D(filters, kernel, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.MaxPooling2D(2)(x)
        x = layers.Dropout(0.25)(x)
    x = layers.Flatten()(x)
    for units in (256, 512):
        x = layers.Dense(units)(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.Dropout(0.25)(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="emotions")(x)
    return keras.Model(inputs, outputs, name="seed")


def _conv_bn_relu(x, filters: int, name: str):
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv")(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_relu")(x)


# (filters, convolutions) per stage; each stage ends in a 2x2 max-pool.
FAST_STAGES = ((32, 1), (64, 2), (128, 2), (256, 2))


def make_fast_model(
    input_shape=INPUT_SHAPE, num_classes=NUM_CLASSES, stages=FAST_STAGES, dropout: float = 0.4
) -> keras.Model:
    """Our default: a compact VGG-style network, fast on a CPU.

    Stacked 3x3 convolutions with batch norm, one cheap convolution at full resolution, the
    width doubling as resolution halves, and a Flatten head over the final 3x3 map: where a
    feature is (mouth or eyes) matters for expressions, and global average pooling, tried
    first, threw that away and learned far slower.
    """
    inputs = keras.Input(shape=input_shape, name="pixels")
    x = layers.Rescaling(1.0 / 255)(inputs)
    for stage, (filters, convolutions) in enumerate(stages, start=1):
        for index in range(1, convolutions + 1):
            x = _conv_bn_relu(x, filters, name=f"s{stage}c{index}")
        x = layers.MaxPooling2D(2, name=f"s{stage}_pool")(x)
        x = layers.SpatialDropout2D(0.1 * stage / len(stages), name=f"s{stage}_drop")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(dropout, name="head_drop")(x)
    x = layers.Dense(256, use_bias=False, name="head_dense")(x)
    x = layers.BatchNormalization(name="head_bn")(x)
    x = layers.Activation("relu", name="head_relu")(x)
    x = layers.Dropout(dropout / 2, name="head_drop2")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="emotions")(x)
    return keras.Model(inputs, outputs, name="fast")


ARCHITECTURES: dict[str, Callable[..., keras.Model]] = {
    "seed": make_seed_model,
    "fast": make_fast_model,
}
DEFAULT_ARCHITECTURE = "fast"


def make_model(name: str, **kwargs) -> keras.Model:
    try:
        builder = ARCHITECTURES[name]
    except KeyError:
        raise ValueError(f"unknown architecture {name!r}; choose from {', '.join(ARCHITECTURES)}") from None
    return builder(**kwargs)
