"""The demo's work of the day: concerns, a consultation, reports of concern in each state, an investigation of
absence and a role waiting for approval, so that every demo login's start page has work on it at once.

Everything is written through the apps' actions as the demo logins (so it is audited like the rest of the demo),
then moved back to the days of its timeline, counted from the day the demo is seeded: a report filed today waits
to be received, one filed ten days ago waits for the decision of its initial assessment, and so on. The texts are
invented; the children are the generated pupils of the demo school.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from kring.access.roles import Role
from kring.casework.models import (
    OPEN_STAGES,
    ApprovalSettings,
    Concern,
    ConcernCategory,
    Decision,
    FeedbackKind,
    ProtectionOutcome,
    ReportAssessment,
    ReportFeedback,
    ReportOfConcern,
    Triage,
    TsiCase,
    Urgency,
)
from kring.casework.reports import actions as report_actions
from kring.casework.reports import deadlines
from kring.casework.reports.actions import ConcernInput, ReportInput, handler_candidates
from kring.casework.reports.assignment import assign_report
from kring.casework.reports.handover import offer_report
from kring.casework.tsi.handover import offer_case
from kring.casework.tsi.queries import team_colleagues
from kring.demo.cases import demo_users
from kring.demo.staff import DemoLogin
from kring.demo.structure import Structure
from kring.directory import actions as directory_actions
from kring.directory.models import User
from kring.people.models import Child, Placement
from kring.schooldata.investigations import open_investigation
from kring.schooldata.models import AbsenceIndicator, AbsenceInvestigation, AbsenceLevel


def _at(day: date, hour: int = 10) -> datetime:
    """A moment of the day, never later than now (a report "filed today" is filed before the demo starts)."""
    moment = timezone.make_aware(datetime.combine(day, time(hour)))
    start = timezone.make_aware(datetime.combine(day, time.min))
    return max(start, min(moment, timezone.now() - timedelta(minutes=5)))


@dataclass(frozen=True)
class ConcernPlan:
    days_ago: int
    category: str
    observed: str
    child_words: str = ""
    triage: str = ""  # "" while new
    recorder: str = Role.TEACHER


CONCERNS = (
    ConcernPlan(0, ConcernCategory.VIOLENCE, "Hade ett blåmärke på armen och ville inte byta om på idrotten.",
                "Det var inget, jag ramlade."),
    ConcernPlan(2, ConcernCategory.WELLBEING, "Har varit tyst och trött hela veckan, äter inte lunch.",
                recorder=Role.MENTOR),
    ConcernPlan(6, ConcernCategory.ABSENCE, "Kommer sent nästan varje morgon och går hem efter lunch.",
                triage=Triage.STUDENT_HEALTH),
    ConcernPlan(12, ConcernCategory.BEHAVIOUR, "Bråk på rasten två gånger, löst med samtal med båda.",
                triage=Triage.NO_ACTION),
)  # fmt: skip


@dataclass(frozen=True)
class ReportPlan:
    """A report filed `days_ago` by a demo login, taken by social services as far as `steps` (0: not received,
    1: received, 2: protection assessed, 3: decided, 4: feedback given)."""

    reporter: str
    days_ago: int
    steps: int
    what: str
    urgency: str = Urgency.NORMAL


REPORTS = (
    ReportPlan(Role.KURATOR, 0, 0, "Eleven berättade i samtal att pappa slår när han har druckit."),
    ReportPlan(Role.PRINCIPAL, 0, 1, "Eleven har inte hämtats på tre dagar och säger att mamma sover hela dagarna.",
               Urgency.URGENT),
    ReportPlan(Role.KURATOR, 1, 0, "Eleven har sagt till en kompis att hon inte vågar gå hem."),
    ReportPlan(Role.PRINCIPAL, 10, 2, "Hög frånvaro i två månader; vårdnadshavarna svarar inte på kallelser."),
    ReportPlan(Role.KURATOR, 12, 3, "Eleven säger att det bor många vuxna hemma och att hon inte får sova."),
    ReportPlan(Role.PRINCIPAL, 15, 4, "Eleven har varit utan mat och kläder efter årstid under hösten."),
    ReportPlan(Role.POLICE_OFFICER, 9, 4, "Eleven anträffades på stan sent en vardagskväll tillsammans med äldre "
               "ungdomar som misstänks för narkotikabrott.", Urgency.URGENT),
)  # fmt: skip


class DailyWork:
    def __init__(self, structure: Structure, logins: list[DemoLogin], rng: random.Random, today: date) -> None:
        self.structure, self.rng, self.today = structure, rng, today
        self.users: dict[str, User] = demo_users(logins)
        self.school = structure.demo_school.unit
        self.pupils = self._pupils()
        self.counts: Counter[str] = Counter()

    def _pupils(self) -> list[Child]:
        """The demo school's pupils without protected identity, in a seeded order (each gets at most one item)."""
        placed = Placement.objects.current().filter(unit=self.school).values("child_id")
        children = list(Child.objects.filter(pk__in=placed, protected_identity=False).order_by("pk"))
        self.rng.shuffle(children)
        return children

    def _next_pupil(self) -> Child:
        return self.pupils.pop()

    def write(self) -> Counter[str]:
        for concern in CONCERNS:
            self.concern(concern)
        self.consultation()
        reports = [self.report(report) for report in REPORTS]
        self.decision_for_approval(reports[3])
        self.report_handover(reports[4])
        self.case_handover()
        self.investigation()
        self.role_requests()
        return self.counts

    # Concerns and a consultation

    def concern(self, plan: ConcernPlan) -> None:
        recorder = self.users[plan.recorder]
        observed = ConcernInput(plan.category, plan.observed, timezone.localdate(), "Klasslärare", plan.child_words)
        concern = report_actions.record_concern(by=recorder, child=self._next_pupil(), concern=observed)
        if plan.triage:
            report_actions.triage_concern(by=self.users[Role.KURATOR], concern=concern, triage=plan.triage, note="")
        day = self.today - timedelta(days=plan.days_ago)
        closed = _at(day, 14) if plan.triage == Triage.NO_ACTION else None
        Concern.objects.filter(pk=concern.pk).update(reported_at=_at(day, 9), observed_on=day, closed_at=closed)
        self.counts["demo_concerns"] += 1

    def consultation(self) -> None:
        report_actions.ask_consultation(
            by=self.users[Role.KURATOR], school=self.school, age_band="10-12",
            question="En elev berättar att en äldre kusin tar elevens pengar och hotar. Är det en orosanmälan, "
            "eller ska vi först prata med vårdnadshavarna?",
        )  # fmt: skip
        self.counts["demo_consultations"] += 1

    # Reports of concern

    def report(self, plan: ReportPlan) -> ReportOfConcern:
        text = ReportInput(
            what_happened=plan.what, when_and_where="I skolan, berättat för personal", guardians_informed=False,
            guardians_not_informed_why="Vårdnadshavarna kan vara inblandade.", urgency=plan.urgency,
        )  # fmt: skip
        report = report_actions.file_report(by=self.users[plan.reporter], child=self._next_pupil(), report=text)
        worker = self.users[Role.SOCIAL_WORKER]
        steps = (
            lambda: report_actions.receive_report(by=worker, report=report),
            lambda: report_actions.record_protection_assessment(
                by=worker, report=report, outcome=ProtectionOutcome.NOT_NEEDED, note="Ingen akut fara."
            ),
            lambda: report_actions.record_decision(
                by=worker, report=report, decision=Decision.INVESTIGATION_OPENED, note="Utredning inleds."
            ),
            lambda: report_actions.give_feedback(by=worker, report=report, kind=FeedbackKind.INVESTIGATION_OPENED),
        )
        for step in steps[: plan.steps]:
            step()
        self._backdate(report, plan)
        self.counts["demo_reports"] += 1
        return report

    def decision_for_approval(self, report: ReportOfConcern) -> None:
        """The municipality asks the unit manager to approve a decision not to open an investigation; the demo
        social worker has made one, and it waits on the demo unit manager's start page."""
        ApprovalSettings.objects.update_or_create(
            municipality=self.structure.municipality, defaults={"report_not_opened": True}
        )
        report_actions.record_decision(
            by=self.users[Role.SOCIAL_WORKER], report=report, decision=Decision.NOT_OPENED,
            note="Familjen har själv sökt stöd hos familjebehandlingen; ingen utredning behövs.",
        )  # fmt: skip
        self.counts["demo_approvals"] += 1

    # Handovers waiting for an answer

    def report_handover(self, report: ReportOfConcern) -> None:
        """The unit manager has given a report to a colleague of the demo social worker, who now offers it to the
        demo social worker (going on leave): it waits on the demo social worker's start page."""
        worker, manager = self.users[Role.SOCIAL_WORKER], self.users[Role.UNIT_MANAGER]
        colleague = handler_candidates(report.receiving_unit_id).exclude(pk__in=[worker.pk, manager.pk]).first()
        if colleague is None:
            return
        assign_report(by=manager, report=report, handler=colleague)
        reason = "Jag går på föräldraledighet från nästa vecka; utredningen har just inletts."
        offer_report(by=colleague, report=report, to_user=worker, reason=reason)
        self.counts["demo_handovers"] += 1

    def case_handover(self) -> None:
        """The demo TSI team member offers one of their open cases to a colleague of the team: it waits for the
        colleague's answer on the demo member's start page."""
        member = self.users[Role.TSI_TEAM_MEMBER]
        case = TsiCase.objects.filter(lead=member, stage__in=OPEN_STAGES).order_by("pk").first()
        colleague = team_colleagues(case, member).first() if case is not None else None
        if case is None or colleague is None:
            return
        reason = "Jag går ner i tid; du har redan träffat familjen på informationsmötet."
        offer_case(by=member, case=case, to_user=colleague, reason=reason)
        self.counts["demo_handovers"] += 1

    def _backdate(self, report: ReportOfConcern, plan: ReportPlan) -> None:
        arrived = self.today - timedelta(days=plan.days_ago)
        filed = _at(arrived, 8)
        step_at = [_at(arrived + timedelta(days=days), 11) for days in (0, 0, min(plan.days_ago, 9), plan.days_ago)]
        ReportOfConcern.objects.filter(pk=report.pk).update(
            filed_at=filed, protection_due=deadlines.protection_due(arrived),
            decision_due=deadlines.decision_due(arrived), feedback_due=deadlines.feedback_due(arrived),
            received_at=step_at[0] if plan.steps >= 1 else None,
        )  # fmt: skip
        ReportAssessment.objects.filter(report=report).update(
            received_at=step_at[0],
            protection_assessed_at=step_at[1] if plan.steps >= 2 else None,
            decided_at=step_at[2] if plan.steps >= 3 else None,
        )
        ReportFeedback.objects.filter(report=report).update(given_at=step_at[3] - timedelta(days=1))

    # Absence and the organisation

    def investigation(self) -> None:
        """The principal has opened an investigation for the pupil with the highest absence, twelve days ago."""
        flagged = (
            AbsenceIndicator.objects.filter(unit=self.school, level=AbsenceLevel.HIGH, child__protected_identity=False)
            .order_by("-term_percent", "pk")
            .first()
        )
        if flagged is None:
            return
        investigation = open_investigation(child=flagged.child, unit=self.school, by=self.users[Role.PRINCIPAL])
        opened = _at(self.today - timedelta(days=12), 13)
        AbsenceInvestigation.objects.filter(pk=investigation.pk).update(opened_at=opened)
        self.counts["demo_investigations"] += 1

    def role_requests(self) -> None:
        """Two mentor roles at the demo school asked for two teachers of the municipality, each waiting for the
        other manager: one asked by the coordinator (the administrator approves it), one by the administrator (the
        coordinator does)."""
        demo_ids = [user.pk for user in self.users.values()]
        teachers = (
            User.objects.filter(memberships__role=Role.TEACHER, memberships__active=True)
            .filter(municipality=self.structure.municipality)
            .exclude(pk__in=demo_ids)
            .exclude(memberships__unit=self.school, memberships__role=Role.MENTOR)
            .distinct()
            .order_by("pk")
        )
        for asker, teacher in zip((Role.COORDINATOR, Role.ADMINISTRATOR), teachers[:2], strict=False):
            directory_actions.add_membership(by=self.users[asker], person=teacher, unit=self.school, role=Role.MENTOR)
            self.counts["demo_roles_awaiting"] += 1


def write_daily_work(structure: Structure, logins: list[DemoLogin], rng: random.Random, today: date) -> Counter[str]:
    """Seed the work of the day for the demo logins."""
    return DailyWork(structure, logins, rng, today).write()
