"""What a family member may see: the one place the family's access is decided.

A guardian sees the children in their custody today (the register's custody, matched on the blind index of their
identity number), unless a decision blocks them; a young person of 15 or more sees themselves. Of a child they see
the TSI cases the family has been asked into (from the information and consent stage), and of a case only what the
team shares with the family: the plan in force and its history, the meetings, the follow-ups, the consents, their
own ratings, and the stories not secret towards the guardians. Never social services' own records, reports of
concern or what the school holds outside the case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from kring.casework.models import (
    YOUNG_PERSON_AGE,
    CaseStage,
    ChildVoice,
    Consent,
    ConsentRequest,
    ConsentRequestAnswer,
    ConsentRequestStatus,
    FollowUp,
    Meeting,
    OutcomeMeasure,
    PlanVersion,
    RatingGiver,
    Story,
    TsiCase,
)
from kring.casework.tsi.actions import NOT_IN_FORCE, age_on
from kring.casework.tsi.basis import active_consent
from kring.casework.tsi.documents import Goal, PlanAction, plan_actions, plan_goals
from kring.family.models import AccessBlock, FamilyAccount
from kring.people.models import Child, Custody, Guardian

ADULT_AGE = 18
FAMILY_STAGES = (CaseStage.INFORMATION, CaseStage.ACTIVE, CaseStage.FOLLOW_UP)


@dataclass(frozen=True)
class FamilyChild:
    """A child as a family member sees them: as one of their guardians, or as the young person themselves."""

    child: Child
    guardian: Guardian | None  # the viewer's own guardian record, when they see the child as guardian
    young_person: bool = False

    @property
    def as_guardian(self) -> bool:
        return self.guardian is not None


def guardians_of(account: FamilyAccount) -> QuerySet[Guardian]:
    return Guardian.objects.filter(identity_index=account.identity_index)


def _blocked_children(guardian_ids: list[int]) -> set[int]:
    """The children this person is blocked from, through any of their guardian records (a person may have two: one
    entered by hand, one imported)."""
    rows = AccessBlock.objects.filter(guardian_id__in=guardian_ids, lifted_at__isnull=True)
    return set(rows.values_list("child_id", flat=True))


def _in_custody(guardian_ids: list[int], today: date) -> list[Custody]:
    """The person's custodies of children under 18 today, not blocked (custody ends at 18, FB 6 kap 2 §, though the
    school register may still link the two)."""
    blocked = _blocked_children(guardian_ids)
    custodies = Custody.objects.filter(guardian_id__in=guardian_ids).select_related("child")
    return [
        custody
        for custody in custodies.order_by("child__birth_date", "child_id")
        if custody.child_id not in blocked and age_on(custody.child, today) < ADULT_AGE
    ]


def children_of(account: FamilyAccount, today: date) -> list[FamilyChild]:
    """The children in the family member's custody today, not blocked, and themselves from 15."""
    guardians = {g.pk: g for g in guardians_of(account)}
    seen: dict[int, FamilyChild] = {}
    for custody in _in_custody(list(guardians), today):
        seen.setdefault(custody.child_id, FamilyChild(custody.child, guardians[custody.guardian_id]))
    for child in Child.objects.filter(identity_index=account.identity_index):
        if age_on(child, today) >= YOUNG_PERSON_AGE:
            seen[child.pk] = FamilyChild(child, None, young_person=True)
    return list(seen.values())


def has_anything_to_show(identity_index: str, today: date) -> bool:
    """Whether a person with this index is a guardian with custody or a young person of 15 or more in Kring."""
    guardian_ids = list(Guardian.objects.filter(identity_index=identity_index).values_list("pk", flat=True))
    if _in_custody(guardian_ids, today):
        return True
    return any(age_on(c, today) >= YOUNG_PERSON_AGE for c in Child.objects.filter(identity_index=identity_index))


def blocked_from(child: Child) -> set[int]:
    """The guardian records of every person blocked from this child (through any of their records)."""
    blocked = AccessBlock.objects.filter(child=child, lifted_at__isnull=True).values_list(
        "guardian__identity_index", "guardian_id"
    )
    indexes = {index for index, _pk in blocked if index}
    ids = {pk for _index, pk in blocked}
    return ids | set(Guardian.objects.filter(identity_index__in=indexes).values_list("pk", flat=True))


def family_cases(child: Child) -> QuerySet[TsiCase]:
    """The child's TSI cases the family has been asked into (a case closed before that is not theirs to read)."""
    return _asked_into().filter(child=child)


def _asked_into() -> QuerySet[TsiCase]:
    asked = Q(stage__in=FAMILY_STAGES) | Q(stage=CaseStage.CLOSED, consents__isnull=False)
    return TsiCase.objects.filter(asked).distinct().select_related("team", "requesting_unit", "child")


def children_with_cases(account: FamilyAccount, today: date) -> list[tuple[FamilyChild, list[TsiCase]]]:
    """Each child the family member sees, with the cases they have been asked into (one query for all cases)."""
    children = children_of(account, today)
    cases = _asked_into().filter(child_id__in=[item.child.pk for item in children]).order_by("requested_at")
    by_child: dict[int, list[TsiCase]] = {}
    for case in cases:
        by_child.setdefault(case.child_id, []).append(case)
    return [(item, by_child.get(item.child.pk, [])) for item in children]


