"""Writes of a group's meetings: keyword-only, `by=`, atomic, each with its audit event.

A meeting is read and recorded by the members of the group only. A child is discussed anonymously; identifying
the child needs a basis for the child (you can only tell what you know) and a recorded ground for the group: the
consent of every guardian with custody (FB 6 kap 13 §), scoped to organisations of the group, or social services'
decision to tell the police (OSL 10 kap 18 a §: social services to the police only, a person under 21, a risk of
crime, its reason recorded)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import basis_for, can, grants_where, organisations_where, visible_to
from kring.access.roles import SOCIAL_SERVICES_ROLES, Permission, Role
from kring.casework.reports.actions import identifying_in
from kring.casework.workflow import WorkflowError
from kring.collaboration.models import (
    Attendance,
    CollaborationGroup,
    Discussion,
    GroupMeeting,
    GroupMember,
    IdentifiedDiscussion,
    MeetingAction,
    PoliceDisclosure,
)
from kring.directory.models import Organisation, OrganisationKind, User
from kring.legal import cite
from kring.people.identity import age_on as age_in_years
from kring.people.models import Child, Guardian, Placement

YOUNG_PERSON_AGE_LIMIT = 21  # OSL 10 kap 18 a §: a person under 21
ADULT_AGE = 18  # from 18 no guardian consents for the young person


def sits_in(user: User, group: CollaborationGroup) -> bool:
    return GroupMember.objects.filter(group=group, user_id=user.pk).exists()


def may_attend(user: User, group: CollaborationGroup) -> bool:
    """Only the group's members read and record its meetings (a coordinator who keeps the minutes is named in the
    group as its secretary)."""
    if group.municipality_id != user.municipality_id or not can(user, Permission.COLLABORATION_VIEW):
        return False
    return sits_in(user, group)


def _audit(by: User, target: str, pk: int, child_id: int | None = None, **details: object) -> None:
    record_event(
        actor=by, action=AuditAction.WRITE, target_type=target, target_id=pk, child_id=child_id, details=details
    )


@dataclass(frozen=True)
class ActionInput:
    text: str
    owner: User
    due_on: date


@dataclass(frozen=True)
class MeetingInput:
    held_on: date
    agenda: str
    place: str = ""
    minutes: str = ""
    decisions: str = ""
    present: list[GroupMember] = field(default_factory=list)
    actions: list[ActionInput] = field(default_factory=list)


def save_meeting(
    *, group: CollaborationGroup, given: MeetingInput, by: User, meeting: GroupMeeting | None = None
) -> GroupMeeting:
    """Plan or record a meeting: agenda, who came, minutes, decisions, and new actions (each with an owner)."""
    if not may_attend(by, group) or (meeting is not None and meeting.group_id != group.pk):
        raise PermissionDenied
    if any(member.group_id != group.pk for member in given.present):
        raise PermissionDenied
    if any(action.owner.municipality_id != group.municipality_id for action in given.actions):
        raise PermissionDenied
    written = [given.place, given.agenda, given.minutes, given.decisions, *(action.text for action in given.actions)]
    check_anonymous("\n".join(written), group, by)  # every member reads the minutes: no child is named in them
    values = {
        "held_on": given.held_on, "place": given.place.strip(), "agenda": given.agenda.strip(),
        "minutes": given.minutes.strip(), "decisions": given.decisions.strip(),
    }  # fmt: skip
    with transaction.atomic():
        if meeting is None:
            meeting = GroupMeeting.objects.create(
                municipality_id=group.municipality_id, group=group, recorded_by=by, recorded_at=timezone.now(), **values
            )
        else:
            for name, value in values.items():
                setattr(meeting, name, value)
            meeting.save()
        _record_attendance(meeting, group, given.present)
        MeetingAction.objects.bulk_create(
            MeetingAction(
                municipality_id=meeting.municipality_id,
                meeting=meeting,
                text=a.text.strip(),
                owner=a.owner,
                due_on=a.due_on,
            )
            for a in given.actions
        )
        _audit(by, "group_meeting", meeting.pk, group=group.pk, actions=len(given.actions))
    return meeting


def _record_attendance(meeting: GroupMeeting, group: CollaborationGroup, present: list[GroupMember]) -> None:
    """Who of the group's members came, as they are named today."""
    came = {member.pk for member in present}
    meeting.attendance.all().delete()
    members = group.members.select_related("user", "organisation")
    Attendance.objects.bulk_create(
        Attendance(
            municipality_id=meeting.municipality_id,
            meeting=meeting,
            user=m.user,
            name=m.display_name,
            organisation=m.organisation,
            present=m.pk in came,
        )
        for m in members
    )


def complete_action(*, action: MeetingAction, by: User) -> MeetingAction:
    if by.pk != action.owner_id and not may_attend(by, action.meeting.group):
        raise PermissionDenied
    with transaction.atomic():
        action.done_at = timezone.now()
        action.save(update_fields=["done_at"])
        _audit(by, "meeting_action", action.pk, done=True)
    return action


