"""The languages a family meets Kring in: the guardians' and the child's pages, the information letter and the plan
they download. Swedish first; then the languages most families who are new in Sweden read, Arabic, Persian (Dari)
and Kurdish (Sorani) written right to left."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FamilyLanguage:
    code: str  # a Django language code; its catalogue is kring/family/locale/<locale>/
    name: str  # the language's own name for itself, as a family looks for it
    right_to_left: bool = False


FAMILY_LANGUAGES = (
    FamilyLanguage("sv", "Svenska"),
    FamilyLanguage("en", "English"),
    FamilyLanguage("ar", "العربية", right_to_left=True),
    FamilyLanguage("so", "Soomaali"),
    FamilyLanguage("fi", "Suomi"),
    FamilyLanguage("fa-af", "دری", right_to_left=True),
    FamilyLanguage("ckb", "کوردیی ناوەندی", right_to_left=True),
    FamilyLanguage("ti", "ትግርኛ"),
    FamilyLanguage("uk", "Українська"),
    FamilyLanguage("pl", "Polski"),
)
FAMILY_LANGUAGE_CODES = tuple(language.code for language in FAMILY_LANGUAGES)
FAMILY_LANGUAGE_CHOICES = [(language.code, language.name) for language in FAMILY_LANGUAGES]


def family_language(code: str) -> FamilyLanguage:
    """The family language with this code; Swedish for a code Kring has no catalogue for."""
    for language in FAMILY_LANGUAGES:
        if language.code == code:
            return language
    return FAMILY_LANGUAGES[0]
