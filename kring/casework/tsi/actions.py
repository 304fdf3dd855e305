"""Writes of a TSI case. Each action is atomic, takes the acting user as `by=`, enforces the workflow rules and
writes its audit event (with the basis used) in the same transaction.

The rules live here, not in templates: no request without a basis for the child, no consent without every guardian
with custody, no plan before consent, no closure without a reason; withdrawal is never blocked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import Basis, basis_for, can, units_where
from kring.access.roles import CASE_SCHOOL_ROLES, CASE_TEAM_ROLES, SOCIAL_SERVICES_ROLES, Permission
from kring.casework.approvals.actions import needs_approval, request_approval
from kring.casework.models import (
    OPEN_STAGES,
    YOUNG_PERSON_AGE,
    Approval,
    ApprovalKind,
    ApprovalStatus,
    CaseStage,
    ChildVoice,
    ClosureReason,
    Consent,
    ConsentDirection,
    ConsentGiver,
    ConsentMethod,
    ConsentRequest,
    ConsentRequestAnswer,
    ConsentRequestStatus,
    ConsentScope,
    FollowUp,
    GuardianAnswer,
    Intervention,
    InterventionStatus,
    Meeting,
    MeetingKind,
    Need,
    Occasion,
    OutcomeMeasure,
    Participant,
    PlanVersion,
    RatingGiver,
    Story,
    TsiCase,
    YoungPersonAnswer,
)
from kring.casework.tsi.basis import active_consent, requesting_units
from kring.casework.workflow import WorkflowError
from kring.directory.models import ContactPerson, Unit, UnitKind, User
from kring.people.identity import age_on as age_in_years
from kring.people.languages import FAMILY_LANGUAGE_CODES
from kring.people.models import Child, Guardian


def _audit(by: User, case: TsiCase, target: Any, basis: Basis | None, **details: Any) -> None:
    record_event(
        actor=by,
        action=AuditAction.WRITE,
        target_type=f"tsi_{type(target).__name__.lower()}",
        target_id=target.pk,
        child_id=case.child_id,
        basis=basis,
        details={"case": case.pk, **details},
        municipality_id=case.municipality_id,
    )


def _team_basis(by: User, case: TsiCase) -> Basis:
    """The acting user's basis as a member of the case's team; PermissionDenied otherwise."""
    if not can(by, Permission.CASE_WORK) or case.team_id not in units_where(by, CASE_TEAM_ROLES):
        raise PermissionDenied
    basis = basis_for(by, case)
    if basis is None:
        raise PermissionDenied
    return basis


def _require_open(case: TsiCase) -> None:
    if case.stage not in OPEN_STAGES:
        raise WorkflowError(_("The case is closed."), code="closed")


def _set_stage(case: TsiCase, stage: str) -> None:
    if case.stage != stage:
        case.stage = stage
        case.stage_since = timezone.now()


def _require_consent(case: TsiCase) -> Consent:
    consent = active_consent(case)
    if consent is None:
        raise WorkflowError(
            _("This needs the consent of every guardian with custody first. Record the consent."), code="no_consent"
        )
    return consent


# --- request and assessment -------------------------------------------------------------------------------------


def request_tsi(*, by: User, child: Child, team: Unit, reason: str, tried: str = "", child_view: str = "") -> TsiCase:
    """The school asks the joint team to take the child."""
    basis = basis_for(by, child)
    units = requesting_units(by, child)
    if not can(by, Permission.CASE_REQUEST) or basis is None or not units:
        raise PermissionDenied
    if team.kind != UnitKind.JOINT_TEAM or team.municipality_id != child.municipality_id:
        raise WorkflowError(_("Choose a joint team of the municipality."), code="team")
    if TsiCase.objects.filter(child=child, team=team, stage__in=OPEN_STAGES).exists():
        raise WorkflowError(_("The team already has an open case for this child."), code="duplicate")
    now = timezone.now()
    with transaction.atomic():
        case = TsiCase.objects.create(
            municipality_id=child.municipality_id,
            child=child,
            team=team,
            requesting_unit=units[0],
            requested_by=by,
            requested_at=now,
            reason=reason,
            tried=tried,
            child_view=child_view,
            stage=CaseStage.REQUESTED,
            stage_since=now,
        )
        _audit(by, case, case, basis, step="request")
    return case


class Decision:
    ACCEPT = "accept"
    DECLINE = "decline"
    MORE_INFO = "more_info"


def assess_request(*, by: User, case: TsiCase, decision: str, note: str, advice: str = "") -> TsiCase:
    """The team accepts the case, declines it with advice, or asks the school for more."""
    basis = _team_basis(by, case)
    if case.stage not in (CaseStage.REQUESTED, CaseStage.MORE_INFO):
        raise WorkflowError(_("The request has already been assessed."), code="assessed")
    if decision == Decision.DECLINE and not advice:
        raise WorkflowError(_("Say what the school should do instead."), code="advice")
    stages = {
        Decision.ACCEPT: CaseStage.INFORMATION,
        Decision.DECLINE: CaseStage.DECLINED,
        Decision.MORE_INFO: CaseStage.MORE_INFO,
    }
    with transaction.atomic():
        _set_stage(case, stages[decision])
        case.assessment_note = note
        case.decline_advice = advice if decision == Decision.DECLINE else ""
        if decision == Decision.ACCEPT and case.lead_id is None:
            case.lead = by
        case.save()
        _audit(by, case, case, basis, step="assessment", decision=decision)
    return case


def add_request_information(*, by: User, case: TsiCase, information: str) -> TsiCase:
    """The school answers the team's question; the request goes back to the team."""
    basis = basis_for(by, case)
    if (
        basis is None
        or case.requested_by_id != by.pk
        and case.requesting_unit_id not in units_where(by, CASE_SCHOOL_ROLES)
    ):
        raise PermissionDenied
    if case.stage != CaseStage.MORE_INFO:
        raise WorkflowError(_("The team has not asked for more information."), code="not_asked")
    with transaction.atomic():
        stamp = timezone.localdate().isoformat()
        case.reason = f"{case.reason}\n\n[{stamp}] {information}"
        _set_stage(case, CaseStage.REQUESTED)
        case.save()
        _audit(by, case, case, basis, step="more_information")
    return case


