"""Printable documents of a TSI case: the joint plan (each agreed version) and the information letter to the
guardians, as HTML and as PDF (WeasyPrint).

Access is decided here, through the access policy: the plan needs a basis covering the joint team's plan
(`Origin.JOINT_TEAM` / `Category.PLAN`); the letter is for the members of the case's team. A PDF never contains the
child's address, and for a child with protected identity not the school either. Every export is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import Basis, basis_among, visible_to
from kring.access.roles import Category, Origin
from kring.casework.models import Consent, ConsentDirection, OutcomeMeasure, Participant, PlanVersion, TsiCase
from kring.casework.tsi.actions import plan_on
from kring.casework.tsi.basis import active_consent
from kring.casework.tsi.charts import outcome_chart_svg
from kring.casework.tsi.outcome_sources import imported_attendance
from kring.casework.tsi.queries import get_case_for_user
from kring.directory.models import User
from kring.pdf import render_pdf


def record_export(
    *, by: User, case: TsiCase, basis: Basis | None, target_type: str, target_id: object, **details: Any
) -> None:
    record_event(
        actor=by,
        action=AuditAction.EXPORT,
        target_type=target_type,
        target_id=target_id,
        child_id=case.child_id,
        basis=basis,
        details={"case": case.pk, **details},
    )


def record_read(*, by: User, case: TsiCase, basis: Basis | None, target_type: str, **details: Any) -> None:
    record_event(
        actor=by,
        action=AuditAction.READ,
        target_type=target_type,
        target_id=case.pk,
        child_id=case.child_id,
        basis=basis,
        details={"case": case.pk, **details},
    )


# --- the joint plan ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseAccess:
    """A case the user may see, with the basis that covers the part asked for and all the user's bases."""

    case: TsiCase
    basis: Basis
    bases: list[Basis]


def case_part_for_user(user: User, pk: int, category: str) -> CaseAccess:
    """The case, if the user has a basis covering the joint team's information of this category; else 404."""
    case, bases = get_case_for_user(user, pk)
    basis = basis_among(bases, Origin.JOINT_TEAM, category)
    if basis is None:
        raise Http404
    return CaseAccess(case, basis, bases)


def plan_versions_for_user(user: User, access: CaseAccess) -> list[PlanVersion]:
    """Every agreed version of the plan, newest first."""
    versions = visible_to(user, PlanVersion.objects.filter(case=access.case)).order_by("-number")
    return list(versions.select_related("meeting"))


def plan_version_for_user(user: User, access: CaseAccess, number: int) -> PlanVersion:
    version = visible_to(user, PlanVersion.objects.filter(case=access.case, number=number)).first()
    if version is None:
        raise Http404
    return version


@dataclass(frozen=True)
class Goal:
    text: str
    child_words: str


@dataclass(frozen=True)
class PlanAction:
    text: str
    responsible: str
    due: date | None
    due_text: str  # as recorded, when it is not a date


@dataclass(frozen=True)
class PlanDocument:
    """What the printed plan shows. Never the child's address; no school for a child with protected identity."""

    child_name: str
    birth_date: date
    school: str | None
    team: str
    number: int
    agreed_on: date
    goals: list[Goal]
    actions: list[PlanAction]
    overall_responsible: str
    next_follow_up: date
    participants: list[Participant] | None  # None: no linked meeting, or no basis for the meetings
    meeting_held: bool
    printed_on: date
    printed_by: str
    shared_with: list[str] | None = None  # the parties the guardians let the team share the plan with (None: none)


def _due(value: object) -> tuple[date | None, str]:
    text = str(value or "").strip()
    try:
        return date.fromisoformat(text), ""
    except ValueError:
        return None, text


def plan_goals(plan: PlanVersion) -> list[Goal]:
    return [
        Goal(str(goal.get("text", "")).strip(), str(goal.get("child_words", "") or "").strip())
        for goal in plan.goals
        if isinstance(goal, dict)
    ]


