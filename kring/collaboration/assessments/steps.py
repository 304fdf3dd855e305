"""Barnombudsmannen's steps of a child impact assessment, and which of them a version has done: the checklist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from kring.collaboration import crc
from kring.collaboration.models import AssessmentVersion, Effect, Term


@dataclass(frozen=True)
class Step:
    key: str
    label: Any
    done: bool


def _filled(*values: object) -> bool:
    return all(value not in (None, "", []) and (not isinstance(value, str) or value.strip()) for value in values)


def steps(version: AssessmentVersion) -> list[Step]:
    v = version
    return [
        Step("matter", _("The matter and the decision to be made"), _filled(v.matter, v.decision_to_make)),
        Step("children", _("The children affected, and those in vulnerable situations"),
             _filled(v.children_affected, v.vulnerable_children)),
        Step("views", _("The children's views: how, how many, in their words"),
             _filled(v.views_method, v.views_count, v.views_summary)),
        Step("guardians", _("The guardians' views"), _filled(v.guardians_views)),
        Step("articles", _("The articles of the Convention, the general principles (2, 3, 6, 12) among them"),
             set(crc.GENERAL_PRINCIPLES) <= set(v.articles)),
        Step("options", _("At least two options"), len(v.options) >= 2),  # noqa: PLR2004
        Step("consequences", _("The consequences of each option for each article"), consequences_complete(v)),
        Step("weighing", _("The weighing, the child's best interests first, and why it departs from the children's "
                           "views where it does"),
             _filled(v.weighing) and (not v.departs_from_views or _filled(v.departure_reasons))),
        Step("measures", _("Compensating measures"), _filled(v.compensating_measures)),
        Step("decision", _("The decision"), _filled(v.decision, v.decided_on)),
        Step("feedback", _("How and when the children are told the outcome"), _filled(v.feedback_how, v.feedback_on)),
        Step("follow_up", _("The follow-up date"), _filled(v.follow_up_on)),
    ]  # fmt: skip


def consequences_complete(version: AssessmentVersion) -> bool:
    given = {(c["option"], c["article"]) for c in version.consequences if c.get("effect")}
    wanted = {(index, article) for index in range(len(version.options)) for article in version.articles}
    return bool(wanted) and wanted <= given


@dataclass(frozen=True)
class ConsequenceCell:
    effect: str
    effect_label: str
    term_label: str
    note: str


def matrix(version: AssessmentVersion) -> list[tuple[int, str, list[ConsequenceCell | None]]]:
    """Per article, one cell per option (None where nothing is assessed yet)."""
    cells = {(c["option"], c["article"]): c for c in version.consequences}
    rows = []
    for article in version.articles:
        row: list[ConsequenceCell | None] = []
        for index in range(len(version.options)):
            found = cells.get((index, article))
            if found and found.get("effect") in Effect.values:
                term = str(Term(found["term"]).label) if found.get("term") in Term.values else ""
                row.append(ConsequenceCell(found["effect"], str(Effect(found["effect"]).label), term,
                                           found.get("note", "")))  # fmt: skip
            else:
                row.append(None)
        rows.append((article, crc.label(article), row))
    return rows