# --- consent ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentInput:
    guardians: Sequence[Guardian]
    parties: Iterable[str]
    categories: Iterable[str]
    method: str
    given_on: date
    valid_until: date
    child_agreement: str
    witness: str = ""
    child_view_note: str = ""
    share_with: Iterable[str] = ()  # the parties the team may tell about its work ...
    share_categories: Iterable[str] = ()  # ... and which of its records
    acts: Sequence[GuardianAct] = ()  # each guardian's own act; empty: every guardian gave it on given_on, by method
    young_person: str = ""  # from 15: the young person's own answer (YoungPersonAnswer)
    final_plan_to_school: bool = False  # the requesting school keeps the final plan after the case closes


@dataclass(frozen=True)
class GuardianAct:
    """One guardian's own answer: consents or not, when, how, and who witnessed it."""

    guardian: Guardian
    answer: str
    given_on: date
    method: str
    witness: str = ""


def _acts(given: ConsentInput) -> list[GuardianAct]:
    if given.acts:
        return list(given.acts)
    return [GuardianAct(g, GuardianAnswer.GIVES, given.given_on, given.method, given.witness) for g in given.guardians]


def age_on(child: Child, day: date) -> int:
    return age_in_years(child.birth_date, day)


def custodial_guardians(child: Child) -> list[Guardian]:
    return list(Guardian.objects.filter(custodies__child=child).order_by("last_name", "first_name"))


def record_consent(*, by: User, case: TsiCase, given: ConsentInput) -> Consent:
    """Record the consent of every guardian with custody (FB 6 kap 13 §) and its scope."""
    basis = _team_basis(by, case)
    _require_open(case)
    if case.stage in (CaseStage.REQUESTED, CaseStage.MORE_INFO):
        raise WorkflowError(_("The team must accept the request before consent is recorded."), code="not_accepted")
    acts = _acts(given)
    _check_consent(case, given, acts)
    with transaction.atomic():
        return _store_consent(by, case, given, acts, basis)


def _store_consent(
    by: User, case: TsiCase, given: ConsentInput, acts: list[GuardianAct], basis: Basis | None
) -> Consent:
    last = max(acts, key=lambda act: act.given_on)
    with transaction.atomic():
        consent = Consent.objects.create(
            municipality_id=case.municipality_id,
            case=case,
            method=last.method,
            witness=last.witness,
            given_on=last.given_on,  # in force from the day the last guardian gave it
            valid_until=given.valid_until,
            child_agreement=given.child_agreement,
            child_view_note=given.child_view_note,
            guardians_disagree=any(act.answer == GuardianAnswer.REFUSES for act in acts),
            final_plan_to_school=given.final_plan_to_school,
            young_person_answer=given.young_person,
            recorded_by=by,
            recorded_at=timezone.now(),
        )
        ConsentGiver.objects.bulk_create(
            ConsentGiver(
                municipality_id=consent.municipality_id,
                consent=consent, guardian=act.guardian, answer=act.answer, given_on=act.given_on, method=act.method,
                witness=act.witness,
            )
            for act in acts
        )  # fmt: skip
        ConsentScope.objects.bulk_create(
            [
                *_scopes(consent, ConsentDirection.TO_TEAM, given.parties, given.categories),
                *_scopes(consent, ConsentDirection.FROM_TEAM, given.share_with, given.share_categories),
            ]
        )
        if case.stage == CaseStage.INFORMATION and not consent.is_refused:
            _set_stage(case, CaseStage.ACTIVE)
            case.save()
        _audit(
            by,
            case,
            consent,
            basis,
            answers={str(act.guardian.pk): act.answer for act in acts},
            young_person=given.young_person,
            parties=sorted(set(given.parties)),
            categories=sorted(set(given.categories)),
            share_with=sorted(set(given.share_with)),
            share_categories=sorted(set(given.share_categories)),
        )
    return consent


