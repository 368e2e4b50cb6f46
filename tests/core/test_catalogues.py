"""Every app's Japanese catalogue is complete: no empty and no fuzzy translation.

A fuzzy or empty msgstr is silently shown in English to a Japanese citizen, so it fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

SRC = Path(__file__).resolve().parents[2] / "src" / "kyoso"
APPS = sorted(p.parent.name for p in SRC.glob("*/apps.py"))


def _entries(po: Path) -> list[dict]:
    """The entries of a .po file: msgid, msgstr values and flags (the header left out)."""
    entries: list[dict] = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": "", "msgid": None, "msgstr": []}
        field = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#"):
                continue
            elif line.startswith("msgid "):
                entry["msgid"], field = ast.literal_eval(line[6:]), "msgid"
            elif line.startswith("msgid_plural "):
                field = "plural"
            elif line.startswith("msgstr"):
                entry["msgstr"].append(ast.literal_eval(line.split(" ", 1)[1]))
                field = "msgstr"
            elif line.startswith('"') and field == "msgid":
                entry["msgid"] += ast.literal_eval(line)
            elif line.startswith('"') and field == "msgstr":
                entry["msgstr"][-1] += ast.literal_eval(line)
        if entry["msgid"]:
            entries.append(entry)
    return entries


@pytest.mark.parametrize("app", APPS)
def test_every_app_with_pages_has_a_japanese_catalogue(app):
    if not (SRC / app / "templates").exists():
        pytest.skip(f"{app} has no pages")
    assert (SRC / app / "locale" / "ja" / "LC_MESSAGES" / "django.po").exists()
    assert (SRC / app / "locale" / "ja" / "LC_MESSAGES" / "django.mo").exists()


@pytest.mark.parametrize("app", APPS)
def test_every_msgid_has_a_japanese_translation_that_is_not_fuzzy(app):
    po = SRC / app / "locale" / "ja" / "LC_MESSAGES" / "django.po"
    if not po.exists():
        pytest.skip(f"{app} has no catalogue")
    entries = _entries(po)
    assert entries
    # Japanese has one plural form; a msgstr[1] left over from an English template is never used.
    plural_forms = int(re.search(r"nplurals=(\d+)", po.read_text(encoding="utf-8")).group(1))
    empty = [e["msgid"] for e in entries if not all(s.strip() for s in e["msgstr"][:plural_forms])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not empty, f"{app}: untranslated {empty[:5]}"
    assert not fuzzy, f"{app}: fuzzy {fuzzy[:5]}"


def test_the_parser_sees_an_untranslated_and_a_fuzzy_entry(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr "Language: ja\\n"\n\n'
        'msgid "Save"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Cancel"\nmsgstr "取り消す"\n\n'
        'msgid "%(n)s entry"\nmsgid_plural "%(n)s entries"\nmsgstr[0] ""\n',
        encoding="utf-8",
    )
    entries = {e["msgid"]: e for e in _entries(po)}
    assert entries["Save"]["msgstr"] == [""]
    assert "fuzzy" in entries["Cancel"]["flags"]
    assert entries["%(n)s entry"]["msgstr"] == [""]


def test_health_pages_speak_japanese():
    with translation.override("ja"):
        assert translation.gettext("My health record") == "わたしの健康記録"
        assert translation.gettext("Who looked at your record") == "あなたの記録を見た人"
