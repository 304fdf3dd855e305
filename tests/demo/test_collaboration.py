"""The demo's collaboration structure: an Orust-sized register with one overlap and one gap, and two agreements."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kring.access.roles import Role
from kring.collaboration.agreements.queries import agreements_for_user
from kring.collaboration.assessments.steps import steps
from kring.collaboration.groups.queries import groups_for_user, schools_of
from kring.collaboration.groups.structure import structure
from kring.collaboration.models import AssessmentVersion, GroupMeeting, IdentifiedDiscussion, Issue
from kring.demo.generator import DemoResult
from kring.directory.models import User
from tests.conftest import login


@pytest.fixture
def small_demo(shared_small_demo: DemoResult) -> DemoResult:
    return shared_small_demo


def _user(demo: DemoResult, role: str) -> User:
    return User.objects.get(email=demo.login_for(role).email)


def test_the_register_has_fifteen_groups_one_overlap_and_one_gap(small_demo: DemoResult) -> None:
    coordinator = _user(small_demo, Role.COORDINATOR)
    found = structure(groups_for_user(coordinator), schools_of(coordinator))
    assert len(found.groups) == 15
    assert [(o.first.name, o.second.name) for o in found.overlaps] == [("SSPF Centrum", "Trygghetsgruppen Centrum")]
    assert [(gap.issue, gap.age_from, gap.age_to) for gap in found.gaps] == [(Issue.ABSENCE, 17, 20)]
    assert found.uncovered_schools == []
    seats = [len(load.groups) for load in found.people]
    assert seats == sorted(seats, reverse=True) and seats[0] >= 2  # some people sit in several groups: a known cost


def test_two_agreements_one_with_two_versions(small_demo: DemoResult) -> None:
    versions = agreements_for_user(_user(small_demo, Role.POLICE_OFFICER))
    assert len(versions) == 2
    assert sorted(version.number for version in versions) == [1, 2]


def test_the_police_demo_login_reads_the_map_and_sits_in_sspf_centrum(client: Client, small_demo: DemoResult) -> None:
    police = _user(small_demo, Role.POLICE_OFFICER)
    page = login(client, police).get(reverse("collaboration_people")).content.decode()
    assert police.get_full_name() in page
    assert client.get(reverse("collaboration_map")).status_code == 200


def test_a_meeting_discussed_one_child_anonymously_and_one_with_consent(client: Client, small_demo: DemoResult) -> None:
    meeting = GroupMeeting.objects.get(group__name="SSPF Centrum")
    identified = IdentifiedDiscussion.objects.get(discussion__meeting=meeting)
    assert meeting.discussions.count() == 2
    assert identified.consent_given_on is not None and not identified.police_disclosures.exists()
    name = identified.child.full_name
    assert (
        name
        in login(client, _user(small_demo, Role.SOCIAL_WORKER))
        .get(reverse("collaboration_meeting", args=[meeting.pk]))
        .content.decode()
    )
    client.logout()
    police_page = login(client, _user(small_demo, Role.POLICE_OFFICER)).get(
        reverse("collaboration_meeting", args=[meeting.pk])
    )
    assert police_page.status_code == 200 and name not in police_page.content.decode()


def test_a_finished_child_impact_assessment_of_the_collaboration_structure(small_demo: DemoResult) -> None:
    version = AssessmentVersion.objects.filter(assessment__municipality=small_demo.municipality).order_by("-number")[0]
    assert version.number == 2 and version.assessment.group is not None
    assert all(step.done for step in steps(version))