def _scopes(consent: Consent, direction: str, parties: Iterable[str], categories: Iterable[str]) -> list[ConsentScope]:
    return [
        ConsentScope(
            municipality_id=consent.municipality_id,
            consent=consent,
            direction=direction,
            party=party,
            category=category,
        )
        for party in sorted(set(parties))
        for category in sorted(set(categories))
    ]


def _check_consent(case: TsiCase, given: ConsentInput, acts: list[GuardianAct]) -> None:
    with_custody = {guardian.pk for guardian in custodial_guardians(case.child)}
    answering = [act.guardian.pk for act in acts]
    if set(answering) - with_custody:
        raise WorkflowError(_("Only a guardian with custody can consent."), code="no_custody")
    if not with_custody or set(answering) != with_custody or len(answering) != len(set(answering)):
        raise WorkflowError(_("Every guardian with custody must consent."), code="not_every_guardian")
    for act in acts:
        if given.valid_until < act.given_on:
            raise WorkflowError(_("The consent must end after it was given."), code="dates")
        if act.given_on > timezone.localdate():
            raise WorkflowError(_("A guardian's answer cannot be dated in the future."), code="future")
        if act.method == ConsentMethod.VERBAL and not act.witness.strip():
            raise WorkflowError(_("Verbal consent needs a named witness."), code="witness")
    _check_young_person(case.child, max(act.given_on for act in acts), given.young_person)
    _check_scope(given)


def _check_scope(given: ConsentInput) -> None:
    if not set(given.parties) or not set(given.categories):
        raise WorkflowError(_("Choose at least one party and one category."), code="scope")
    if bool(set(given.share_with)) != bool(set(given.share_categories)):
        raise WorkflowError(
            _("Say both whom the team may tell and what, or neither: then the team tells nobody."),
            code="share_scope",
        )


def _check_young_person(child: Child, on: date, answer: str) -> None:
    """From 15 the young person's own consent is required for what concerns them; under 15 their view is recorded
    (the child's agreement), not a consent of their own."""
    if age_on(child, on) >= YOUNG_PERSON_AGE:
        if answer not in (YoungPersonAnswer.GIVES, YoungPersonAnswer.REFUSES):
            raise WorkflowError(
                _("The young person is 15 or older: record whether they consent themselves."), code="young_person"
            )
    elif answer:
        raise WorkflowError(_("The child is under 15: record the child's view instead."), code="young_person")


def set_family_language(*, by: User, case: TsiCase, language: str) -> TsiCase:
    """The language the family's pages, letter and plan are in (the family may switch for themselves)."""
    basis = _team_basis(by, case)
    if language not in FAMILY_LANGUAGE_CODES:
        raise WorkflowError(_("Choose one of the languages in the list."), code="language")
    with transaction.atomic():
        case.family_language = language
        case.save(update_fields=["family_language"])
        _audit(by, case, case, basis, step="family_language", language=language)
    return case


def request_consent(*, by: User, case: TsiCase, given: ConsentInput) -> ConsentRequest:
    """Send the proposed consent to the family: each guardian with custody (and from 15 the young person) answers
    on their own page, logged in with e-ID. A newer request replaces an open one."""
    basis = _team_basis(by, case)
    _require_open(case)
    if case.stage in (CaseStage.REQUESTED, CaseStage.MORE_INFO):
        raise WorkflowError(_("The team must accept the request before consent is recorded."), code="not_accepted")
    if not custodial_guardians(case.child):
        raise WorkflowError(_("Every guardian with custody must consent."), code="not_every_guardian")
    if given.valid_until <= timezone.localdate():
        raise WorkflowError(_("The consent must end after it was given."), code="dates")
    _check_scope(given)
    with transaction.atomic():
        case.consent_requests.filter(status=ConsentRequestStatus.OPEN).update(status=ConsentRequestStatus.REPLACED)
        proposal = ConsentRequest.objects.create(
            municipality_id=case.municipality_id,
            case=case, parties=sorted(set(given.parties)), categories=sorted(set(given.categories)),
            share_with=sorted(set(given.share_with)), share_categories=sorted(set(given.share_categories)),
            final_plan_to_school=given.final_plan_to_school, valid_until=given.valid_until,
            child_agreement=given.child_agreement, child_view_note=given.child_view_note, proposed_by=by,
            proposed_at=timezone.now(),
        )  # fmt: skip
        _audit(by, case, proposal, basis, step="consent_request")
    return proposal


