"""Roles, permissions, origins and categories: the vocabulary of the access policy, kept as data.

A role grants permissions (what a person may *do*); what a person may *see* of a child always needs a basis
(see `kring.access.policy`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Origin(models.TextChoices):
    """The organisation (and so the secrecy domain) that owns a piece of information."""

    SCHOOL = "school", _("School")
    STUDENT_HEALTH = "student_health", _("Student health")
    SOCIAL_SERVICES = "social_services", _("Social services")
    POLICE = "police", _("Police")
    HEALTH_CARE = "health_care", _("Health care")
    JOINT_TEAM = "joint_team", _("Joint team")
    COLLABORATION = "collaboration", _("Collaboration group")


class Category(models.TextChoices):
    """What kind of information about a child something is."""

    IDENTITY = "identity", _("Identity and contact details")
    GUARDIANS = "guardians", _("Guardians and custody")
    PLACEMENT = "placement", _("School placement")
    ATTENDANCE = "attendance", _("Attendance")
    CONCERN = "concern", _("Concern")
    CONSULTATION = "consultation", _("Consultation")
    REPORT = "report", _("Report of concern")
    CASE_NOTE = "case_note", _("Case note")
    NEEDS = "needs", _("Needs analysis")
    PLAN = "plan", _("Plan")
    REQUEST = "request", _("Request for help")
    CONSENT = "consent", _("Consent")
    STORY = "story", _("Stories")
    INTERVENTION = "intervention", _("Interventions")
    MEETING = "meeting", _("Meetings")
    OUTCOME = "outcome", _("Outcome measures")
    ASSESSMENT = "assessment", _("Social services' assessment")
    FEEDBACK = "feedback", _("Feedback to the reporter")
    ABSENCE_INVESTIGATION = "absence_investigation", _("Investigation of absence")
    SAFE_ADULT = "safe_adult", _("Safe adult (trygg bas)")
    WELLBEING = "wellbeing", _("Wellbeing rating (class review)")
    PROGRAMME = "programme", _("Prevention programme (pupil mentor)")
    GROUP_DISCUSSION = "group_discussion", _("Discussed in a collaboration group")


class Permission(models.TextChoices):
    """Actions a role may take. Seeing a particular child's data also needs a basis."""

    CHILD_SEARCH = "child.search", _("Search for children")
    CHILD_VIEW = "child.view", _("View a child's overview")
    UNIT_VIEW = "unit.view", _("View schools and units of the municipality")
    DIRECTORY_MANAGE = "directory.manage", _("Manage organisations, units, staff and contact persons")
    AUDIT_REVIEW = "audit.review", _("Review the audit log (log review)")
    CASE_REQUEST = "case.request", _("Ask a TSI team to take a child")
    CASE_WORK = "case.work", _("Work on TSI cases as a member of the team")
    CONCERN_RECORD = "concern.record", _("Record a concern about a pupil")
    CONCERN_TRIAGE = "concern.triage", _("Handle the school's concerns and ask for consultations")
    REPORT_FILE = "report.file", _("File a report of concern to social services")
    REPORT_RECEIVE = "report.receive", _("Receive and assess reports of concern; answer consultations")
    STATISTICS_VIEW = "statistics.view", _("See the statistics of concerns and reports (small counts suppressed)")
    ABSENCE_OVERSEE = "absence.oversee", _("Follow the school's absence: early warning and investigations of absence")
    SCHOOLDATA_IMPORT = "schooldata.import", _("Import school data and see the import history")
    PREVENTION_CLASS = "prevention.class", _("Take a class's inventory of safe adults and rate its pupils' wellbeing")
    PREVENTION_LEAD = (
        "prevention.lead",
        _("Lead the school's prevention: class staff, gaps in safe adults, class reviews, coverage"),
    )
    PREVENTION_FOLLOW = (
        "prevention.follow",
        _("Follow the municipality's prevention (aggregates, small counts suppressed)"),
    )
    COLLABORATION_VIEW = "collaboration.view", _("Read the register of collaboration groups and the agreements")
    COLLABORATION_MANAGE = (
        "collaboration.manage",
        _("Keep the register of collaboration groups, the agreements and the child impact assessments"),
    )
    RECORDS_MANAGE = (
        "records.manage",
        _("Keep the retention rules (the document management plan) and see what is due to be cleared"),
    )
    REGISTER_EXTRACT = (
        "records.extract",
        _("Compile, review and release register extracts, and correct personal data, on a person's request"),
    )
    INVESTMENT_MANAGE = (
        "investment.manage",
        _("Enter the TSI teams' costs and the unit costs, and follow the social investment"),
    )
    RESEARCH_EXPORT = (
        "research.export",
        _("Define approved studies and release their pseudonymised, disclosure-controlled data sets"),
    )
    REPORT_FILE_PUBLIC = (
        "report.file_public",
        _("Pass on a report of concern from a member of the public (the municipality's e-service, through the API)"),
    )


