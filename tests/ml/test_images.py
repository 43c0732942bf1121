import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from ml.images import MAX_SIDE, InvalidImageError, UnsupportedImageError, to_rgb_array


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size (a decompression bomb's calling card)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def jpeg_bytes(image: Image.Image, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", **kwargs)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "empty"),
        (b"hello, I am plain text, not a picture", "not an image"),
        (jpeg_bytes(Image.new("RGB", (200, 200), "red"))[:300], "damaged or truncated"),
        (png_header_claiming(20000, 20000), "too large"),
    ],
    ids=["empty bytes", "text", "truncated jpeg", "20000x20000 png header"],
)
def test_bad_input_raises_invalid_image_error_with_a_clear_message(payload, message):
    with pytest.raises(InvalidImageError, match=message):
        to_rgb_array(payload)


def test_only_a_file_type_we_do_not_read_is_unsupported():
    tiff = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(tiff, format="TIFF")  # Pillow reads it; we do not promise to.

    with pytest.raises(UnsupportedImageError):
        to_rgb_array(tiff.getvalue())
    with pytest.raises(InvalidImageError) as damaged:
        to_rgb_array(jpeg_bytes(Image.new("RGB", (200, 200), "red"))[:300])
    assert not isinstance(damaged.value, UnsupportedImageError)


def test_a_1x1_image_is_too_small():
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1)).save(buffer, format="PNG")

    with pytest.raises(InvalidImageError, match="too small"):
        to_rgb_array(buffer.getvalue())


def test_exif_orientation_is_applied():
    image = Image.new("RGB", (120, 60), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # Rotated 90 degrees: the upright image is 60 wide and 120 tall.

    array = to_rgb_array(jpeg_bytes(image, exif=exif.tobytes()))

    assert array.shape == (120, 60, 3)


def test_transparency_is_flattened_onto_white_and_grayscale_becomes_rgb():
    rgba = np.zeros((32, 32, 4), np.uint8)  # Fully transparent black.
    gray = np.full((32, 32), 77, np.uint8)

    assert (to_rgb_array(rgba) == 255).all()
    assert to_rgb_array(gray).shape == (32, 32, 3)
    assert (to_rgb_array(gray) == 77).all()


def test_large_images_are_scaled_down_once_keeping_their_aspect():
    array = to_rgb_array(np.zeros((3000, 6000, 3), np.uint8))

    assert array.shape == (MAX_SIDE // 2, MAX_SIDE, 3)


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_16_bit_grayscale_png_keeps_its_tones():
    ramp = (np.arange(64, dtype=np.uint16) * 1024)[None, :].repeat(32, axis=0)  # 0 .. 64512

    array = to_rgb_array(png_bytes(Image.fromarray(ramp)))

    assert array[0, 0].tolist() == [0, 0, 0]
    assert array[0, 32, 0] == round(32 * 1024 * 255 / 65535)
    assert array[0, 63, 0] == 251


def test_a_strip_too_narrow_once_scaled_is_refused_before_decoding():
    with pytest.raises(InvalidImageError, match="too narrow"):
        to_rgb_array(png_header_claiming(16, 2_000_000))


def test_a_48_megapixel_jpeg_is_scaled_down_not_refused():
    # A phone photo's size; JPEG decodes it at a reduced scale straight away.
    photo = Image.new("RGB", (8000, 6000), (90, 140, 200))

    array = to_rgb_array(jpeg_bytes(photo, quality=50))

    assert array.shape == (1536, MAX_SIDE, 3)
    assert abs(int(array[700, 1000, 2]) - 200) <= 3


def test_a_png_over_the_decoded_pixel_limit_is_still_refused():
    with pytest.raises(InvalidImageError, match="too large"):
        to_rgb_array(png_header_claiming(8000, 8000))