def answer_consent_request(
    *, by: User, proposal: ConsentRequest, answer: str, guardian: Guardian | None = None, young_person: bool = False
) -> Consent | None:
    """A guardian with custody, or the young person from 15, answers the request themselves with e-ID (kring.family
    has decided that `by` is that person). When the last one has answered, the consent is recorded as they said;
    returns it then."""
    case = proposal.case
    _require_open(case)
    if answer not in GuardianAnswer.values:
        raise WorkflowError(_("Answer yes or no."), code="answer")
    with transaction.atomic():
        # One answer at a time per request: two last answers at once must not each miss the other.
        proposal = (
            ConsentRequest.objects.select_for_update(of=("self",)).select_related("case__child").get(pk=proposal.pk)
        )
        if proposal.status != ConsentRequestStatus.OPEN:
            raise WorkflowError(_("This request is no longer open."), code="closed_request")
        if proposal.valid_until <= timezone.localdate():
            raise WorkflowError(_("The consent must end after it was given."), code="dates")
        _check_answerer(proposal, guardian, young_person)
        entry = ConsentRequestAnswer.objects.create(
            municipality_id=proposal.municipality_id,
            request=proposal, guardian=guardian, young_person=young_person, answer=answer,
            answered_at=timezone.now(), answered_by=by,
        )  # fmt: skip
        _audit(by, case, entry, None, step="consent_answer", answer=answer, young_person=young_person)
        return _complete_request(by, proposal)


def _check_answerer(proposal: ConsentRequest, guardian: Guardian | None, young_person: bool) -> None:
    answers = list(proposal.answers.all())
    if young_person:
        if age_on(proposal.case.child, timezone.localdate()) < YOUNG_PERSON_AGE:
            raise WorkflowError(_("Only a young person of 15 or older answers on their own."), code="young_person")
        if any(a.young_person for a in answers):
            raise WorkflowError(_("You have already answered."), code="answered")
        return
    if guardian is None or guardian.pk not in {g.pk for g in custodial_guardians(proposal.case.child)}:
        raise WorkflowError(_("Only a guardian with custody can consent."), code="no_custody")
    if any(a.guardian_id == guardian.pk for a in answers):
        raise WorkflowError(_("You have already answered."), code="answered")


def _complete_request(by: User, proposal: ConsentRequest) -> Consent | None:
    """Record the consent once every guardian with custody and, from 15, the young person has answered."""
    case, today = proposal.case, timezone.localdate()
    answers = list(proposal.answers.select_related("guardian"))
    by_guardian = {a.guardian_id: a for a in answers if a.guardian_id is not None}
    guardians = custodial_guardians(case.child)
    young = next((a for a in answers if a.young_person), None)
    needs_young = age_on(case.child, today) >= YOUNG_PERSON_AGE
    if any(g.pk not in by_guardian for g in guardians) or (needs_young and young is None):
        return None
    acts = [
        GuardianAct(g, answer=by_guardian[g.pk].answer, given_on=timezone.localdate(by_guardian[g.pk].answered_at),
                    method=ConsentMethod.DIGITAL)
        for g in guardians
    ]  # fmt: skip
    given = ConsentInput(
        guardians=guardians, parties=proposal.parties, categories=proposal.categories, method=ConsentMethod.DIGITAL,
        given_on=max(act.given_on for act in acts), valid_until=proposal.valid_until,
        child_agreement=proposal.child_agreement, child_view_note=proposal.child_view_note,
        share_with=proposal.share_with, share_categories=proposal.share_categories, acts=acts,
        young_person=(young.answer if young else "") if needs_young else "",
        final_plan_to_school=proposal.final_plan_to_school,
    )  # fmt: skip
    consent = _store_consent(by, case, given, acts, None)
    proposal.status, proposal.consent = ConsentRequestStatus.ANSWERED, consent
    proposal.save(update_fields=["status", "consent"])
    return consent


def _withdrawal_basis(by: User, case: TsiCase) -> Basis:
    """The team, or the principal or student health of the requesting school, who were told of a withdrawal."""
    if case.team_id in units_where(by, CASE_TEAM_ROLES) and can(by, Permission.CASE_WORK):
        return _team_basis(by, case)
    basis = basis_for(by, case)
    if basis is None or case.requesting_unit_id not in units_where(by, CASE_SCHOOL_ROLES):
        raise PermissionDenied
    return basis


def withdraw_consent(
    *, by: User, consent: Consent, guardian: Guardian | None = None, young_person: bool = False, note: str = ""
) -> Consent:
    """A guardian with custody, or the young person from 15, withdraws the consent: sharing ends at once and the case
    closes.

    Never blocked by the workflow: a team member, or the principal or student health of the requesting school who
    were told of it, records it, whatever stage the case is in."""
    case = consent.case
    basis = _withdrawal_basis(by, case)
    _check_withdrawal(consent, guardian=guardian, young_person=young_person)
    _record_withdrawal(by, consent, basis, guardian=guardian, young_person=young_person, note=note)
    return consent


