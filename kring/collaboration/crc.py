"""The 54 articles of the UN Convention on the Rights of the Child (Swedish law since 1 January 2020, lag
2018:1197), with their short titles in Swedish and English: the data a child impact assessment chooses from.
Articles 1–42 hold the rights; 43–54 how the Convention is run. DOMAIN.md: an assessment always weighs articles 2,
3, 6 and 12 (the general principles)."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

GENERAL_PRINCIPLES = (2, 3, 6, 12)

# number: (Swedish short title, English short title)
ARTICLES: dict[int, tuple[str, str]] = {
    1: ("Definition av barn", "Definition of the child"),
    2: ("Icke-diskriminering", "Non-discrimination"),
    3: ("Barnets bästa", "Best interests of the child"),
    4: ("Genomförande av rättigheterna", "Implementation of the rights"),
    5: ("Föräldrarnas vägledning", "Parental guidance"),
    6: ("Rätt till liv, överlevnad och utveckling", "Life, survival and development"),
    7: ("Namn och medborgarskap", "Birth registration, name and nationality"),
    8: ("Rätt till identitet", "Preservation of identity"),
    9: ("Åtskillnad från föräldrar", "Separation from parents"),
    10: ("Familjeåterförening", "Family reunification"),
    11: ("Olovligt bortförande", "Illicit transfer and non-return"),
    12: ("Rätt att uttrycka sina åsikter och bli hörd", "Respect for the views of the child"),
    13: ("Yttrandefrihet", "Freedom of expression"),
    14: ("Tanke-, samvets- och religionsfrihet", "Freedom of thought, conscience and religion"),
    15: ("Förenings- och mötesfrihet", "Freedom of association and peaceful assembly"),
    16: ("Rätt till privatliv", "Right to privacy"),
    17: ("Tillgång till information", "Access to information"),
    18: ("Föräldrarnas gemensamma ansvar", "Parents' joint responsibilities"),
    19: ("Skydd mot våld, övergrepp och försummelse", "Protection from violence, abuse and neglect"),
    20: ("Barn som inte kan bo med sin familj", "Children deprived of a family environment"),
    21: ("Adoption", "Adoption"),
    22: ("Barn som söker skydd", "Refugee children"),
    23: ("Barn med funktionsnedsättning", "Children with disabilities"),
    24: ("Hälsa och hälso- och sjukvård", "Health and health services"),
    25: ("Översyn av placering", "Review of treatment in care"),
    26: ("Social trygghet", "Social security"),
    27: ("Skälig levnadsstandard", "Adequate standard of living"),
    28: ("Rätt till utbildning", "Right to education"),
    29: ("Utbildningens mål", "Goals of education"),
    30: ("Barn som tillhör minoriteter och urfolk", "Children of minorities and indigenous peoples"),
    31: ("Lek, vila och fritid", "Leisure, play and culture"),
    32: ("Skydd mot ekonomisk exploatering", "Protection from economic exploitation"),
    33: ("Skydd mot narkotika", "Protection from drugs"),
    34: ("Skydd mot sexuell exploatering", "Protection from sexual exploitation"),
    35: ("Skydd mot bortförande och handel", "Protection from abduction, sale and trafficking"),
    36: ("Skydd mot andra former av utnyttjande", "Protection from other forms of exploitation"),
    37: ("Skydd mot tortyr och frihetsberövande", "Protection from torture and deprivation of liberty"),
    38: ("Barn i väpnade konflikter", "Children in armed conflict"),
    39: ("Rehabilitering och återanpassning", "Recovery and reintegration"),
    40: ("Barn i rättsprocesser", "Juvenile justice"),
    41: ("Mer långtgående bestämmelser gäller", "Respect for higher national standards"),
    42: ("Spridning av konventionen", "Knowledge of rights"),
    43: ("Barnrättskommittén", "The Committee on the Rights of the Child"),
    44: ("Staternas rapporter", "Reports by States parties"),
    45: ("Samarbete med FN-organ", "Cooperation with United Nations bodies"),
    46: ("Undertecknande", "Signature"),
    47: ("Ratifikation", "Ratification"),
    48: ("Anslutning", "Accession"),
    49: ("Ikraftträdande", "Entry into force"),
    50: ("Ändringar", "Amendments"),
    51: ("Reservationer", "Reservations"),
    52: ("Uppsägning", "Denunciation"),
    53: ("Depositarie", "Depositary"),
    54: ("Giltiga texter", "Authentic texts"),
}


def title(number: int) -> str:
    """The article's short title in the current language (Swedish, else English)."""
    swedish, english = ARTICLES[number]
    return swedish if (get_language() or "sv").startswith("sv") else english


def label(number: int) -> str:
    return str(_("Article %(number)s: %(title)s") % {"number": number, "title": title(number)})


def choices() -> list[tuple[int, str]]:
    return [(number, label(number)) for number in ARTICLES]
