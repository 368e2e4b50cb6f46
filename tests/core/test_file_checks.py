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


def _jpeg_segments(data: bytes) -> list[int]:
    """Return the marker bytes of a JPEG's segments before the image data."""
    markers, i = [], 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: the rest is image data
            break
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return markers


def _jpeg_with_every_metadata() -> bytes:
    image = Image.new("RGB", (40, 30), "teal")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(out, "JPEG", exif=exif, comment=b"home: Kawarago 3-1", icc_profile=icc, xmp=xmp)
    return out.getvalue()


def test_every_jpeg_metadata_segment_is_stripped():
    data = _jpeg_with_every_metadata()
    before = _jpeg_segments(data)
    assert 0xFE in before and 0xE1 in before and 0xE2 in before  # COM, APP1 (EXIF/XMP), APP2 (ICC)
    cleaned = check_photo(data).content
    after = _jpeg_segments(cleaned)
    assert not any(m == 0xFE or 0xE1 <= m <= 0xEF for m in after), [hex(m) for m in after]
    assert b"Kawarago" not in cleaned and b"PhoneMaker" not in cleaned and b"xmpmeta" not in cleaned


def test_png_text_and_profile_chunks_are_stripped():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home: Kawarago 3-1")
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(out, "PNG", pnginfo=info, icc_profile=b"x" * 64)
    cleaned = check_photo(out.getvalue()).content
    assert b"Kawarago" not in cleaned
    assert b"tEXt" not in cleaned and b"iCCP" not in cleaned and b"eXIf" not in cleaned
    assert Image.open(io.BytesIO(cleaned)).mode == "RGBA"