def withdraw_consent_in_person(
    *, by: User, consent: Consent, guardian: Guardian | None = None, young_person: bool = False
) -> Consent:
    """The guardian with custody, or the young person from 15, withdraws the consent themselves, logged in with
    e-ID (kring.family has decided that `by` is that person): exactly as when the team records it, at once."""
    _check_withdrawal(consent, guardian=guardian, young_person=young_person)
    _record_withdrawal(by, consent, None, guardian=guardian, young_person=young_person, note="", in_person=True)
    return consent


def _check_withdrawal(consent: Consent, *, guardian: Guardian | None, young_person: bool) -> None:
    case = consent.case
    if consent.withdrawn_at is not None:
        raise WorkflowError(_("The consent is already withdrawn."), code="withdrawn")
    if young_person:
        if age_on(case.child, timezone.localdate()) < YOUNG_PERSON_AGE:
            raise WorkflowError(_("Only a young person of 15 or older withdraws on their own."), code="young_person")
    elif guardian is None or guardian.pk not in {g.pk for g in custodial_guardians(case.child)}:
        raise WorkflowError(_("Only a guardian with custody can withdraw the consent."), code="no_custody")


def _record_withdrawal(
    by: User,
    consent: Consent,
    basis: Basis | None,
    *,
    guardian: Guardian | None,
    young_person: bool,
    note: str,
    in_person: bool = False,
) -> None:
    case = consent.case
    now = timezone.now()
    with transaction.atomic():
        consent.withdrawn_at = now
        consent.withdrawn_by = None if young_person else guardian
        consent.withdrawn_by_young_person = young_person
        consent.withdrawal_recorded_by = by
        consent.withdrawal_note = note
        consent.save()
        _audit(by, case, consent, basis, step="withdrawal", **({"in_person": True} if in_person else {}))
        if case.stage in OPEN_STAGES:
            _close(case, ClosureReason.CONSENT_WITHDRAWN, note, now)
            _audit(by, case, case, basis, step="closure", reason=ClosureReason.CONSENT_WITHDRAWN)


@dataclass(frozen=True)
class WithdrawalNotice:
    """What a school's contact person in social services was told: whose consent, by whom."""

    child_identity_number: str
    guardian_identity_number: str = ""  # the guardian who withdraws, or ...
    young_person: bool = False  # ... the young person from 15
    note: str = ""


def record_withdrawal_notice(*, by: User, notice: WithdrawalNotice) -> int:
    """A school's contact person in social services, told by a guardian with custody or the young person that they
    withdraw from TSI, records it: every consent in force of the child's open cases requested by the schools they
    are contact person for is withdrawn at once. They see nothing of the cases, and the answer is the same whether
    or not there was one (the notice is audited with how many consents it ended). Returns that number."""
    if not units_where(by, SOCIAL_SERVICES_ROLES) or by.municipality_id is None:
        raise PermissionDenied
    schools = ContactPerson.objects.filter(user_id=by.pk).values("school_id")
    child = Child.objects.filter(
        municipality_id=by.municipality_id, identity_number=notice.child_identity_number
    ).first()
    withdrawn = 0
    with transaction.atomic():
        cases = (
            TsiCase.objects.filter(child=child, requesting_unit_id__in=schools, stage__in=OPEN_STAGES) if child else []
        )
        for case in cases:
            consent = active_consent(case)
            guardian = next(
                (g for g in custodial_guardians(case.child) if g.identity_number == notice.guardian_identity_number),
                None,
            )
            may = (notice.young_person and age_on(case.child, timezone.localdate()) >= YOUNG_PERSON_AGE) or (
                not notice.young_person and guardian is not None
            )
            if consent is not None and may:
                young = notice.young_person
                _record_withdrawal(by, consent, None, guardian=guardian, young_person=young, note=notice.note)
                withdrawn += 1
        record_event(
            actor=by,
            action=AuditAction.WRITE,
            target_type="consent_withdrawal_notice",
            child_id=child.pk if child else None,
            details={"withdrawn": withdrawn, "young_person": notice.young_person},
        )
    return withdrawn


# --- the work of the case ---------------------------------------------------------------------------------------


def record_story(
    *,
    by: User,
    case: TsiCase,
    teller: str,
    told_by: str,
    told_on: date,
    text: str,
    secret_from_guardians: bool = False,
) -> Story:
    """A story, shown to the family unless it is secret towards the guardians (the child's, told in confidence)."""
    basis = _team_basis(by, case)
    _require_open(case)
    _require_consent(case)
    with transaction.atomic():
        story = Story.objects.create(
            municipality_id=case.municipality_id,
            case=case, teller=teller, told_by=told_by, told_on=told_on, text=text, recorded_by=by,
            recorded_at=timezone.now(), secret_from_guardians=secret_from_guardians,
        )  # fmt: skip
        _audit(by, case, story, basis, teller=teller, secret_from_guardians=secret_from_guardians)
    return story


