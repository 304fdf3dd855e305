"""The case's coded values in plain words for a family, in the family's catalogue (so in all ten languages): who
takes part in a meeting, whose story, which parties share what."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kring.access.roles import Category, Origin
from kring.casework.models import MeetingKind, ParticipantRole, Teller

ROLES: dict[str, Promise] = {
    ParticipantRole.GUARDIAN: _("parent or guardian"),
    ParticipantRole.CHILD: _("the child"),
    ParticipantRole.TRUSTED_ADULT: _("an adult at school the child trusts"),
    ParticipantRole.SCHOOL_STAFF: _("school staff"),
    ParticipantRole.TEAM: _("the TSI team"),
    ParticipantRole.OTHER: _("other"),
}
MEETINGS: dict[str, Promise] = {
    MeetingKind.INFORMATION: _("Meeting to tell you about the work"),
    MeetingKind.NETWORK: _("Network meeting"),
    MeetingKind.FOLLOW_UP: _("Follow-up meeting"),
}
TELLERS: dict[str, Promise] = {
    Teller.GUARDIANS: _("What you as parents told"),
    Teller.SCHOOL: _("What the school told"),
    Teller.CHILD: _("What the child told"),
}
PARTIES: dict[str, Promise] = {
    Origin.SCHOOL: _("the school"),
    Origin.STUDENT_HEALTH: _("the school's health team (nurse, counsellor, psychologist)"),
    Origin.SOCIAL_SERVICES: _("social services"),
    Origin.POLICE: _("the police"),
    Origin.HEALTH_CARE: _("health care"),
    Origin.JOINT_TEAM: _("the TSI team"),
}
CATEGORIES: dict[str, Promise] = {
    Category.IDENTITY: _("name and contact details"),
    Category.GUARDIANS: _("who the parents are"),
    Category.PLACEMENT: _("school and class"),
    Category.ATTENDANCE: _("attendance at school"),
    Category.NEEDS: _("what the child needs"),
    Category.PLAN: _("the plan"),
    Category.REQUEST: _("why the school asked for help"),
    Category.CONSENT: _("your consent"),
    Category.STORY: _("what was told"),
    Category.INTERVENTION: _("the support given"),
    Category.MEETING: _("meetings"),
    Category.OUTCOME: _("how things are going"),
    Category.CASE_NOTE: _("notes about the work"),
}


def word(table: dict[str, Promise], value: str) -> str:
    label = table.get(value)
    return str(label) if label is not None else str(_("other information"))


def consent_lines(consent: object, direction: str) -> list[tuple[str, list[str]]]:
    """Each party and what it may share, in one direction, in plain words (reads the prefetched scopes)."""
    by_party: dict[str, set[str]] = {}
    for scope in consent.scopes.all():  # type: ignore[attr-defined]
        if scope.direction == direction:
            by_party.setdefault(word(PARTIES, scope.party), set()).add(word(CATEGORIES, scope.category))
    return [(party, sorted(categories)) for party, categories in sorted(by_party.items())]


def request_lines(parties: list[str], categories: list[str]) -> list[tuple[str, list[str]]]:
    """A consent request's parties, each with the same categories, in plain words."""
    what = sorted({word(CATEGORIES, category) for category in categories})
    return [(party, what) for party in sorted({word(PARTIES, party) for party in parties})] if what else []