def plan_actions(plan: PlanVersion) -> list[PlanAction]:
    rows = []
    for item in plan.actions:
        if isinstance(item, dict):
            due, due_text = _due(item.get("due"))
            rows.append(
                PlanAction(str(item.get("text", "")).strip(), str(item.get("responsible", "")).strip(), due, due_text)
            )
    return rows


def _participants(access: CaseAccess, plan: PlanVersion) -> list[Participant] | None:
    if plan.meeting_id is None or basis_among(access.bases, Origin.JOINT_TEAM, Category.MEETING) is None:
        return None
    return list(Participant.objects.filter(meeting_id=plan.meeting_id).order_by("role", "name"))


def plan_document(user: User, access: CaseAccess, plan: PlanVersion) -> PlanDocument:
    return plan_document_of(
        access.case, plan, participants=_participants(access, plan), printed_by=str(user),
        shared_with=_plan_shared_with(access.case),
    )  # fmt: skip


def plan_document_of(
    case: TsiCase,
    plan: PlanVersion,
    *,
    participants: list[Participant] | None,
    printed_by: str,
    shared_with: list[str] | None = None,
) -> PlanDocument:
    """A plan version as its document (the team's PDF, the archive package's): no school for a protected child."""
    child = case.child
    return PlanDocument(
        child_name=child.full_name,
        birth_date=child.birth_date,
        school=None if child.protected_identity else case.requesting_unit.name,
        team=case.team.name,
        number=plan.number,
        agreed_on=plan.agreed_on,
        goals=plan_goals(plan),
        actions=plan_actions(plan),
        overall_responsible=plan.overall_responsible,
        next_follow_up=plan.next_follow_up,
        participants=participants,
        meeting_held=bool(plan.meeting and plan.meeting.held),
        printed_on=timezone.localdate(),
        printed_by=printed_by,
        shared_with=shared_with,
    )


def _plan_shared_with(case: TsiCase) -> list[str]:
    """The parties the consent in force lets the team share the plan with, in words."""
    consent = active_consent(case)
    if consent is None:
        return []
    scopes = consent.scopes.filter(direction=ConsentDirection.FROM_TEAM, category=Category.PLAN)
    return sorted(str(Origin(party).label) for party in scopes.values_list("party", flat=True))


def plan_pdf_for_user(user: User, pk: int, number: int) -> tuple[TsiCase, bytes]:
    """The plan version as a PDF, in the user's current language; the export is audited."""
    access = case_part_for_user(user, pk, Category.PLAN)
    plan = plan_version_for_user(user, access, number)
    pdf = render_pdf("casework/documents/plan.html", {"plan": plan_document(user, access, plan)})
    record_export(
        by=user, case=access.case, basis=access.basis, target_type="tsi_plan_pdf", target_id=plan.pk, version=number
    )
    return access.case, pdf


@dataclass(frozen=True)
class PlanHistory:
    case: TsiCase
    basis: Basis
    versions: list[PlanVersion]
    day: date | None
    in_force: PlanDocument | None


def plan_history_for_user(user: User, pk: int, day: date | None) -> PlanHistory:
    """Every version of the plan, and what the plan said on `day` (the version in force then); the read is audited."""
    access = case_part_for_user(user, pk, Category.PLAN)
    versions = plan_versions_for_user(user, access)
    version = plan_on(access.case, day) if day is not None else None
    if version is not None and version.pk not in {v.pk for v in versions}:
        version = None
    in_force = plan_document(user, access, version) if version is not None else None
    record_read(
        by=user,
        case=access.case,
        basis=access.basis,
        target_type="tsi_plan_history",
        on=day.isoformat() if day else None,
        version=version.number if version else None,
    )
    return PlanHistory(access.case, access.basis, versions, day, in_force)


# --- the information letter to the guardians --------------------------------------------------------------------


LETTER_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


@dataclass(frozen=True)
class ConsentSummary:
    """Both directions of a consent, in words: who may tell the team what, and whom the team may tell what."""

    parties: list[str]
    categories: list[str]
    shared_by_team: list[tuple[str, list[str]]]
    valid_until: date
    final_plan_to_school: bool = False


