"""The family pages in ten languages: each catalogue complete (nothing untranslated, nothing fuzzy, every
placeholder kept), compiled as written, and holding every text the family pages use."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest
from django.utils.translation import to_locale
from django.utils.translation.template import templatize

from kring.people.languages import FAMILY_LANGUAGE_CODES

ROOT = Path(__file__).resolve().parents[2]
FAMILY = ROOT / "kring" / "family"
STAFF_ONLY = ("staff", "management", "migrations", "locale")
PLACEHOLDER = re.compile(r"%\(\w+\)s")
TEMPLATE_TEXT = re.compile(r"\bgettext\(u'((?:\\.|[^'\\])*)'\)")
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy"}


def _catalogue(code: str) -> polib.POFile:
    return polib.pofile(str(FAMILY / "locale" / to_locale(code) / "LC_MESSAGES" / "django.po"))


def _family_files(pattern: str) -> list[Path]:
    return [path for path in FAMILY.rglob(pattern) if not set(path.relative_to(FAMILY).parts) & set(STAFF_ONLY)]


def _texts_of_the_family_pages() -> set[str]:
    texts: set[str] = set()
    for path in _family_files("*.html"):
        for found in TEMPLATE_TEXT.findall(templatize(path.read_text(), origin=str(path))):
            texts.add(ast.literal_eval(f"'{found}'"))
    for path in _family_files("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT_NAMES
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                texts.add(node.args[0].value)
    return texts


def test_the_family_pages_have_texts_to_translate() -> None:
    assert len(_texts_of_the_family_pages()) > 150


@pytest.mark.parametrize("code", FAMILY_LANGUAGE_CODES)
def test_the_catalogue_is_complete(code: str) -> None:
    catalogue = _catalogue(code)
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert (untranslated, fuzzy) == ([], [])
    changed = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(entry.msgstr))
    ]
    assert changed == []
    missing = _texts_of_the_family_pages() - {entry.msgid for entry in catalogue if not entry.obsolete}
    assert missing == set()


@pytest.mark.parametrize("code", FAMILY_LANGUAGE_CODES)
def test_the_compiled_catalogue_is_the_written_one(code: str) -> None:
    written = {entry.msgid: entry.msgstr for entry in _catalogue(code).translated_entries()}
    compiled_path = FAMILY / "locale" / to_locale(code) / "LC_MESSAGES" / "django.mo"
    compiled = {entry.msgid: entry.msgstr for entry in polib.mofile(str(compiled_path)) if entry.msgid}
    assert compiled == written, "run: bash tools/messages.sh --compile-only"
