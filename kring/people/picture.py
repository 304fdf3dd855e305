"""The child's whole picture and chronology on the overview: what each app knows of the child, that the user has
a basis for, in one list and one timeline.

The apps above people (casework, schooldata) register a *picture source* in their `AppConfig.ready()`. A source
gets the user, the child and the user's bases for the child (asked once for the whole page) and answers the
records it holds about the child that the user may see (`visible_to`), each with the basis it is seen under
(`basis_for_among`), and the events of those records for the chronology. What the user has no basis for is not
read, so nothing on the page tells that it exists. Each source keeps a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from kring.access.policy import Basis
from kring.access.roles import Origin


@dataclass(frozen=True)
class PictureRow:
    """One record about the child: a concern, a report of concern, a TSI case, an investigation of absence."""

    key: str  # the record's type and id, as the audit event names it: "concern:12"
    kind: str  # "Concern", "Report of concern", ...
    title: str
    status: str
    day: date
    basis: Basis
    url: str = ""
    is_open_case: bool = False  # an open TSI case: the overview links to it instead of offering a new request


@dataclass(frozen=True)
class ChronologyEvent:
    """One event in the child's timeline, from the source (the origin) that recorded it."""

    moment: datetime
    source: str  # an Origin value
    text: str
    basis: Basis
    url: str = ""
    with_time: bool = True  # False for events known by their day only

    @property
    def when(self) -> str:
        local = timezone.localtime(self.moment)
        return f"{local:%Y-%m-%d %H:%M}" if self.with_time else f"{local:%Y-%m-%d}"

    @property
    def source_label(self) -> str:
        return str(Origin(self.source).label)


def on_day(day: date) -> datetime:
    """A day as a moment (its start), for events known by their day only."""
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class Picture:
    rows: list[PictureRow] = field(default_factory=list)
    events: list[ChronologyEvent] = field(default_factory=list)

    def extend(self, other: Picture) -> None:
        self.rows.extend(other.rows)
        self.events.extend(other.events)


PictureSource = Callable[[Any, Any, list[Basis]], Picture]
_sources: list[PictureSource] = []


def register_picture_source(source: PictureSource) -> None:
    if source not in _sources:
        _sources.append(source)


@dataclass(frozen=True)
class WholePicture:
    rows: list[PictureRow]
    events: list[ChronologyEvent]
    sources: list[tuple[str, str, int]]  # (origin, label, events) for the chronology's filter
    shown_source: str

    @property
    def open_case(self) -> PictureRow | None:
        return next((row for row in self.rows if row.is_open_case), None)

    @property
    def keys(self) -> list[str]:
        return [row.key for row in self.rows]


def whole_picture(user: Any, child: Any, bases: list[Basis], source: str = "") -> WholePicture:
    """Every registered source's records and events for the child: the records newest first, the chronology
    newest first and, when `source` is an origin among the events, only that source's events."""
    picture = Picture()
    for picture_source in _sources:
        picture.extend(picture_source(user, child, bases))
    rows = sorted(picture.rows, key=lambda row: (row.day, row.key), reverse=True)
    events = sorted(picture.events, key=lambda event: event.moment, reverse=True)
    counts: dict[str, int] = {}
    for event in events:
        counts[event.source] = counts.get(event.source, 0) + 1
    sources = [(origin, str(label), counts[origin]) for origin, label in Origin.choices if origin in counts]
    shown = source if source in counts else ""
    if shown:
        events = [event for event in events if event.source == shown]
    return WholePicture(rows, events, sources, shown)
