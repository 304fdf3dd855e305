"""The prevention app's models (one app label), by sub-context."""

from kring.prevention.models.trygg_bas import (
    AgreedRating,
    ClassReview,
    NextStep,
    RelationAssignment,
    SafeAdultEntry,
    SafeAdultStatus,
    Wellbeing,
    WellbeingRating,
)

__all__ = [
    "AgreedRating",
    "ClassReview",
    "NextStep",
    "RelationAssignment",
    "SafeAdultEntry",
    "SafeAdultStatus",
    "Wellbeing",
    "WellbeingRating",
]