class Role(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    MENTOR = "mentor", _("Mentor")
    PRINCIPAL = "principal", _("Principal")
    KURATOR = "kurator", _("School counsellor (kurator)")
    SCHOOL_NURSE = "school_nurse", _("School nurse")
    SPECIAL_EDUCATOR = "special_educator", _("Special educator")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    TSI_TEAM_MEMBER = "tsi_team_member", _("TSI team member")
    POLICE_OFFICER = "police_officer", _("Police officer")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")
    ARCHIVIST = "archivist", _("Archivist")
    PRIVACY_OFFICER = "privacy_officer", _("Data protection coordinator")
    E_SERVICE = "e_service", _("Public e-service (an integration, not a person)")


_P = Permission
_EVERY_STAFF = frozenset({_P.UNIT_VIEW, _P.COLLABORATION_VIEW})
_SCHOOL_STAFF = _EVERY_STAFF | {
    _P.CHILD_SEARCH,
    _P.CHILD_VIEW,
    _P.CONCERN_RECORD,
    _P.REPORT_FILE,
    _P.PREVENTION_CLASS,
}
_REQUESTERS = _SCHOOL_STAFF | {_P.CASE_REQUEST, _P.CONCERN_TRIAGE, _P.ABSENCE_OVERSEE, _P.PREVENTION_LEAD}
_SOCIAL_SERVICES = _EVERY_STAFF | {_P.CHILD_SEARCH, _P.CHILD_VIEW, _P.REPORT_FILE, _P.REPORT_RECEIVE}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.TEACHER: _SCHOOL_STAFF,
    Role.MENTOR: _SCHOOL_STAFF,
    Role.PRINCIPAL: _REQUESTERS | {_P.STATISTICS_VIEW},
    Role.KURATOR: _REQUESTERS,
    Role.SCHOOL_NURSE: _REQUESTERS,
    Role.SPECIAL_EDUCATOR: _REQUESTERS,
    Role.PSYCHOLOGIST: _REQUESTERS,
    Role.SOCIAL_WORKER: _SOCIAL_SERVICES | {_P.STATISTICS_VIEW},
    Role.UNIT_MANAGER: _SOCIAL_SERVICES | {_P.AUDIT_REVIEW, _P.CASE_WORK, _P.STATISTICS_VIEW, _P.INVESTMENT_MANAGE},
    Role.TSI_TEAM_MEMBER: _EVERY_STAFF | {_P.CHILD_SEARCH, _P.CHILD_VIEW, _P.CASE_WORK, _P.REPORT_FILE},
    Role.POLICE_OFFICER: _EVERY_STAFF | {_P.CHILD_SEARCH, _P.CHILD_VIEW, _P.REPORT_FILE},
    Role.COORDINATOR: _EVERY_STAFF
    | {
        _P.DIRECTORY_MANAGE,
        _P.STATISTICS_VIEW,
        _P.SCHOOLDATA_IMPORT,
        _P.PREVENTION_FOLLOW,
        _P.COLLABORATION_MANAGE,
        _P.RESEARCH_EXPORT,
        _P.INVESTMENT_MANAGE,
    },
    Role.ADMINISTRATOR: _EVERY_STAFF | {_P.DIRECTORY_MANAGE, _P.AUDIT_REVIEW, _P.STATISTICS_VIEW, _P.SCHOOLDATA_IMPORT},
    Role.ARCHIVIST: _EVERY_STAFF | {_P.RECORDS_MANAGE},
    Role.PRIVACY_OFFICER: _EVERY_STAFF | {_P.REGISTER_EXTRACT},
    # The municipality's e-service for the public passes reports of concern on through the API, as any reporter
    # files one; it sees nothing (not even the units): it only files.
    Role.E_SERVICE: frozenset({_P.REPORT_FILE, _P.REPORT_FILE_PUBLIC}),
}