def check_anonymous(text: str, group: CollaborationGroup, by: User) -> None:
    """What the group's members all read names no child: no identity number, and no name of a child placed in any
    school or preschool of the municipality. The refusal names nothing it matched (a member, the police too, must
    not learn from it who goes to school here), and is audited, so that probing shows in log review."""
    placed = Placement.objects.current().filter(unit__municipality_id=group.municipality_id)
    found = identifying_in(text, placed)
    if found:
        record_event(
            actor=by, action=AuditAction.WRITE, target_type="group_text_refused", target_id=group.pk,
            details={"matches": len(found)},
        )  # fmt: skip
        raise WorkflowError(
            _(
                "A child is discussed without being named. Remove identity numbers and children's names and "
                "describe the situation instead; the child can be identified only under a recorded basis."
            ),
            code="identifying",
        )


def add_discussion(
    *, meeting: GroupMeeting, age_band: str, issue: str, description: str, brought_by: Organisation, by: User
) -> Discussion:
    group = meeting.group
    if not may_attend(by, group) or brought_by.municipality_id != group.municipality_id:
        raise PermissionDenied
    check_anonymous(description, group, by)
    with transaction.atomic():
        discussion = Discussion.objects.create(
            municipality_id=meeting.municipality_id, meeting=meeting, age_band=age_band, issue=issue,
            description=description.strip(), brought_by=brought_by,
            recorded_by=by, recorded_at=timezone.now(),
        )  # fmt: skip
        _audit(by, "group_discussion", discussion.pk, meeting=meeting.pk, identified=False)
    return discussion


@dataclass(frozen=True)
class ConsentInput:
    """Every guardian with custody consented that the child is discussed by these organisations of the group."""

    organisations: list[Organisation]
    given_on: date
    until: date | None = None


def is_social_services(user: User) -> bool:
    """A social worker or unit manager of a social services organisation of the user's own municipality."""
    return bool(organisations_where(user, SOCIAL_SERVICES_ROLES, kind=OrganisationKind.SOCIAL_SERVICES))


def is_police(user: User) -> bool:
    return bool(organisations_where(user, {Role.POLICE_OFFICER}, kind=OrganisationKind.POLICE))


def _known_child(by: User, identity_number: str, municipality_id: int) -> Child:
    """The child, if the user has a basis for the child: one can only tell the group what one knows."""
    child = visible_to(by, Child.objects.filter(municipality_id=municipality_id, identity_number=identity_number))
    found = child.first()
    if found is None:
        raise WorkflowError(
            _("You have no basis for a child with this identity number: you can identify only a child you know of."),
            code="identity_number",
        )
    if found.protected_identity:
        raise WorkflowError(
            _("A child with protected identity is not identified in a collaboration group."), code="identity_number"
        )
    return found


def age_on(child: Child, day: date) -> int:
    return age_in_years(child.birth_date, day)


def _police_ground(
    by: User, child: Child, group: CollaborationGroup, today: date, *, conditions: bool
) -> list[Organisation]:
    """OSL 10 kap 18 a §: social services only, a person under 21, the conditions confirmed, police organisations
    that sit in the group."""
    if not conditions:
        raise WorkflowError(
            _("Confirm the conditions of the provision before telling the police."), code="police_reason"
        )
    if not is_social_services(by):
        raise WorkflowError(
            _("Only social services decide to tell the police (%(law)s).")
            % {"law": cite("crime_prevention_disclosure")},
            code="police_reason",
        )
    if age_on(child, today) >= YOUNG_PERSON_AGE_LIMIT:
        raise WorkflowError(_("The provision covers only a person under 21."), code="police_reason")
    police = list(group.organisations.filter(kind=OrganisationKind.POLICE))
    if not police:
        raise WorkflowError(_("No police organisation sits in this group."), code="police_reason")
    return police


def _consent_ground(child: Child, group: CollaborationGroup, consent: ConsentInput, today: date) -> list[Guardian]:
    if age_on(child, today) >= ADULT_AGE:
        raise WorkflowError(
            _("From 18 the young person decides alone: the guardians' consent is no ground."), code="consent"
        )
    allowed = set(group.organisations.values_list("pk", flat=True))
    if not consent.organisations or any(o.pk not in allowed for o in consent.organisations):
        raise WorkflowError(_("The consent covers organisations of the group only."), code="consent_organisations")
    if consent.given_on > today or (consent.until is not None and consent.until < consent.given_on):
        raise WorkflowError(_("The consent's dates are not possible."), code="consent_given_on")
    guardians = list(Guardian.objects.filter(custodies__child=child).distinct())
    if not guardians:
        raise WorkflowError(
            _("No guardian with custody is recorded for the child: a consent cannot be recorded."), code="consent"
        )
    return guardians


