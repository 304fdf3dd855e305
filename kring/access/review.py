"""Log review (loggkontroll): filter the audit log of one's own secrecy domain, list reads without a routine
basis, and record each review performed with its conclusion.

A reviewer looks for reads of a child's data that no ordinary work explains: reads made under a basis other than a
placement in the reader's own unit or a case team (see `BasisProvider.routine`), or under none. A reviewer sees the
events of the staff of their own organisation only (school, student health, social services and the police each
review their own: OSL 8 kap 1 §): the directory registers that scope (`register_review_scope`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kring.access.acting import StaffUser
from kring.access.audit import record_event
from kring.access.models import AuditAction, AuditEvent, LogReview, ReviewConclusion
from kring.access.policy import municipality_of, registry, routine_basis_kinds
from kring.forms import KringForm

PAGE_SIZE = 50

# What an audit event's target type is called on the review page (unknown types are shown as they are).
TARGET_LABELS = {
    "child": _("Children (search)"),
    "child_overview": _("Child overview"),
    "unit": _("Unit page"),
    "user": _("User account"),
    "login": _("Login"),
    "audit_log": _("Audit log"),
    "demo_seed": _("Demo data"),
}


# The target types of events that change who may see what (roles, contact persons, accounts), registered by the
# apps that own them; log review lists them on their own.
ACCESS_CHANGE_TYPES: set[str] = set()


def register_target_labels(labels: dict[str, Any]) -> None:
    """Apps above `access` name their own audit target types for the review page (in their `ready()`)."""
    TARGET_LABELS.update(labels)


def register_access_change_types(target_types: set[str]) -> None:
    ACCESS_CHANGE_TYPES.update(target_types)


# The reviewer's secrecy domain: given a reviewer, the ids of the staff whose events they review (a subquery).
_review_scope: list[Callable[[StaffUser], Any]] = []


def register_review_scope(scope: Callable[[StaffUser], Any]) -> None:
    _review_scope[:] = [scope]


def reviewed_actors(user: StaffUser) -> Any | None:
    """The staff (user ids, as a subquery) whose events this reviewer reviews; None: nobody's (default deny)."""
    return _review_scope[0](user) if _review_scope else None


CHILD_REFERENCE_PREFIX = "ref:"
_REFERENCE_SALT = "kring.access.review.child"


def child_reference(municipality_id: int, child_id: int) -> str:
    """A signed stand-in for a child in a log review URL (its identity number stays out of the URL)."""
    return CHILD_REFERENCE_PREFIX + signing.dumps([municipality_id, child_id], salt=_REFERENCE_SALT)