# What staff of the unit where a child is placed may see, by role: the school's own information, and for
# student health professionals also student health's (OSL 23 kap 2 §: strong secrecy even within school).
PLACEMENT_ORIGINS: dict[str, frozenset[str]] = {
    Role.TEACHER: frozenset({Origin.SCHOOL}),
    Role.MENTOR: frozenset({Origin.SCHOOL}),
    Role.PRINCIPAL: frozenset({Origin.SCHOOL}),
    Role.SPECIAL_EDUCATOR: frozenset({Origin.SCHOOL, Origin.STUDENT_HEALTH}),
    Role.KURATOR: frozenset({Origin.SCHOOL, Origin.STUDENT_HEALTH}),
    Role.SCHOOL_NURSE: frozenset({Origin.SCHOOL, Origin.STUDENT_HEALTH}),
    Role.PSYCHOLOGIST: frozenset({Origin.SCHOOL, Origin.STUDENT_HEALTH}),
}

# Which categories of that information they reach through the placement: teachers and mentors the register data
# and the school's everyday information; the principal also the investigations of absence; student health also its
# own records. Concerns and reports of concern never follow the child through a placement: they stay with the
# school where they were recorded or filed (the concern and reporting-school bases); a request for TSI reaches a
# school only through the bases of its case (the requesting school, the case team).
_REGISTER = frozenset({Category.IDENTITY, Category.GUARDIANS, Category.PLACEMENT, Category.ATTENDANCE})
# The class's inventory of safe adults and its wellbeing ratings (school data of their own categories): the class's
# staff see them through the class-staff basis (kring.prevention), the principal and student health through this.
_PREVENTION = frozenset({Category.SAFE_ADULT, Category.WELLBEING, Category.PROGRAMME})
_LEADERSHIP = _REGISTER | _PREVENTION | {Category.CONSULTATION, Category.ABSENCE_INVESTIGATION}
_STUDENT_HEALTH = _LEADERSHIP | {Category.CASE_NOTE, Category.NEEDS, Category.PLAN}
PLACEMENT_CATEGORIES: dict[str, frozenset[str]] = {
    Role.TEACHER: _REGISTER,
    Role.MENTOR: _REGISTER,
    Role.PRINCIPAL: _LEADERSHIP,
    Role.SPECIAL_EDUCATOR: _STUDENT_HEALTH,
    Role.KURATOR: _STUDENT_HEALTH,
    Role.SCHOOL_NURSE: _STUDENT_HEALTH,
    Role.PSYCHOLOGIST: _STUDENT_HEALTH,
}

# A child with protected identity (skyddade personuppgifter) is visible through a placement only to the
# roles that must know the child to keep them safe in school; everyone else needs a case basis.
PROTECTED_IDENTITY_ROLES: frozenset[str] = frozenset(
    {Role.PRINCIPAL, Role.MENTOR, Role.KURATOR, Role.SCHOOL_NURSE, Role.PSYCHOLOGIST}
)


def permissions_of(roles: set[str]) -> frozenset[str]:
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)


# Who works on a joint team's cases (members of the team unit with these roles), and who on the school side
# follows a request from their school (besides the person who made it).
CASE_TEAM_ROLES: frozenset[str] = frozenset({Role.TSI_TEAM_MEMBER, Role.UNIT_MANAGER})
CASE_SCHOOL_ROLES: frozenset[str] = frozenset(
    {Role.PRINCIPAL, Role.KURATOR, Role.SCHOOL_NURSE, Role.PSYCHOLOGIST, Role.SPECIAL_EDUCATOR}
)

# Roles only an integration's system user holds (kring.api), never a person's: not offered on a person's page and
# with no demo login.
INTEGRATION_ROLES: frozenset[str] = frozenset({Role.E_SERVICE})
# What an integration never does: manage the directory, review the log, keep the records, answer register extracts.
NEVER_FOR_INTEGRATIONS: frozenset[str] = frozenset(
    {Permission.DIRECTORY_MANAGE, Permission.AUDIT_REVIEW, Permission.RECORDS_MANAGE, Permission.REGISTER_EXTRACT}
)


def fits_the_holder(role: str, *, system_user: bool) -> bool:
    """May a person (or an integration's system user) hold this role? Checked wherever a role is given."""
    if system_user:
        return not permissions_of({role}) & NEVER_FOR_INTEGRATIONS
    return role not in INTEGRATION_ROLES


# Who in a social services unit receives its reports of concern and answers the consultations of its schools.
SOCIAL_SERVICES_ROLES: frozenset[str] = frozenset({Role.SOCIAL_WORKER, Role.UNIT_MANAGER})
