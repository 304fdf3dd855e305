"""What a family downloads: the plan as a PDF with its fixed texts in their language, and a meeting as an iCalendar
event (RFC 5545). Both are made from the family's view of the case only (kring.family.queries), so nothing secret
towards the guardians can reach them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kring.casework.models import Meeting
from kring.casework.tsi.documents import plan_actions, plan_goals
from kring.family.queries import FamilyCase
from kring.family.words import ROLES, word
from kring.pdf import render_pdf
from kring.people.languages import family_language

MEETING_LENGTH = timedelta(minutes=90)


def plan_pdf(view: FamilyCase) -> bytes:
    """The plan in force, in the current language (the caller activates the family's)."""
    assert view.plan is not None
    context = {
        "view": view,
        "plan": view.plan,
        "goals": plan_goals(view.plan),
        "actions": plan_actions(view.plan),
        "family_language": family_language(get_language() or "sv"),
        "printed_on": timezone.localdate(),
    }
    return render_pdf("family/plan_pdf.html", context)


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets, continued with a leading space (RFC 5545 §3.1)."""
    parts: list[str] = []
    current = ""
    for char in line:
        if len((current + char).encode()) > (75 if not parts else 74):
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return [parts[0]] + [" " + part for part in parts[1:]]


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_ics(view: FamilyCase, meeting: Meeting, host: str) -> str:
    """One meeting: when, where and who comes; no notes, no stories."""
    who = ", ".join(f"{p.name} ({word(ROLES, p.role)})" for p in meeting.participants.all() if p.invited)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Kring//Family pages//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:kring-meeting-{meeting.pk}@{host.split(':')[0] or 'kring'}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.starts_at + MEETING_LENGTH)}",
        "SUMMARY:" + _escape(_("Meeting about %(child)s") % {"child": view.case.child.first_name}),
        "LOCATION:" + _escape(_("the team tells you where") if view.place_hidden else meeting.place),
        "DESCRIPTION:" + _escape(_("Who comes: %(names)s") % {"names": who} if who else ""),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(folded + "\r\n" for line in lines for folded in _fold(line))
