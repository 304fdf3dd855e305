"""Why Kring holds each category of a person's data: the purposes a register extract states (GDPR art. 15.1 a)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kring.access.roles import Category

_CARE = _("To give the child early, coordinated support between school, student health and social services.")
_SCHOOL = _("The school's duty to give every pupil the education, support and safety the Education Act requires.")

PURPOSES: dict[str, Promise] = {
    Category.IDENTITY: _("To know which child the information is about (the municipality's register of pupils)."),
    Category.GUARDIANS: _("To know who has custody of the child, and to reach and involve them."),
    Category.PLACEMENT: _("To know the child's school and class, and so who works with the child."),
    Category.ATTENDANCE: _SCHOOL,
    Category.CONCERN: _("To act early when the school is worried about a pupil."),
    Category.CONSULTATION: _("To ask social services for advice without naming the child."),
    Category.REPORT: _("The duty to report to social services when a child may be at risk."),
    Category.CASE_NOTE: _CARE,
    Category.NEEDS: _CARE,
    Category.PLAN: _CARE,
    Category.REQUEST: _CARE,
    Category.CONSENT: _(
        "To record the consent that lets the school, student health and social services work together."
    ),
    Category.STORY: _CARE,
    Category.INTERVENTION: _CARE,
    Category.MEETING: _CARE,
    Category.OUTCOME: _("To follow whether the support helps, measured in the same way over time."),
    Category.ASSESSMENT: _("Social services' assessment of a report of concern, as the Social Services Act requires."),
    Category.FEEDBACK: _("To tell the reporter that the report was received, as the Social Services Act requires."),
    Category.ABSENCE_INVESTIGATION: _("The school's duty to investigate a pupil's repeated absence."),
    Category.SAFE_ADULT: _("To make sure every pupil has a safe adult at school."),
    Category.WELLBEING: _("To notice early when a pupil is not doing well (the class review)."),
    Category.PROGRAMME: _("The school's prevention programmes (pupil mentors)."),
    Category.GROUP_DISCUSSION: _("The municipality's collaboration groups, with the consent given for the child."),
    "account": _("To let the member of staff log in, and to decide what they may see (roles in units)."),
}


def purpose_of(category: str) -> str:
    return str(PURPOSES.get(category, _CARE))
