from __future__ import annotations

import io

import pytest
from PIL import Image

from kyoso.core.file_checks import FileCheckError, check_csv, check_photo


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "teal")
    exif = Image.Exif()
    exif[0x8825] = {2: (36, 35, 0)}  # GPSInfo: latitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_photo_is_reencoded_without_location_metadata():
    data = _jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get(0x8825)
    checked = check_photo(data)
    assert checked.content_type == "image/jpeg"
    assert not Image.open(io.BytesIO(checked.content)).getexif().get(0x8825)


def test_a_file_named_like_a_photo_but_not_one_is_refused():
    with pytest.raises(FileCheckError):
        check_photo(b"<?php echo 'hi'; ?>")


def test_shift_jis_csv_from_a_japanese_spreadsheet_becomes_utf8():
    checked = check_csv("指標,年,値\nCO2,2024,1200\n".encode("cp932"))
    assert checked.content.decode("utf-8").startswith("指標")


def test_binary_is_not_a_csv():
    with pytest.raises(FileCheckError):
        check_csv(b"\x00\x01\x02")