@dataclass(frozen=True)
class Letter:
    """The information letter: what TSI is, that it is voluntary, what the consent covers, how to withdraw it."""

    case: TsiCase
    child_name: str
    team: str
    team_owners: list[str]
    team_phone: str
    team_email: str
    team_address: str
    lead_name: str
    lead_email: str
    lead_phone: str
    consent: ConsentSummary | None
    language: str
    dated: date
    municipality: str = ""


def _consent_summary(consent: Consent | None) -> ConsentSummary | None:
    if consent is None:
        return None
    scopes = [scope for scope in consent.scopes.all() if scope.direction == ConsentDirection.TO_TEAM]
    parties = {str(Origin(s.party).label) if s.party in Origin.values else s.party for s in scopes}
    categories = {str(Category(s.category).label) if s.category in Category.values else s.category for s in scopes}
    return ConsentSummary(
        parties=sorted(parties),
        categories=sorted(categories),
        shared_by_team=consent.shared_by_team(),
        valid_until=consent.valid_until,
        final_plan_to_school=consent.final_plan_to_school,
    )


def letter_for_user(user: User, pk: int, language: str) -> tuple[Letter, Basis | None]:
    """The letter for a case of the user's own team (404 without access, 403 for others who see the case)."""
    case, bases = get_case_for_user(user, pk, for_write=True)
    basis = basis_among(bases, Origin.JOINT_TEAM, Category.CONSENT) or basis_among(
        bases, Origin.STUDENT_HEALTH, Category.REQUEST
    )
    team, lead = case.team, case.lead
    with translation.override(language):
        consent = _consent_summary(active_consent(case))
    letter = Letter(
        case=case,
        child_name=case.child.full_name,
        team=team.name,
        team_owners=[org.name for org in (team.organisation, team.co_organisation) if org is not None],
        team_phone=team.phone,
        team_email=team.email,
        team_address=team.address,
        lead_name=(lead.get_full_name() or lead.email) if lead else "",
        lead_email=lead.email if lead else "",
        lead_phone=lead.phone if lead else "",
        consent=consent,
        language=language,
        dated=timezone.localdate(),
        municipality=case.municipality.name,
    )
    return letter, basis


def render_letter_body(letter: Letter, *, title_level: int, section_level: int) -> SafeString:
    """The letter's text in the letter's language (whatever language the rest of the page is in)."""
    context = {"letter": letter, "title_level": title_level, "section_level": section_level}
    with translation.override(letter.language):
        return render_to_string("casework/documents/_letter_body.html", context)


def _record_letter(user: User, letter: Letter, basis: Basis | None, output: str) -> None:
    record_export(
        by=user, case=letter.case, basis=basis, target_type="tsi_information_letter", target_id=letter.case.pk,
        language=letter.language, format=output,
    )  # fmt: skip


def letter_page_for_user(user: User, pk: int, language: str) -> tuple[Letter, SafeString]:
    """The letter and its text for the printable page; the export is audited."""
    letter, basis = letter_for_user(user, pk, language)
    body = render_letter_body(letter, title_level=2, section_level=3)
    _record_letter(user, letter, basis, "html")
    return letter, body


def letter_pdf_for_user(user: User, pk: int, language: str) -> tuple[Letter, bytes]:
    """The letter as a PDF in the letter's language; the export is audited."""
    letter, basis = letter_for_user(user, pk, language)
    with translation.override(letter.language):
        body = render_letter_body(letter, title_level=1, section_level=2)
        pdf = render_pdf("casework/documents/letter_pdf.html", {"letter": letter, "body": body})
    _record_letter(user, letter, basis, "pdf")
    return letter, pdf


# --- the outcome chart ------------------------------------------------------------------------------------------


def outcome_chart_for_user(user: User, pk: int) -> bytes:
    """The outcome chart (SVG) for a user with a basis covering the team's outcome measures; the read is audited."""
    access = case_part_for_user(user, pk, Category.OUTCOME)
    measures = visible_to(user, OutcomeMeasure.objects.filter(case=access.case))
    svg = outcome_chart_svg(measures, imported_attendance(user, access.case, access.bases))
    record_read(by=user, case=access.case, basis=access.basis, target_type="tsi_outcome_chart")
    return svg