def family_child(account: FamilyAccount, child_pk: int, today: date) -> FamilyChild:
    for item in children_of(account, today):
        if item.child.pk == child_pk:
            return item
    raise Http404


@dataclass
class FamilyCase:
    """One case as the family sees it."""

    case: TsiCase
    viewer: FamilyChild
    plan: PlanVersion | None
    plan_history: list[PlanVersion]
    meetings: list[Meeting]
    follow_ups: list[FollowUp]
    consents: list[Consent]
    consent_in_force: Consent | None
    stories: list[Story]
    own_ratings: list[OutcomeMeasure]
    voices: list[ChildVoice]
    guardians: list[Guardian] = field(default_factory=list)
    open_request: ConsentRequest | None = None
    my_answer: ConsentRequestAnswer | None = None

    @property
    def withdrawable(self) -> list[Consent]:
        """Every consent not withdrawn and not a refusal: in force, or past its date but still letting the school
        keep the final plan. A withdrawal ends them all."""
        return [c for c in self.consents if c.withdrawn_at is None and not c.is_refused]

    @property
    def may_withdraw(self) -> bool:
        return bool(self.withdrawable)

    @property
    def goals(self) -> list[Goal]:
        return plan_goals(self.plan) if self.plan else []

    @property
    def plan_actions(self) -> list[PlanAction]:
        return plan_actions(self.plan) if self.plan else []

    @property
    def may_answer(self) -> bool:
        """A consent request waits for this family member's own answer."""
        return self.open_request is not None and self.my_answer is None and self.case.is_open

    @property
    def may_rate(self) -> bool:
        return self.viewer.as_guardian and self.case.is_open and self.consent_in_force is not None

    @property
    def may_give_voice(self) -> bool:
        return self.viewer.young_person and self.case.is_open and self.consent_in_force is not None

    @property
    def school(self) -> str:
        """Never for a child with protected identity."""
        return "" if self.case.child.protected_identity else self.case.requesting_unit.name

    @property
    def place_hidden(self) -> bool:
        """A meeting's place may name the school or an address: never on the pages of a child with protected
        identity (the team tells the family where, the way they agree)."""
        return self.case.child.protected_identity


def family_case(account: FamilyAccount, case_pk: int, today: date) -> FamilyCase:
    """The case, if it is one of a child the family member sees; 404 otherwise."""
    case = TsiCase.objects.filter(pk=case_pk).select_related("team", "requesting_unit", "child").first()
    if case is None:
        raise Http404
    viewer = family_child(account, case.child_id, today)
    if not family_cases(viewer.child).filter(pk=case.pk).exists():
        raise Http404
    return _assemble(case, viewer, today)


def _visible(viewer: FamilyChild) -> Q:
    return Q() if viewer.young_person else Q(secret_from_guardians=False)


def _assemble(case: TsiCase, viewer: FamilyChild, today: date) -> FamilyCase:
    versions = list(
        case.plan_versions.exclude(approval__in=NOT_IN_FORCE)
        .filter(agreed_on__lte=today)
        .order_by("-agreed_on", "-number")
    )
    current = next((v for v in versions if v.agreed_on <= today), None)
    own = Q(given_by=RatingGiver.GUARDIAN, guardian=viewer.guardian) if viewer.guardian else Q(pk__in=[])
    custodians = Guardian.objects.filter(custodies__child_id=case.child_id).order_by("last_name", "first_name")
    request = case.consent_requests.filter(status=ConsentRequestStatus.OPEN).first()
    return FamilyCase(
        case=case,
        viewer=viewer,
        plan=current,
        plan_history=versions,
        meetings=list(case.meetings.prefetch_related("participants").order_by("starts_at")),
        follow_ups=list(case.follow_ups.order_by("due_on")),
        consents=list(case.consents.prefetch_related("scopes", "givers__guardian").select_related("withdrawn_by")),
        consent_in_force=active_consent(case, today),
        stories=list(case.stories.filter(_visible(viewer))),
        own_ratings=list(case.outcomes.filter(own).order_by("measured_on")),
        voices=list(case.child_voices.filter(_visible(viewer))) if viewer.young_person else [],
        guardians=list(custodians),
        open_request=request,
        my_answer=_own_answer(request, viewer),
    )


def _own_answer(request: ConsentRequest | None, viewer: FamilyChild) -> ConsentRequestAnswer | None:
    if request is None:
        return None
    mine = Q(young_person=True) if viewer.young_person else Q(guardian=viewer.guardian)
    return request.answers.filter(mine).first()


def family_meeting(account: FamilyAccount, case_pk: int, meeting_pk: int, today: date) -> tuple[FamilyCase, Meeting]:
    view = family_case(account, case_pk, today)
    for meeting in view.meetings:
        if meeting.pk == meeting_pk:
            return view, meeting
    raise Http404