class AuditFilterForm(KringForm):
    child = forms.CharField(
        label=_("Child's identity number"),
        required=False,
        max_length=300,
        help_text=_("YYYYMMDD-NNNN"),
    )
    user = forms.CharField(label=_("User's e-mail address (or part of it)"), required=False, max_length=200)
    date_from = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditAction.choices]
    )
    unexplained = forms.BooleanField(
        label=_("Only reads of a child's data without a placement or case basis"), required=False
    )
    access_changes = forms.BooleanField(
        label=_("Only changes of access (roles, contact persons, user accounts)"), required=False
    )

    def __init__(self, *args: Any, municipality_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality_id = municipality_id

    def clean_child(self) -> int | None:
        typed: str = self.cleaned_data["child"].strip()
        if not typed or registry.child_directory is None or self.municipality_id is None:
            return None
        if typed.startswith(CHILD_REFERENCE_PREFIX):
            return self._child_from_reference(typed)
        child_id = registry.child_directory.find_child_id(self.municipality_id, typed)
        if child_id is None:
            raise ValidationError(_("No child in the municipality has this identity number."), code="unknown_child")
        return child_id

    def _child_from_reference(self, reference: str) -> int:
        try:
            municipality_id, child_id = signing.loads(reference[len(CHILD_REFERENCE_PREFIX) :], salt=_REFERENCE_SALT)
        except signing.BadSignature as error:
            raise ValidationError(_("The link to this child's events is not valid."), code="bad_reference") from error
        if municipality_id != self.municipality_id:
            raise ValidationError(_("The link to this child's events is not valid."), code="bad_reference")
        return int(child_id)

    def url_query(self) -> str:
        """The filters as a query string, with the child as a signed reference instead of the identity number, so
        that the number never travels in a URL (access logs, browser history, the language switcher's `next`)."""
        query = self.data.copy() if isinstance(self.data, QueryDict) else QueryDict(mutable=True)
        for name in ("csrfmiddlewaretoken", "page"):
            query.pop(name, None)
        child_id = self.cleaned_data.get("child")
        if child_id:
            query["child"] = child_reference(int(self.municipality_id or 0), child_id)
        return str(query.urlencode())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The to date must be on or after the from date."))
        return cleaned


def _start_of(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def events_in_scope(user: StaffUser) -> QuerySet[AuditEvent]:
    """The events this reviewer may review: those of the staff of their own organisation, in their municipality,
    and events with no actor and no child (a failed login with an unknown address)."""
    actors = reviewed_actors(user)
    if actors is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(municipality_id=municipality_of(user)).filter(
        Q(actor_id__in=actors) | Q(actor_id__isnull=True, child_id__isnull=True)
    )


def filtered_events(events: QuerySet[AuditEvent], filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The events matching the cleaned filters, newest first."""
    if filters.get("child"):
        events = events.filter(child_id=filters["child"])
    if filters.get("user"):
        events = events.filter(actor_label__icontains=filters["user"].strip())
    if filters.get("date_from"):
        events = events.filter(occurred_at__gte=_start_of(filters["date_from"]))
    if filters.get("date_to"):
        events = events.filter(occurred_at__lt=_start_of(filters["date_to"] + timedelta(days=1)))
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("unexplained"):
        events = events.filter(action=AuditAction.READ, child_id__isnull=False).exclude(
            Q(basis_kind__in=sorted(routine_basis_kinds()))
        )
    if filters.get("access_changes"):
        events = events.filter(action=AuditAction.WRITE, target_type__in=sorted(ACCESS_CHANGE_TYPES))
    return events.order_by("-sequence")


@dataclass(frozen=True)
class ReviewRow:
    event: AuditEvent
    target_label: str
    child_label: str
    unexplained_read: bool


@dataclass
class ReviewPage:
    page: Page[AuditEvent]
    rows: list[ReviewRow]


def review_events_for_user(user: StaffUser, filters: dict[str, Any], page_number: str | int | None) -> ReviewPage:
    """One page of the filtered log, with the children named; the review itself is audited."""
    paginator = Paginator(filtered_events(events_in_scope(user), filters), PAGE_SIZE)
    page = paginator.get_page(page_number)
    child_ids = {event.child_id for event in page.object_list if event.child_id}
    labels = registry.child_directory.child_labels(child_ids) if registry.child_directory and child_ids else {}
    record_event(
        actor=user,
        action=AuditAction.SEARCH,
        target_type="audit_log",
        child_id=filters.get("child"),
        details={"filters": {k: str(v) for k, v in filters.items() if v}, "page": page.number},
    )
    routine = routine_basis_kinds()
    rows = [
        ReviewRow(
            event=event,
            target_label=str(TARGET_LABELS.get(event.target_type, event.target_type)),
            child_label=labels.get(event.child_id, str(event.child_id)) if event.child_id else "",
            unexplained_read=bool(
                event.action == AuditAction.READ and event.child_id and event.basis_kind not in routine
            ),
        )
        for event in page.object_list
    ]
    return ReviewPage(page, rows)


class ConclusionForm(KringForm):
    """What the reviewer concluded from the events they reviewed."""

    conclusion = forms.ChoiceField(
        label=_("Conclusion"), choices=[("", _("Choose a conclusion")), *ReviewConclusion.choices]
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Which reads you will follow up, with whom, and why. Name no child: the log already does."),
    )
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        concluded = cleaned.get("conclusion")
        if concluded and concluded != ReviewConclusion.NOTHING_FOUND and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say what you will follow up, and with whom."))
        return cleaned


def record_log_review(*, by: StaffUser, filters: dict[str, Any], query: str, conclusion: str, note: str) -> LogReview:
    """Record a review performed: who, when, which filters (as in the review's URL: a child by reference only),
    how many events they matched, and the conclusion; audited."""
    events_seen = filtered_events(events_in_scope(by), filters).count()
    with transaction.atomic():
        review = LogReview.objects.create(
            municipality_id=municipality_of(by),
            reviewer_id=by.pk,
            reviewer_label=str(getattr(by, "email", "")),
            performed_at=timezone.now(),
            filters={"query": query},
            events_seen=events_seen,
            conclusion=conclusion,
            note=note.strip(),
        )
        record_event(
            actor=by,
            action=AuditAction.WRITE,
            target_type="log_review",
            target_id=review.pk,
            details={"conclusion": conclusion, "events_seen": events_seen, "query": query},
        )
    return review


def log_reviews_for_user(user: StaffUser) -> list[LogReview]:
    """The reviews recorded by the reviewers of the user's own secrecy domain, newest first."""
    actors = reviewed_actors(user)
    if actors is None:
        return []
    return list(LogReview.objects.filter(municipality_id=municipality_of(user), reviewer_id__in=actors)[:200])
