"""What a study may ask for: a fixed catalogue of variables of the evaluation's panel, never a name, an identity
number, a free text or a full date. The identifying ones (quasi-identifiers: school, grade, sex, age band, months)
are the ones the release checks for k-anonymity; every row also has its pseudonym and its group."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kring.insights.evaluation.models import ComparisonPupil, EvaluatedCase
from kring.insights.spreadsheet import safe_text

TSI, COMPARISON = "tsi", "comparison"


@dataclass(frozen=True)
class Subject:
    """One row of a data set: a child with a closed TSI case, or a pupil matched to one."""

    child_id: int
    case_child_id: int
    case: EvaluatedCase
    pupil: ComparisonPupil | None
    school: str

    @property
    def measured(self) -> EvaluatedCase | ComparisonPupil:
        return self.pupil if self.pupil is not None else self.case


def _month(value: object) -> str:
    return f"{value:%Y-%m}" if value is not None else ""


def _number(value: float | int | None) -> str:
    return "" if value is None else f"{value:.1f}" if isinstance(value, float) else str(value)


def _of_case(read: Callable[[EvaluatedCase], object]) -> Callable[[Subject], str]:
    """A value of the case itself: blank for a comparison pupil."""

    def value(subject: Subject) -> str:
        if subject.pupil is not None:
            return ""
        found = read(subject.case)
        if found is None:
            return ""
        return _number(found) if isinstance(found, float | int) and not isinstance(found, bool) else str(found)

    return value


@dataclass(frozen=True)
class Variable:
    key: str
    label: str | Promise
    identifying: bool
    value: Callable[[Subject], str]


CATALOGUE: tuple[Variable, ...] = (
    Variable("school", _("School"), True, lambda s: safe_text(s.school)),
    Variable("grade", _("Grade when the case was requested"), True, lambda s: s.case.grade),
    Variable("sex", _("Sex (as registered)"), True, lambda s: s.case.sex),
    Variable("age_band", _("Age band (children with a case)"), True, _of_case(lambda c: c.age_band)),
    Variable("requested_month", _("Month the case was requested"), True, lambda s: _month(s.case.requested_month)),
    Variable("closed_month", _("Month the case was closed"), True, lambda s: _month(s.case.closed_month)),
    Variable("closure_reason", _("Reason for closing"), False, _of_case(lambda c: c.closure_reason)),
    Variable("attendance_before", _("Attendance before (%)"), False, lambda s: _number(s.measured.before)),
    Variable("attendance_during", _("Attendance during (%)"), False, lambda s: _number(s.measured.during)),
    Variable("attendance_after", _("Attendance after (%)"), False, lambda s: _number(s.measured.after)),
    Variable("conflicts_start", _("Conflicts at home, start (1-5)"), False, _of_case(lambda c: c.conflicts_start)),
    Variable("conflicts_end", _("Conflicts at home, end (1-5)"), False, _of_case(lambda c: c.conflicts_end)),
    Variable("listened_start", _("Listened to, start (1-5)"), False, _of_case(lambda c: c.listened_start)),
    Variable("listened_end", _("Listened to, end (1-5)"), False, _of_case(lambda c: c.listened_end)),
    Variable("in_order", _("Every step of the method in order"), False, _of_case(lambda c: int(c.in_order))),
    Variable("days_to_network", _("Days from request to network meeting"), False,
             _of_case(lambda c: c.days_to_network)),
    Variable("follow_ups", _("Follow-ups due, and done on time"), False,
             _of_case(lambda c: f"{c.follow_ups_on_time}/{c.follow_ups_due}")),
)  # fmt: skip
BY_KEY = {variable.key: variable for variable in CATALOGUE}


def pseudonym(key: bytes, child_id: int) -> str:
    """The child's pseudonym in one study: a keyed hash (HMAC-SHA256) of the child under the study's key, so that
    another study's key gives another pseudonym, and without the key nobody can tell whose it is."""
    return hmac.new(key, f"child:{child_id}".encode(), hashlib.sha256).hexdigest()[:20]


def row_of(subject: Subject, key: bytes, variables: list[Variable]) -> dict[str, str]:
    row = {
        "pseudonym": pseudonym(key, subject.child_id),
        "group": COMPARISON if subject.pupil is not None else TSI,
        "matched_to": pseudonym(key, subject.case_child_id) if subject.pupil is not None else "",
    }
    return row | {variable.key: variable.value(subject) for variable in variables}
