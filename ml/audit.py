"""Check a FER2013 image-folder copy before training on it.

    python -m ml.audit --data ../shared/datasets/fer2013 [--json]

Prints, per split, the sharpness of its images (mean absolute Laplacian: sharp 48x48 faces score
15-40, blurred ones under 4), the Gaussian blur that makes val/ look like train/, duplicates
across splits and identical training images filed under different emotions. This is how we
found that our train/ copy is blurred throughout (sigma about 3 px) while val/ is sharp.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from ml.data import load_image_folder

CANDIDATE_SIGMAS = (0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0)


def sharpness(images: np.ndarray) -> np.ndarray:
    """Mean absolute 4-neighbour Laplacian of each ``(N, H, W)`` image."""
    a = images.astype(np.float32)
    laplacian = 4 * a[:, 1:-1, 1:-1] - a[:, :-2, 1:-1] - a[:, 2:, 1:-1] - a[:, 1:-1, :-2] - a[:, 1:-1, 2:]
    return np.abs(laplacian).mean(axis=(1, 2))


def radial_power(images: np.ndarray) -> np.ndarray:
    centred = images.astype(np.float32) - images.mean(axis=(1, 2), keepdims=True)
    power = (np.abs(np.fft.fftshift(np.fft.fft2(centred), axes=(1, 2))) ** 2).mean(axis=0)
    yy, xx = np.indices(power.shape)
    radius = np.hypot(yy - power.shape[0] // 2, xx - power.shape[1] // 2).astype(int)
    return np.bincount(radius.ravel(), power.ravel()) / np.bincount(radius.ravel())


def blur_faces(faces: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian-blur each ``(N, H, W)`` image; ``sigma <= 0`` returns them unchanged."""
    import cv2

    if sigma <= 0 or len(faces) == 0:
        return faces
    return np.stack([cv2.GaussianBlur(face, (0, 0), sigma) for face in faces])


def estimate_blur(reference: np.ndarray, blurred: np.ndarray) -> dict[str, float]:
    """For each candidate sigma, how far (mean absolute log ratio of radial power spectra, up to
    radius 20) ``reference`` blurred by it is from ``blurred``; lower is closer."""
    target = radial_power(blurred)[1:20]
    return {
        str(sigma): round(float(np.abs(np.log(radial_power(blur_faces(reference, sigma))[1:20] / target)).mean()), 4)
        for sigma in CANDIDATE_SIGMAS
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml.audit", description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, type=Path, help="image-folder root with train/ and val/")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of all figures")
    args = parser.parse_args(argv)

    splits = {name: load_image_folder(args.data / name) for name in ("train", "val") if (args.data / name).is_dir()}
    report: dict = {"splits": {}}
    hashes: dict[str, dict[str, set[int]]] = {}
    for name, (images, labels) in splits.items():
        scores = sharpness(images)
        report["splits"][name] = {
            "images": int(len(images)),
            "sharpness_p5_p50_p95": [round(float(v), 2) for v in np.percentile(scores, [5, 50, 95])],
            "share_blurred_under_4": round(float((scores < 4).mean()), 4),
        }
        groups: dict[str, set[int]] = defaultdict(set)
        for image, label in zip(images, labels):
            groups[hashlib.sha1(image.tobytes()).hexdigest()].add(int(label))
        hashes[name] = groups
        print(f"{name}: {len(images)} images, sharpness p5/p50/p95 {report['splits'][name]['sharpness_p5_p50_p95']}, "
              f"{report['splits'][name]['share_blurred_under_4']:.1%} blurred")
    if "train" in hashes:
        conflicting = sum(1 for labels in hashes["train"].values() if len(labels) > 1)
        report["train_identical_images_with_conflicting_labels"] = conflicting
        print(f"train: {conflicting} groups of identical images filed under different emotions")
    if {"train", "val"} <= set(splits):
        shared = len(set(hashes["train"]) & set(hashes["val"]))
        report["images_in_both_train_and_val"] = shared
        fit = estimate_blur(splits["val"][0], splits["train"][0][:5000])
        report["blur_fit_val_to_train"] = fit
        best = min(fit, key=fit.__getitem__)
        report["estimated_train_blur_sigma"] = float(best)
        print(f"images in both train and val: {shared}")
        print(f"Gaussian sigma that makes val look like train: {best} (spectral distance per sigma: {fit})")
    if args.json:
        print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
