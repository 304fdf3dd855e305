"""The bases a TSI case gives: the case team's, and the requesting school's. Each reaches its own case only (a
case's records are registered with their `case_path`), and a closed or declined case ends them.

* **Case team** (`case_team`): members of the joint team (TSI team member, unit manager) see their team's open
  cases. Before the guardians' consent: the request (of student health's information, that and nothing else), the
  child's name and school, and what the team itself records (the consent process, meetings). Once a consent of
  every guardian with custody is in force: also the guardians, and the other parties' information (school,
  student health, social services, police) of the parties and categories it covers (OSL 12 kap 1–2 §).
* **Case team's records of a closed case** (`case_team_record`): the team keeps what it documented, read-only, as
  documentation it must keep; its reads are not routine, so log review lists them. Consents end with the case.
* **Requesting school** (`case_school`): the principal and student health staff of the requesting school (the unit,
  not the person who once asked) follow their own request, also after it was declined or closed. While the case is
  open and the guardians let the team share its records with the school (the consent's `from_team` direction,
  apart from what the school may share with the team), they also see the team's records of the categories named
  (plan, meetings, ...). A withdrawn or expired consent, or the closing of the case, ends that at once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kring.access.acting import StaffUser
from kring.access.policy import Basis, ChildModel, RoleGrant, grants_where, units_where
from kring.access.roles import CASE_SCHOOL_ROLES, CASE_TEAM_ROLES, Category, Origin
from kring.casework.models import (
    OPEN_STAGES,
    CaseStage,
    ClosureReason,
    Consent,
    ConsentDirection,
    ConsentScope,
    TsiCase,
    YoungPersonAnswer,
)
from kring.directory.models import Unit
from kring.legal import cite
from kring.people.models import Child, Placement

CASE_TEAM_BASIS = "case_team"
CASE_TEAM_RECORD_BASIS = "case_team_record"
CASE_SCHOOL_BASIS = "case_school"
TEAM_OWN_ORIGINS = frozenset({Origin.JOINT_TEAM, Origin.STUDENT_HEALTH})
# Register data the team sees of an open case before the guardians consent (the child's name and school), and
# after (also the guardians).
BEFORE_CONSENT_REGISTER = frozenset({Category.IDENTITY, Category.PLACEMENT})
AFTER_CONSENT_REGISTER = BEFORE_CONSENT_REGISTER | {Category.GUARDIANS}
# What the team documented in a case, kept after it closed (not the other parties' information it was shown).
TEAM_RECORD_CATEGORIES = frozenset(
    {
        Category.REQUEST,
        Category.CONSENT,
        Category.STORY,
        Category.NEEDS,
        Category.INTERVENTION,
        Category.MEETING,
        Category.PLAN,
        Category.OUTCOME,
    }
)
SCHOOL_PARTY = Origin.SCHOOL
REQUEST = Category.REQUEST
BEFORE_CONSENT_REASON = gettext_noop(
    "member of %(team)s, TSI case %(case)s: before the guardians' consent, the request and the child's name and "
    "school only"
)


def active_scopes(today: date | None = None) -> QuerySet[ConsentScope]:
    """Scopes of consents in force today: given by every guardian (none refused), by the young person from 15, not
    expired, not withdrawn, of a case still open."""
    today = today or timezone.localdate()
    return ConsentScope.objects.filter(
        consent__guardians_disagree=False,
        consent__withdrawn_at__isnull=True,
        consent__given_on__lte=today,
        consent__valid_until__gte=today,
        consent__case__stage__in=OPEN_STAGES,
    ).exclude(consent__young_person_answer=YoungPersonAnswer.REFUSES)


def _reach(info: ChildModel, case_ids: QuerySet[Any], child_ids: QuerySet[Any]) -> Q:
    """The rows of these cases: by case for a case's own records, by child for the child's other information."""
    if info.case_path is not None:
        return Q(**{f"{info.case_path}__in": case_ids})
    return Q(**{f"{info.child_path}__in": child_ids})


def active_consent(case: TsiCase, today: date | None = None) -> Consent | None:
    """The case's consent in force on `today`: given, not expired, not withdrawn (the newest, if several)."""
    today = today or timezone.localdate()
    return (
        case.consents.filter(
            guardians_disagree=False, withdrawn_at__isnull=True, given_on__lte=today, valid_until__gte=today
        )
        .exclude(young_person_answer=YoungPersonAnswer.REFUSES)
        .order_by("-given_on", "-pk")
        .first()
    )


def requesting_units(user: StaffUser, child: Child) -> list[Unit]:
    """The schools from which the user may ask for a TSI team for this child: where the user is principal or
    student health staff and the child is placed now."""
    placed = Placement.objects.current().filter(child=child, unit_id__in=units_where(user, CASE_SCHOOL_ROLES))
    return list(Unit.objects.filter(pk__in=placed.values("unit_id")).order_by("name"))