def record_need(*, by: User, case: TsiCase, area: str, kind: str, aspect: str, text: str) -> Need:
    basis = _team_basis(by, case)
    _require_open(case)
    _require_consent(case)
    with transaction.atomic():
        need = Need.objects.create(
            municipality_id=case.municipality_id,
            case=case,
            area=area,
            kind=kind,
            aspect=aspect,
            text=text,
            recorded_by=by,
            recorded_at=timezone.now(),
        )
        _audit(by, case, need, basis, area=area, kind=kind)
    return need


def propose_intervention(
    *,
    by: User,
    case: TsiCase,
    area: str,
    kind: str,
    description: str,
    responsible: str,
    start_on: date,
    end_on: date | None,
) -> Intervention:
    basis = _team_basis(by, case)
    _require_open(case)
    _require_consent(case)
    if end_on is not None and end_on < start_on:
        raise WorkflowError(_("The end must be on or after the start."), code="dates")
    with transaction.atomic():
        intervention = Intervention.objects.create(
            municipality_id=case.municipality_id,
            case=case, area=area, kind=kind, description=description, responsible=responsible, start_on=start_on,
            end_on=end_on,
        )  # fmt: skip
        _audit(by, case, intervention, basis, area=area, kind=kind)
    return intervention


def set_intervention_status(*, by: User, intervention: Intervention, status: str) -> Intervention:
    case = intervention.case
    basis = _team_basis(by, case)
    _require_open(case)
    if status not in InterventionStatus.values:
        raise WorkflowError(_("Choose a status."), code="status")
    with transaction.atomic():
        intervention.status = status
        intervention.save(update_fields=["status"])
        _audit(by, case, intervention, basis, status=status)
    return intervention


@dataclass(frozen=True)
class ParticipantInput:
    name: str
    role: str


def book_meeting(
    *,
    by: User,
    case: TsiCase,
    kind: str,
    starts_at: datetime,
    place: str,
    neutral_arena: bool,
    participants: Sequence[ParticipantInput] = (),
) -> Meeting:
    """Book a meeting: the information meeting with the guardians, the network meeting on a neutral arena, or a
    follow-up. Everything but the information meeting needs consent."""
    basis = _team_basis(by, case)
    _require_open(case)
    if kind != MeetingKind.INFORMATION:
        _require_consent(case)
    elif case.stage in (CaseStage.REQUESTED, CaseStage.MORE_INFO):
        raise WorkflowError(_("The team must accept the request first."), code="not_accepted")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            municipality_id=case.municipality_id,
            case=case,
            kind=kind,
            starts_at=starts_at,
            place=place,
            neutral_arena=neutral_arena,
            booked_by=by,
        )
        Participant.objects.bulk_create(
            Participant(municipality_id=meeting.municipality_id, meeting=meeting, name=p.name, role=p.role)
            for p in participants
            if p.name.strip()
        )
        _audit(by, case, meeting, basis, kind=kind)
    return meeting


def record_meeting_notes(*, by: User, meeting: Meeting, notes: str, attended_ids: Iterable[int]) -> Meeting:
    case = meeting.case
    basis = _team_basis(by, case)
    if not meeting.has_begun:
        raise WorkflowError(
            _("The meeting has not begun yet: write its notes once it has taken place."), code="not_started"
        )
    attended = set(attended_ids)
    with transaction.atomic():
        meeting.notes = notes
        meeting.held = True
        meeting.save(update_fields=["notes", "held"])
        for participant in meeting.participants.all():
            participant.attended = participant.pk in attended
            participant.save(update_fields=["attended"])
        _audit(by, case, meeting, basis, held=True)
    return meeting


@dataclass(frozen=True)
class PlanInput:
    agreed_on: date
    goals: list[dict[str, str]]
    actions: list[dict[str, str]]
    next_follow_up: date
    overall_responsible: str
    meeting: Meeting | None = None


