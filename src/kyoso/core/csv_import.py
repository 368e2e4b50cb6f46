"""Reading a CSV a clerk uploaded: UTF-8 (with or without BOM) or Shift_JIS, as Excel saves it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kyoso.core.errors import DomainError

ENCODINGS = ("utf-8-sig", "cp932")  # cp932: Windows' Shift_JIS, what Japanese Excel writes


def text_of(data: bytes) -> str | None:
    """Return the text of an uploaded file in UTF-8 or Shift_JIS, or None if it is not text."""
    if b"\x00" not in data:
        for encoding in ENCODINGS:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    return None


def decode_csv(data: bytes, *, field: str = "file") -> str:
    """Return the text of an uploaded CSV, or raise DomainError on ``field`` if it is not text."""
    text = text_of(data)
    if text is None:
        raise DomainError(_("The file is not readable text (use UTF-8 or Shift_JIS)."), field=field)
    return text