def _grants(user: StaffUser, roles: frozenset[str]) -> dict[int, RoleGrant]:
    return {grant.unit_id: grant for grant in grants_where(user, roles)}


class CaseTeamBasisProvider:
    kind = CASE_TEAM_BASIS
    kinds = (CASE_TEAM_BASIS, CASE_TEAM_RECORD_BASIS)
    routine = True
    routine_kinds = (CASE_TEAM_BASIS,)

    def visibility_q(self, user: StaffUser, info: ChildModel) -> Q | None:
        team_ids = units_where(user, CASE_TEAM_ROLES)
        if not team_ids or info.origin_field is not None:  # models with a per-row origin: not reached yet
            return None
        cases = TsiCase.objects.filter(team_id__in=team_ids)
        if info.origin == Origin.JOINT_TEAM or (info.origin == Origin.STUDENT_HEALTH and info.category == REQUEST):
            return _reach(info, cases.values("pk"), cases.values("child_id"))
        consented = active_scopes().filter(consent__case__team_id__in=team_ids, direction=ConsentDirection.TO_TEAM)
        if not info.origin:  # the child's register data: while a case is open, the guardians once consented
            if info.category in BEFORE_CONSENT_REGISTER:
                return Q(**{f"{info.child_path}__in": cases.filter(stage__in=OPEN_STAGES).values("child_id")})
            if info.category in AFTER_CONSENT_REGISTER:
                return Q(**{f"{info.child_path}__in": consented.values("consent__case__child_id")})
            return None
        scopes = consented.filter(party=info.origin, category=info.category)
        return _reach(info, scopes.values("consent__case_id"), scopes.values("consent__case__child_id"))

    def bases(self, user: StaffUser, child_ids: list[int]) -> dict[int, list[Basis]]:
        teams = _grants(user, CASE_TEAM_ROLES)
        found: dict[int, list[Basis]] = defaultdict(list)
        if not teams:
            return found
        cases = TsiCase.objects.filter(team_id__in=list(teams), child_id__in=child_ids)
        to_team = active_scopes().filter(consent__case__in=cases, direction=ConsentDirection.TO_TEAM)
        consent_bases = _consent_bases(to_team, CASE_TEAM_BASIS, parties=None)
        consented = {basis.case_id for bases in consent_bases.values() for basis in bases}
        for case_id, child_id, team_id, stage in cases.values_list("pk", "child_id", "team_id", "stage"):
            team = teams[team_id].unit_name
            if stage in OPEN_STAGES:
                found[child_id].extend(_open_case_bases(case_id, child_id, team, case_id in consented))
            else:
                found[child_id].append(_closed_case_basis(case_id, child_id, team))
        for child_id, bases in consent_bases.items():
            found[child_id].extend(bases)
        return found


def _open_case_bases(case_id: int, child_id: int, team: str, consented: bool) -> list[Basis]:
    """The team's own records and the register data it may see, and the request (student health's, that only)."""
    values = {"team": team, "case": case_id}
    if consented:
        reason = _("member of %(team)s, TSI case %(case)s") % values
        reference, register = "", AFTER_CONSENT_REGISTER
    else:
        reason = _(BEFORE_CONSENT_REASON) % values
        reference, register = (
            _("%(reference)s (no consent yet)") % {"reference": cite("consent")},
            BEFORE_CONSENT_REGISTER,
        )
    own = Basis(
        CASE_TEAM_BASIS,
        child_id,
        reason,
        reference,
        frozenset({Origin.JOINT_TEAM}),
        categories=TEAM_RECORD_CATEGORIES | register,
        is_case_basis=True,
        case_id=case_id,
    )
    request = Basis(
        CASE_TEAM_BASIS,
        child_id,
        reason,
        reference,
        frozenset({Origin.STUDENT_HEALTH}),
        categories=frozenset({REQUEST}),
        is_case_basis=True,
        case_id=case_id,
    )
    return [own, request]


def _closed_case_basis(case_id: int, child_id: int, team: str) -> Basis:
    values = {"team": team, "case": case_id}
    reason = _("member of %(team)s: the records of closed TSI case %(case)s, kept as documentation") % values
    return Basis(
        CASE_TEAM_RECORD_BASIS,
        child_id,
        reason,
        "",
        frozenset({Origin.JOINT_TEAM, Origin.STUDENT_HEALTH}),
        categories=TEAM_RECORD_CATEGORIES,
        is_case_basis=True,
        case_id=case_id,
    )