def identify_child(
    *,
    discussion: Discussion,
    identity_number: str,
    notes: str,
    by: User,
    today: date,
    consent: ConsentInput | None = None,
    police_reason: str = "",
    police_conditions: bool = False,
) -> IdentifiedDiscussion:
    """Identify the child of an anonymous discussion, under the guardians' consent, social services' decision to
    tell the police, or both; the identified record is the group's, read only through its basis."""
    group = discussion.meeting.group
    if group.municipality_id != by.municipality_id or not sits_in(by, group):
        raise PermissionDenied
    if IdentifiedDiscussion.objects.filter(discussion=discussion).exists():
        raise WorkflowError(_("The child of this discussion is already identified."), code="identity_number")
    if consent is None and not police_reason.strip():
        raise WorkflowError(
            _("Record the ground: the guardians' consent, or social services' decision to tell the police."),
            code="ground",
        )
    child = _known_child(by, identity_number, group.municipality_id)
    guardians = _consent_ground(child, group, consent, today) if consent is not None else []
    police = _police_ground(by, child, group, today, conditions=police_conditions) if police_reason.strip() else []
    now = timezone.now()
    with transaction.atomic():
        identified = IdentifiedDiscussion.objects.create(
            municipality_id=group.municipality_id, discussion=discussion, child=child, notes=notes.strip(),
            identified_by=by, identified_by_kind=_kind_of(by), identified_at=now,
            consent_given_on=consent.given_on if consent else None,
            consent_until=consent.until if consent else None,
        )  # fmt: skip
        if consent is not None:
            own = {"municipality_id": identified.municipality_id}
            identified.consent_organisations.set(consent.organisations, through_defaults=own)
            identified.consent_guardians.set(guardians, through_defaults=own)
        _record_disclosures(identified, police, police_reason, by)
        record_event(
            actor=by, action=AuditAction.WRITE, target_type="group_discussion_identified", target_id=identified.pk,
            child_id=child.pk, basis=basis_for(by, child),
            details={"consent": consent is not None, "police": [o.pk for o in police]},
        )  # fmt: skip
    return identified


def _kind_of(user: User) -> str:
    """The kind of organisation the user writes for: social services first, then the police, else the first."""
    for kind in (OrganisationKind.SOCIAL_SERVICES, OrganisationKind.POLICE):
        if organisations_where(user, kind=kind):
            return str(kind)
    kinds = sorted(grant.organisation_kind for grant in grants_where(user))
    return kinds[0] if kinds else ""


def _record_disclosures(identified: IdentifiedDiscussion, police: list[Organisation], reason: str, by: User) -> None:
    now = timezone.now()
    PoliceDisclosure.objects.bulk_create(
        PoliceDisclosure(
            municipality_id=identified.municipality_id,
            identified=identified,
            police=o,
            reason=reason.strip(),
            decided_by=by,
            decided_at=now,
            risk_confirmed=True,
            not_inappropriate_confirmed=True,
        )  # fmt: skip
        for o in police
    )


def tell_the_police(
    *, identified: IdentifiedDiscussion, reason: str, by: User, today: date, conditions: bool
) -> list[PoliceDisclosure]:
    """Social services' later decision to tell the police in the group about a child it identified: only notes
    social services wrote, by someone of social services who knows the child (a basis beyond this discussion)."""
    group = identified.discussion.meeting.group
    if not visible_to(by, IdentifiedDiscussion.objects.filter(pk=identified.pk)).exists() or not sits_in(by, group):
        raise PermissionDenied
    if not visible_to(by, Child.objects.filter(pk=identified.child_id)).exists():
        raise PermissionDenied
    if identified.identified_by_kind != OrganisationKind.SOCIAL_SERVICES:
        raise WorkflowError(
            _("Only what social services wrote can be told to the police; this child was identified by another."),
            code="police_reason",
        )
    if not reason.strip():
        raise WorkflowError(_("Write the reason for telling the police."), code="police_reason")
    police = _police_ground(by, identified.child, group, today, conditions=conditions)
    police = [o for o in police if not identified.police_disclosures.filter(police=o).exists()]
    if not police:
        raise WorkflowError(_("The police in the group were already told."), code="police_reason")
    with transaction.atomic():
        _record_disclosures(identified, police, reason, by)
        record_event(
            actor=by, action=AuditAction.WRITE, target_type="group_discussion_identified", target_id=identified.pk,
            child_id=identified.child_id, basis=basis_for(by, identified),
            details={"police": [o.pk for o in police]},
        )  # fmt: skip
    return list(identified.police_disclosures.all())


def withdraw_consent(*, identified: IdentifiedDiscussion, by: User) -> IdentifiedDiscussion:
    """A guardian withdrew the consent: those who saw the child through it see the discussion as anonymous again
    (a disclosure to the police already made stands: it did not rest on the consent)."""
    if not visible_to(by, IdentifiedDiscussion.objects.filter(pk=identified.pk)).exists():
        raise PermissionDenied
    with transaction.atomic():
        identified.consent_withdrawn_at = timezone.now()
        identified.save(update_fields=["consent_withdrawn_at"])
        record_event(
            actor=by, action=AuditAction.WRITE, target_type="group_discussion_identified", target_id=identified.pk,
            child_id=identified.child_id, details={"consent": "withdrawn"},
        )  # fmt: skip
    return identified
