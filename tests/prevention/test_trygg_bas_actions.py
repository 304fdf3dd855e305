"""The trygg-bas and class-review actions: who may write, what is kept, and the audit event of each write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from kring.access.models import AuditAction, AuditEvent
from kring.access.policy import visible_to
from kring.casework.workflow import WorkflowError
from kring.directory.models import Notification, User
from kring.people.models import Group
from kring.prevention.models import (
    AgreedRating,
    NextStep,
    RelationAssignment,
    SafeAdultEntry,
    SafeAdultStatus,
    Wellbeing,
    WellbeingRating,
)
from kring.prevention.terms import term_of
from kring.prevention.tryggbas import actions
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def test_mentor_records_a_named_safe_adult_with_its_audit_event(world: World, group: Group, mentor: User) -> None:
    entry = actions.record_safe_adult(
        child=world.child,
        group=group,
        status=SafeAdultStatus.NAMED,
        adult=mentor,
        relation="mentor",
        by=mentor,
        today=_today(),
    )

    assert entry.term == term_of(_today())
    assert entry.grade == "5"
    assert entry.adult_label == "Maja Mentorsson (mentor)"
    event = AuditEvent.objects.get(action=AuditAction.WRITE, target_type="safe_adult_entry")
    assert event.child_id == world.child.pk
    assert event.basis_kind == "class_staff"


def test_recording_again_the_same_term_changes_the_line(world: World, group: Group, mentor: User) -> None:
    today = _today()
    actions.record_safe_adult(child=world.child, group=group, status=SafeAdultStatus.UNSURE, by=mentor, today=today)
    actions.record_safe_adult(
        child=world.child,
        group=group,
        status=SafeAdultStatus.NAMED,
        adult_outside="fotbollstränaren",
        by=mentor,
        today=today,
    )

    entry = SafeAdultEntry.objects.get()
    assert entry.status == SafeAdultStatus.NAMED
    assert entry.adult_outside == "fotbollstränaren"


def test_a_named_safe_adult_needs_someone(world: World, group: Group, mentor: User) -> None:
    with pytest.raises(WorkflowError):
        actions.record_safe_adult(child=world.child, group=group, status="named", by=mentor, today=_today())
    assert not SafeAdultEntry.objects.exists()


def test_a_teacher_of_another_class_and_social_services_may_not_record(
    world: World, group: Group, teacher: User, social_worker: User, police_officer: User
) -> None:
    for person in (teacher, social_worker, police_officer):
        with pytest.raises(PermissionDenied):
            actions.record_safe_adult(child=world.child, group=group, status="none_yet", by=person, today=_today())
        with pytest.raises(PermissionDenied):
            actions.rate_wellbeing(child=world.child, group=group, rating="red", by=person, today=_today())
    assert not SafeAdultEntry.objects.exists()


def test_a_teacher_without_the_role_to_know_a_protected_pupil_may_not_record_for_one(
    world: World, group: Group
) -> None:
    from kring.people.models import GroupRole, GroupStaff
    from tests.conftest import _staff

    teacher = _staff(world.municipality, world.school, "teacher", "klasslarare@kommun.example")
    GroupStaff.objects.create(
        municipality_id=group.municipality_id,
        group=group,
        user=teacher,
        role=GroupRole.TEACHER,
        start_date=dt.date(2020, 8, 15),
    )

    actions.record_safe_adult(child=world.child, group=group, status="none_yet", by=teacher, today=_today())
    with pytest.raises(PermissionDenied):
        actions.record_safe_adult(
            child=world.protected_child, group=group, status="none_yet", by=teacher, today=_today()
        )


def test_each_rates_on_their_own_and_the_review_agrees_with_a_next_step(
    world: World, group: Group, mentor: User, kurator: User, principal: User
) -> None:
    today = _today()
    actions.rate_wellbeing(child=world.child, group=group, rating=Wellbeing.YELLOW, by=mentor, today=today)
    actions.rate_wellbeing(child=world.child, group=group, rating=Wellbeing.RED, by=kurator, today=today)
    with pytest.raises(WorkflowError):
        actions.agree_rating(child=world.child, group=group, rating=Wellbeing.RED, by=principal, today=today)
    agreed = actions.agree_rating(
        child=world.child,
        group=group,
        rating=Wellbeing.RED,
        by=principal,
        today=today,
        next_step=NextStep.STUDENT_HEALTH,
        next_step_by=today + dt.timedelta(days=7),
        responsible=kurator,
    )

    assert WellbeingRating.objects.count() == 2
    assert agreed.review.group == group
    assert agreed.review.held_on == today
    assert AuditEvent.objects.filter(target_type="agreed_rating", child_id=world.child.pk).count() == 1


def test_only_the_leadership_agrees_a_rating(world: World, group: Group, mentor: User) -> None:
    with pytest.raises(PermissionDenied):
        actions.agree_rating(child=world.child, group=group, rating=Wellbeing.GREEN, by=mentor, today=_today())


def test_a_gap_is_acted_on_and_followed_up_into_a_named_adult(
    world: World, group: Group, mentor: User, principal: User
) -> None:
    today = _today()
    actions.record_safe_adult(child=world.child, group=group, status="none_yet", by=mentor, today=today)
    assignment = actions.assign_relation(
        child=world.child,
        unit=world.school,
        adult=mentor,
        follow_up_on=today + dt.timedelta(days=14),
        by=principal,
        today=today,
        note="Lunch på tisdagar",
    )

    assert Notification.objects.get(user=mentor).params == {"subject": "safe_adult", "number": assignment.pk}
    assert "Testsson" not in str(Notification.objects.get(user=mentor).params)

    actions.follow_up_relation(assignment, relation_built=True, by=mentor, today=today, outcome="Det går bra.")

    entry = SafeAdultEntry.objects.get(child=world.child)
    assert entry.status == SafeAdultStatus.NAMED
    assert entry.adult == mentor
    assert RelationAssignment.objects.get().relation_built is True
    with pytest.raises(WorkflowError):
        actions.follow_up_relation(assignment, relation_built=False, by=mentor, today=today)


def test_the_assigned_adult_sees_the_pupil_until_the_follow_up(
    world: World, group: Group, mentor: User, principal: User, teacher: User
) -> None:
    today = _today()
    actions.record_safe_adult(child=world.child, group=group, status="none_yet", by=mentor, today=today)
    assert not visible_to(teacher, SafeAdultEntry.objects.all()).exists()
    assignment = actions.assign_relation(
        child=world.child, unit=world.school, adult=teacher, follow_up_on=today, by=principal, today=today
    )
    assert visible_to(teacher, RelationAssignment.objects.all()).count() == 1
    assert visible_to(teacher, SafeAdultEntry.objects.all()).count() == 1
    assert not visible_to(teacher, WellbeingRating.objects.all()).exists()

    actions.follow_up_relation(assignment, relation_built=False, by=teacher, today=today)

    assert visible_to(teacher, RelationAssignment.objects.all()).count() == 0
    assert not visible_to(teacher, SafeAdultEntry.objects.all()).exists()


def test_an_assignment_needs_a_member_of_the_schools_staff_and_a_date_not_past(
    world: World, group: Group, principal: User, social_worker: User
) -> None:
    today = _today()
    with pytest.raises(WorkflowError):
        actions.assign_relation(
            child=world.child, unit=world.school, adult=social_worker, follow_up_on=today, by=principal, today=today
        )
    with pytest.raises(WorkflowError):
        actions.assign_relation(
            child=world.child,
            unit=world.school,
            adult=principal,
            follow_up_on=today - dt.timedelta(days=1),
            by=principal,
            today=today,
        )


def test_social_services_police_and_a_tsi_team_never_reach_the_inventory(
    world: World, group: Group, mentor: User, social_worker: User, police_officer: User, tsi_member: User
) -> None:
    today = _today()
    actions.record_safe_adult(child=world.child, group=group, status="none_yet", by=mentor, today=today)
    actions.rate_wellbeing(child=world.child, group=group, rating="red", by=mentor, today=today)

    for person in (social_worker, police_officer, tsi_member):
        assert not visible_to(person, SafeAdultEntry.objects.all()).exists()
        assert not visible_to(person, WellbeingRating.objects.all()).exists()


def test_a_failing_audit_write_leaves_nothing_saved(
    world: World, group: Group, mentor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr(actions, "record_event", broken)
    with pytest.raises(RuntimeError):
        actions.record_safe_adult(child=world.child, group=group, status="none_yet", by=mentor, today=_today())
    assert not SafeAdultEntry.objects.exists()


def test_class_staff_are_set_and_ended_by_the_leadership(
    world: World, group: Group, principal: User, teacher: User, mentor: User
) -> None:
    today = _today()
    with pytest.raises(PermissionDenied):
        actions.add_class_staff(group=group, user=teacher, role="teacher", by=mentor, today=today)
    staff = actions.add_class_staff(group=group, user=teacher, role="teacher", by=principal, today=today)
    assert visible_to(teacher, SafeAdultEntry.objects.all()).count() == 0  # nothing recorded yet, but reachable
    actions.end_class_staff(staff, by=principal, today=today)
    assert not type(staff).objects.filter(pk=staff.pk).exists()  # given and ended the same day: it never was


def test_a_named_line_without_an_adult_is_refused_by_the_database(world: World, mentor: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        SafeAdultEntry.objects.create(
            municipality=world.municipality,
            child=world.child,
            unit=world.school,
            term=dt.date(2026, 8, 15),
            status="named",
            recorded_by=mentor,
            recorded_at=timezone.now(),
        )


def test_a_gap_with_an_adult_is_refused_by_the_database(world: World, mentor: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        SafeAdultEntry.objects.create(
            municipality=world.municipality,
            child=world.child,
            unit=world.school,
            term=dt.date(2026, 8, 15),
            status="none_yet",
            adult=mentor,
            recorded_by=mentor,
            recorded_at=timezone.now(),
        )


def test_a_worry_without_a_next_step_is_refused_by_the_database(world: World, group: Group, mentor: User) -> None:
    from kring.prevention.models import ClassReview

    review = ClassReview.objects.create(
        municipality=world.municipality,
        unit=world.school,
        group=group,
        term=dt.date(2026, 8, 15),
        held_on=dt.date(2026, 9, 1),
        created_by=mentor,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreedRating.objects.create(
            municipality=world.municipality,
            review=review,
            child=world.child,
            unit=world.school,
            term=dt.date(2026, 8, 15),
            rating="red",
            agreed_by=mentor,
            agreed_at=timezone.now(),
        )


def test_a_teacher_at_two_schools_sees_only_the_line_of_the_school_of_the_pupils_class(
    world: World, group: Group, mentor: User, principal: User
) -> None:
    """Alva is in the mentor's class at Ekskolan; Björkskolan, where the mentor also has a class, kept a line about
    her from when she went there: the mentor's class basis reaches Ekskolan's line, not Björkskolan's."""
    from kring.people.models import GroupRole, GroupStaff
    from tests.factories import ChildFactory, MembershipFactory, PlacementFactory

    MembershipFactory(user=mentor, unit=world.other_school, role="mentor")
    other_class = Group.objects.create(
        municipality_id=world.other_school.municipality_id, unit=world.other_school, name="6B"
    )
    PlacementFactory(child=ChildFactory(municipality=world.municipality), unit=world.other_school, group=other_class)
    GroupStaff.objects.create(
        municipality_id=other_class.municipality_id,
        group=other_class,
        user=mentor,
        role=GroupRole.MENTOR,
        start_date=dt.date(2020, 8, 15),
    )
    today = _today()
    actions.record_safe_adult(child=world.child, group=group, status="none_yet", by=mentor, today=today)
    SafeAdultEntry.objects.create(
        municipality=world.municipality,
        child=world.child,
        unit=world.other_school,
        term=dt.date(2020, 8, 15),
        status="unsure",
        recorded_by=principal,
        recorded_at=timezone.now(),
    )
    for person in (mentor,):
        vars(person).pop("_kring_role_grants", None)

    seen = visible_to(mentor, SafeAdultEntry.objects.all())

    assert list(seen.values_list("unit_id", flat=True)) == [world.school.pk]
