"""The family's audit events named for log review (staff read them: the staff's catalogue)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TARGET_LABELS: dict[str, Promise] = {
    "family_account": _("Family account (e-ID)"),
    "family_login": _("Family login (e-ID)"),
    "family_children": _("Family page: my children"),
    "family_case": _("Family page: the case"),
    "family_plan_pdf": _("Family page: the plan (PDF)"),
    "family_meeting_ics": _("Family page: a meeting (calendar)"),
    "family_letter": _("Family page: the letter"),
    "family_letter_pdf": _("The family's letter (PDF)"),
    "family_withdraw": _("Family page: withdraw consent"),
    "family_consent_answer": _("Family page: answer the consent request"),
    "family_voice": _("Family page: the child's voice"),
    "family_withdrawal_notice": _("Notice of a withdrawn consent to a guardian"),
    "guardian_access_block": _("A guardian's access to the family pages (access)"),
}
