"""The large-photo benchmark's own arithmetic: where it says it pasted a face, and what share of
the pyramid it says the gate searched."""

import numpy as np

from ml.bench_large import paste, searched_share


def test_a_pasted_face_lies_in_the_box_it_reports():
    source = np.full((200, 200, 3), 40, np.uint8)
    source[60:100, 80:120] = 230  # The 'face': a bright 40x40 box at (80, 60).
    canvas = np.full((400, 400, 3), 40, np.uint8)

    x, y, w, h = paste(canvas, (source, (80, 60, 40, 40)), 20, (150, 100))

    assert (w, h) == (20, 20)
    assert canvas[y + 3 : y + h - 3, x + 3 : x + w - 3].min() > 200
    assert canvas[y + h + 3 :, :].max() < 100 and canvas[:, x + w + 3 :].max() < 100
    # A face that would not fit is not pasted.
    assert paste(canvas, (source, (80, 60, 40, 40)), 20, (390, 390)) is None


def test_the_gate_searches_little_of_a_plain_photo_and_all_of_a_busy_one():
    plain = np.full((1536, 2048), 120, np.uint8)
    plain[700:740, 1000:1030] = np.random.default_rng(1).integers(0, 256, (40, 30), dtype=np.uint8)
    # Random 16 px blocks: contrast at every face size the pyramid looks for (pixel noise alone
    # averages out in the coarser levels' contrast maps, as it should).
    busy = np.kron(np.random.default_rng(0).integers(0, 256, (96, 128)), np.ones((16, 16))).astype(np.uint8)

    assert searched_share(plain, 24, None) < 0.15
    assert searched_share(busy, 24, None) > 0.95
    assert searched_share(busy, 24, 3_000_000) < searched_share(busy, 24, None)
