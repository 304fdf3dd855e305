from kring.collaboration.models.agreements import Agreement, AgreementVersion, Commitment, Signatory
from kring.collaboration.models.assessments import AssessmentVersion, Effect, ImpactAssessment, Term
from kring.collaboration.models.groups import (
    AGE_BANDS,
    OLDEST_AGE,
    CollaborationGroup,
    GroupLevel,
    GroupMember,
    GroupStatus,
    Issue,
    MemberRole,
)
from kring.collaboration.models.meetings import (
    AgeBand,
    Attendance,
    Discussion,
    GroupMeeting,
    IdentifiedDiscussion,
    MeetingAction,
    PoliceDisclosure,
)

__all__ = [
    "AssessmentVersion",
    "Effect",
    "ImpactAssessment",
    "Term",
    "AgeBand",
    "Attendance",
    "Discussion",
    "GroupMeeting",
    "IdentifiedDiscussion",
    "MeetingAction",
    "PoliceDisclosure",
    "AGE_BANDS",
    "OLDEST_AGE",
    "Agreement",
    "AgreementVersion",
    "CollaborationGroup",
    "Commitment",
    "GroupLevel",
    "GroupMember",
    "GroupStatus",
    "Issue",
    "MemberRole",
    "Signatory",
]
