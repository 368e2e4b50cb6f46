"""Checks on uploaded bytes: the real type (not the name's), the size, and safe photo re-encoding."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError

from kyoso.core.csv_import import text_of

PHOTO_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
MAX_PHOTO_PIXELS = 40_000_000


class FileCheckError(ValueError):
    pass


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    extension: str


def check_photo(data: bytes) -> CheckedFile:
    """Return the photo re-encoded from its pixels alone, or raise FileCheckError.

    Only the pixels are kept: EXIF (GPS, camera), XMP, ICC profiles, JPEG comments and PNG text
    chunks a citizen may not know their phone or editor wrote are all dropped.
    """
    kind = filetype.guess(data)
    if kind is None or kind.mime not in PHOTO_TYPES:
        raise FileCheckError("Only JPEG, PNG or WebP photos are accepted.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PHOTO_PIXELS:
                raise FileCheckError("The photo has too many pixels.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            turned = ImageOps.exif_transpose(opened)
            mode = "RGB" if kind.mime == "image/jpeg" else _pixel_mode(turned)
            pixels = turned.convert(mode)
            # A new image from raw pixels has no info dict for Pillow's encoders to copy back.
            clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
            out = io.BytesIO()
            if kind.mime == "image/jpeg":
                clean.save(out, "JPEG", quality=88, optimize=True)
            else:
                clean.save(out, kind.extension.upper())
    except FileCheckError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise FileCheckError("The photo could not be read.") from exc
    return CheckedFile(out.getvalue(), kind.mime, PHOTO_TYPES[kind.mime])


def _pixel_mode(image: Image.Image) -> str:
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
    return "RGBA" if has_alpha else "RGB"


def check_csv(data: bytes) -> CheckedFile:
    """Return the CSV as UTF-8 (Shift_JIS from Japanese spreadsheets is converted)."""
    text = text_of(data)
    if text is None:
        raise FileCheckError("The CSV must be UTF-8 or Shift_JIS text.")
    try:
        rows = list(csv.reader(io.StringIO(text[:65536])))
    except csv.Error as exc:
        raise FileCheckError(f"The CSV could not be read: {exc}") from exc
    if not rows or not any(rows[0]):
        raise FileCheckError("The CSV has no header row.")
    return CheckedFile(text.encode("utf-8"), "text/csv", ".csv")


def check_pdf(data: bytes) -> CheckedFile:
    if not data.startswith(b"%PDF-"):
        raise FileCheckError("Only PDF documents are accepted.")
    return CheckedFile(data, "application/pdf", ".pdf")


def check_zip(data: bytes) -> CheckedFile:
    if not data.startswith(b"PK\x03\x04"):
        raise FileCheckError("Only ZIP archives are accepted.")
    return CheckedFile(data, "application/zip", ".zip")


CHECKS = {"photo": check_photo, "csv": check_csv, "document": check_pdf, "archive": check_zip}