def agree_plan(*, by: User, case: TsiCase, plan: PlanInput) -> PlanVersion:
    """Record the joint plan agreed at a meeting as a new version; set the next follow-up."""
    basis = _team_basis(by, case)
    _require_open(case)
    _require_consent(case)
    if not plan.goals or not plan.actions:
        raise WorkflowError(_("A plan needs at least one goal and one action."), code="empty_plan")
    if plan.next_follow_up < plan.agreed_on:
        raise WorkflowError(_("The follow-up must be on or after the day the plan was agreed."), code="dates")
    _check_agreed_on(case, plan)
    approval = needs_approval(case.municipality_id, ApprovalKind.TSI_PLAN)
    with transaction.atomic():
        number = (case.plan_versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = PlanVersion.objects.create(
            municipality_id=case.municipality_id, case=case, number=number, agreed_on=plan.agreed_on,
            meeting=plan.meeting, goals=plan.goals,
            actions=plan.actions, next_follow_up=plan.next_follow_up, overall_responsible=plan.overall_responsible,
            recorded_by=by, recorded_at=timezone.now(), approval=ApprovalStatus.PENDING if approval else "",
        )  # fmt: skip
        _audit(by, case, version, basis, version=number, awaits_approval=approval)
        if approval:
            request_approval(by=by, kind=ApprovalKind.TSI_PLAN, unit=case.team, payload={"version": number},
                             case=case, plan=version)  # fmt: skip
        else:
            _put_plan_in_force(case, version)
    return version


NOT_IN_FORCE = (ApprovalStatus.PENDING, ApprovalStatus.RETURNED)


def _put_plan_in_force(case: TsiCase, version: PlanVersion) -> None:
    """The plan's follow-up is booked and the case goes to follow-up."""
    FollowUp.objects.get_or_create(
        municipality_id=case.municipality_id, case=case, due_on=version.next_follow_up, done_on=None
    )
    _set_stage(case, CaseStage.FOLLOW_UP)
    case.save()


def plan_approved(approval: Approval, by: User) -> None:
    """The unit manager approved the plan: it is in force now (registered with the approvals)."""
    assert approval.plan is not None and approval.case is not None
    PlanVersion.objects.filter(pk=approval.plan.pk).update(approval=ApprovalStatus.APPROVED)
    if approval.case.is_open:
        _put_plan_in_force(approval.case, approval.plan)


def _check_agreed_on(case: TsiCase, plan: PlanInput) -> None:
    """A plan is agreed at or after the meeting it comes from, and not in the future."""
    if plan.agreed_on > timezone.localdate():
        raise WorkflowError(_("A plan cannot be agreed on a day that has not come yet."), code="future")
    meeting = plan.meeting
    if meeting is None:
        return
    if meeting.case_id != case.pk:
        raise WorkflowError(_("The meeting belongs to another case."), code="meeting")
    held_on = timezone.localdate(meeting.starts_at)
    if not meeting.has_begun or plan.agreed_on < held_on:
        raise WorkflowError(
            _("The plan cannot be agreed before the meeting it comes from (%(date)s).") % {"date": held_on.isoformat()},
            code="before_meeting",
        )


def plan_on(case: TsiCase, day: date) -> PlanVersion | None:
    """What the plan said on a given day: the newest version agreed on or before it (that is in force: not one
    waiting for approval or returned)."""
    versions = case.plan_versions.filter(agreed_on__lte=day).exclude(approval__in=NOT_IN_FORCE)
    return versions.order_by("-agreed_on", "-number").first()


@dataclass(frozen=True)
class OutcomeInput:
    measured_on: date
    occasion: str
    attendance_percent: int | None
    home_conflicts: int | None
    listened_to: int | None
    notes: str = ""


def record_outcome(*, by: User, case: TsiCase, outcome: OutcomeInput) -> OutcomeMeasure:
    basis = _team_basis(by, case)
    _require_open(case)  # a closed or withdrawn case takes no new outcome data
    _require_consent(case)
    _check_scales(outcome)
    with transaction.atomic():
        measure = OutcomeMeasure.objects.create(
            municipality_id=case.municipality_id, case=case, measured_on=outcome.measured_on, occasion=outcome.occasion,
            attendance_percent=outcome.attendance_percent, home_conflicts=outcome.home_conflicts,
            listened_to=outcome.listened_to, notes=outcome.notes, recorded_by=by,
        )  # fmt: skip
        _audit(by, case, measure, basis, occasion=outcome.occasion)
    return measure


def record_guardian_rating(*, by: User, case: TsiCase, guardian: Guardian, home_conflicts: int) -> OutcomeMeasure:
    """A guardian's own rating of conflicts at home (1–5), given on their page at a follow-up (kring.family has
    decided that `by` is this guardian): one of the case's outcome measures."""
    _require_open(case)
    _require_consent(case)
    _check_scales(
        OutcomeInput(
            measured_on=timezone.localdate(), occasion="", attendance_percent=None, home_conflicts=home_conflicts,
            listened_to=None,
        )
    )  # fmt: skip
    with transaction.atomic():
        # One rating a day per guardian: a second one that day replaces the first (the measure is not a tally).
        measure, _created = OutcomeMeasure.objects.update_or_create(
            municipality_id=case.municipality_id,
            case=case, measured_on=timezone.localdate(), given_by=RatingGiver.GUARDIAN, guardian=guardian,
            defaults={"occasion": Occasion.FOLLOW_UP, "home_conflicts": home_conflicts, "recorded_by": by},
        )  # fmt: skip
        _audit(by, case, measure, None, given_by=RatingGiver.GUARDIAN)
    return measure


@dataclass(frozen=True)
class VoiceInput:
    how_it_goes: int
    listened_to: int | None
    words: str
    secret_from_guardians: bool
    occasion: str
    with_adult: str = ""


def record_child_voice(*, by: User, case: TsiCase, voice: VoiceInput) -> ChildVoice:
    """The child's own voice, filled in with a trusted adult of the team on a tablet."""
    basis = _team_basis(by, case)
    return _save_voice(by, case, voice, basis)


def record_own_voice(*, by: User, case: TsiCase, voice: VoiceInput) -> ChildVoice:
    """The young person's own voice, logged in themselves (kring.family has decided that `by` is the child)."""
    if age_on(case.child, timezone.localdate()) < YOUNG_PERSON_AGE:
        raise PermissionDenied
    return _save_voice(by, case, voice, None)


def _save_voice(by: User, case: TsiCase, voice: VoiceInput, basis: Basis | None) -> ChildVoice:
    _require_open(case)
    _require_consent(case)
    if not 1 <= voice.how_it_goes <= 5 or (voice.listened_to is not None and not 1 <= voice.listened_to <= 5):
        raise WorkflowError(_("Choose one of the five faces."), code="scale")
    now = timezone.now()
    with transaction.atomic():
        entry = ChildVoice.objects.create(
            municipality_id=case.municipality_id,
            case=case, given_on=now.date(), occasion=voice.occasion, how_it_goes=voice.how_it_goes,
            listened_to=voice.listened_to, words=voice.words, secret_from_guardians=voice.secret_from_guardians,
            with_adult=voice.with_adult, recorded_by=by, recorded_at=now,
        )  # fmt: skip
        if voice.listened_to is not None:
            OutcomeMeasure.objects.create(
                municipality_id=case.municipality_id, case=case, measured_on=timezone.localdate(),
                occasion=voice.occasion, listened_to=voice.listened_to,
                recorded_by=by, given_by=RatingGiver.CHILD, secret_from_guardians=voice.secret_from_guardians,
            )  # fmt: skip
        _audit(by, case, entry, basis, occasion=voice.occasion)
    return entry


def _check_scales(outcome: OutcomeInput) -> None:
    if outcome.attendance_percent is not None and not 0 <= outcome.attendance_percent <= 100:
        raise WorkflowError(_("Attendance is a percentage from 0 to 100."), code="attendance")
    for value in (outcome.home_conflicts, outcome.listened_to):
        if value is not None and not 1 <= value <= 5:
            raise WorkflowError(_("A rating is from 1 to 5."), code="rating")


def complete_follow_up(*, by: User, follow_up: FollowUp, done_on: date, notes: str, next_due: date | None) -> FollowUp:
    case = follow_up.case
    basis = _team_basis(by, case)
    _require_open(case)
    if next_due is not None and next_due <= done_on:
        raise WorkflowError(_("The next follow-up must be after this one."), code="dates")
    with transaction.atomic():
        follow_up.done_on = done_on
        follow_up.notes = notes
        follow_up.save(update_fields=["done_on", "notes"])
        if next_due is not None:
            FollowUp.objects.create(municipality_id=case.municipality_id, case=case, due_on=next_due)
        _audit(by, case, follow_up, basis, done_on=done_on.isoformat())
    return follow_up


# --- closure ----------------------------------------------------------------------------------------------------


def _close(case: TsiCase, reason: str, note: str, now: datetime) -> None:
    _set_stage(case, CaseStage.CLOSED)
    case.closed_at = now
    case.closure_reason = reason
    case.closure_note = note
    case.save()


def close_case(*, by: User, case: TsiCase, reason: str, note: str = "") -> TsiCase | Approval:
    """Close the case; where the municipality asks for it, the closure waits for the unit manager's approval (the
    approval is returned then, and the case stays open)."""
    basis = _team_basis(by, case)
    _require_open(case)
    if reason not in ClosureReason.values:
        raise WorkflowError(_("Give the reason for closing the case."), code="reason")
    if needs_approval(case.municipality_id, ApprovalKind.TSI_CLOSURE):
        with transaction.atomic():
            return request_approval(by=by, kind=ApprovalKind.TSI_CLOSURE, unit=case.team,
                                    payload={"reason": reason, "note": note}, case=case)  # fmt: skip
    with transaction.atomic():
        _close(case, reason, note, timezone.now())
        _audit(by, case, case, basis, step="closure", reason=reason)
    return case


def closure_approved(approval: Approval, by: User) -> None:
    """The unit manager approved the closure: the case closes now (registered with the approvals)."""
    case = approval.case
    assert case is not None
    _require_open(case)
    _close(case, approval.payload["reason"], approval.payload.get("note", ""), timezone.now())
