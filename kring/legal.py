"""Every legal reference Kring cites, in one table: a change in the law is a change of one line here.

The Socialtjänstlag (2025:400) replaced SoL (2001:453) on 1 July 2025 and renumbered it. Where the new number has
been checked against the statute text, Kring cites it, with the former number that staff still know beside it;
where it has not (`current` empty), Kring cites the former number and says that the new act carries the rule on.
Bases (`kring.access.policy.Basis.legal_reference`), forms' help texts and the documentation read this table; a
test keeps code from spelling a reference out anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NEW_SOL = "SoL (2025:400)"
OLD_SOL = "SoL (2001:453)"


@dataclass(frozen=True)
class LegalReference:
    """One provision: what it is about, how it is cited under the law in force, and its former citation."""

    title: Any  # a lazily translated title
    current: str  # as cited under the law in force, e.g. "SoL (2025:400) 20 kap 2 §" ("" when not yet checked)
    former: str = ""  # the citation it replaced, e.g. "SoL (2001:453) 11 kap 1 a §"

    def cite(self) -> str:
        """The citation a page shows."""
        if self.current and self.former:
            return _("%(current)s (formerly %(former)s)") % {"current": self.current, "former": self.former}
        if self.current:
            return self.current
        return _("%(former)s (carried on by %(new)s)") % {"former": self.former, "new": NEW_SOL}


REFERENCES: dict[str, LegalReference] = {
    # social services law: renumbered by SoL (2025:400); only 20 kap 2 § has been checked (DOMAIN.md)
    "report_duty": LegalReference(gettext_lazy("The duty to report a child at risk"), "", f"{OLD_SOL} 14 kap 1 §"),
    "report_feedback": LegalReference(gettext_lazy("Feedback to the reporter"), "", f"{OLD_SOL} 14 kap 1 b §"),
    "protection_assessment": LegalReference(
        gettext_lazy("Protection assessment at once"), "", f"{OLD_SOL} 11 kap 1 a §"
    ),
    "initial_assessment": LegalReference(
        gettext_lazy("Initial assessment within 14 days, longer only for exceptional reasons"),
        f"{NEW_SOL} 20 kap 2 §",
        f"{OLD_SOL} 11 kap 1 a §",
    ),
    "investigation": LegalReference(
        gettext_lazy("An investigation finished within four months"), "", f"{OLD_SOL} 11 kap 2 §"
    ),
    "coordinated_plan": LegalReference(gettext_lazy("Coordinated individual plan (SIP)"), "", f"{OLD_SOL} 2 kap 7 §"),
    # secrecy, custody, school
    "report_disclosure": LegalReference(gettext_lazy("The report travels on the duty to report"), "OSL 10 kap 28 §"),
    "consent": LegalReference(gettext_lazy("Secrecy lifted by consent"), "OSL 12 kap 1–2 §"),
    "secrecy_towards_guardians": LegalReference(gettext_lazy("Secrecy towards the guardians"), "OSL 12 kap 3 §"),
    "student_health_secrecy": LegalReference(gettext_lazy("Secrecy in student health"), "OSL 23 kap 2 §"),
    "social_services_secrecy": LegalReference(gettext_lazy("Secrecy in social services"), "OSL 26 kap 1 §"),
    "crime_prevention_disclosure": LegalReference(
        gettext_lazy("Social services may tell the police what helps prevent crime by a person under 21"),
        "OSL 10 kap 18 a §",
    ),
    "protected_identity": LegalReference(gettext_lazy("Protected personal data"), "OSL 21 kap 3 §"),
    "joint_custody": LegalReference(gettext_lazy("Guardians with joint custody decide together"), "FB 6 kap 13 §"),
    "register_extract": LegalReference(
        gettext_lazy("The right of access to one's personal data (register extract)"), "GDPR art. 15"
    ),
    "rectification": LegalReference(
        gettext_lazy("The right to have inaccurate personal data corrected"), "GDPR art. 16"
    ),
    "extract_time_limit": LegalReference(gettext_lazy("A request answered within one month"), "GDPR art. 12.3"),
    "reporter_identity": LegalReference(
        gettext_lazy("Secrecy for who reported or gave information about a child"), "OSL 26 kap 5 §"
    ),
    "others_privacy": LegalReference(
        gettext_lazy("Another person's rights and freedoms limit the extract"), "GDPR art. 15.4"
    ),
    # records law: the municipality keeps its public records and hands them to its archive authority
    "archives": LegalReference(
        gettext_lazy("Public records are kept, cleared or handed to the archive authority"), "Arkivlagen (1990:782)"
    ),
    "absence_investigation": LegalReference(
        gettext_lazy("Investigation of a pupil's repeated absence"), "Skollagen (2010:800) 7 kap 19 a §"
    ),
}


def cite(key: str) -> str:
    """The citation of a provision, as the law in force numbers it (KeyError for an unknown key)."""
    return REFERENCES[key].cite()


def cite_all(*keys: str) -> str:
    return ", ".join(cite(key) for key in keys)