class CaseSchoolBasisProvider:
    kind = CASE_SCHOOL_BASIS
    routine = True

    def _cases(self, user: StaffUser) -> QuerySet[TsiCase] | None:
        """Cases requested from a school where the user is principal or student health staff now."""
        unit_ids = units_where(user, CASE_SCHOOL_ROLES)
        if not unit_ids:
            return None
        return TsiCase.objects.filter(requesting_unit_id__in=unit_ids)

    def visibility_q(self, user: StaffUser, info: ChildModel) -> Q | None:
        cases = self._cases(user)
        if cases is None or info.origin_field is not None or info.case_path is None:
            return None
        if info.origin == Origin.STUDENT_HEALTH and info.category == Category.REQUEST:
            return Q(**{f"{info.case_path}__in": cases.values("pk")})
        if info.origin == Origin.JOINT_TEAM:
            scopes = _told_the_school(cases).filter(category=info.category)
            reach = Q(**{f"{info.case_path}__in": scopes.values("consent__case_id")})
            if info.category == Category.PLAN:
                reach |= Q(**{f"{info.case_path}__in": _final_plan_kept(cases).values("case_id")})
            return reach
        return None

    def bases(self, user: StaffUser, child_ids: list[int]) -> dict[int, list[Basis]]:
        cases = self._cases(user)
        found: dict[int, list[Basis]] = defaultdict(list)
        if cases is None:
            return found
        cases = cases.filter(child_id__in=child_ids)
        for case_id, child_id, unit_name in cases.values_list("pk", "child_id", "requesting_unit__name"):
            reason = _("the request for TSI case %(case)s came from %(unit)s") % {"case": case_id, "unit": unit_name}
            found[child_id].append(
                Basis(
                    CASE_SCHOOL_BASIS,
                    child_id,
                    reason,
                    "",
                    frozenset({Origin.STUDENT_HEALTH}),
                    categories=frozenset({Category.REQUEST}),
                    is_case_basis=True,
                    case_id=case_id,
                )
            )
        for case_id, child_id in _final_plan_kept(cases).values_list("case_id", "case__child_id").distinct():
            found[child_id].append(_final_plan_basis(case_id, child_id))
        school_scopes = _told_the_school(cases)
        for child_id, bases in _consent_bases(school_scopes, CASE_SCHOOL_BASIS, parties={Origin.JOINT_TEAM}).items():
            found[child_id].extend(bases)
        return found


def _final_plan_kept(cases: QuerySet[TsiCase]) -> QuerySet[Consent]:
    """Consents of closed cases (not withdrawn, not refused) by which the guardians let the school keep the final
    plan after closure."""
    return Consent.objects.filter(
        case__in=cases.filter(stage=CaseStage.CLOSED).exclude(closure_reason=ClosureReason.CONSENT_WITHDRAWN),
        final_plan_to_school=True,
        withdrawn_at__isnull=True,
        guardians_disagree=False,
    ).exclude(young_person_answer=YoungPersonAnswer.REFUSES)


def _final_plan_basis(case_id: int, child_id: int) -> Basis:
    reason = _("the guardians agreed that the school keeps the final plan of TSI case %(case)s") % {"case": case_id}
    return Basis(
        CASE_SCHOOL_BASIS,
        child_id,
        reason,
        cite("consent"),
        frozenset({Origin.JOINT_TEAM}),
        categories=frozenset({Category.PLAN}),
        is_case_basis=True,
        case_id=case_id,
    )


def _told_the_school(cases: QuerySet[TsiCase]) -> QuerySet[ConsentScope]:
    """The scopes in force by which the guardians let the team share its records with the school."""
    return active_scopes().filter(consent__case__in=cases, direction=ConsentDirection.FROM_TEAM, party=SCHOOL_PARTY)


def _consent_bases(scopes: QuerySet[ConsentScope], kind: str, *, parties: set[str] | None) -> dict[int, list[Basis]]:
    """One basis per consent and party: the categories it covers, until when, given by whom.

    `parties=None`: the basis reaches the consenting parties' own information (the team's view); otherwise the
    given origins (the school's view of the team's records)."""
    grouped: dict[tuple[int, int, int, str, date, date], set[str]] = defaultdict(set)
    rows = scopes.values_list(
        "consent__case__child_id",
        "consent__case_id",
        "consent_id",
        "party",
        "category",
        "consent__given_on",
        "consent__valid_until",
    )
    for child_id, case_id, consent_id, party, category, given_on, valid_until in rows:
        grouped[(child_id, case_id, consent_id, party, given_on, valid_until)].add(category)
    found: dict[int, list[Basis]] = defaultdict(list)
    for (child_id, case_id, _consent_id, party, given_on, valid_until), categories in grouped.items():
        reason = _("consent of every guardian with custody, given %(date)s") % {"date": given_on.isoformat()}
        found[child_id].append(
            Basis(
                kind,
                child_id,
                reason,
                cite("consent"),
                frozenset(parties if parties is not None else {party}),
                categories=frozenset(categories),
                valid_from=given_on,
                valid_until=valid_until,
                is_case_basis=True,
                case_id=case_id,
            )
        )
    return found
