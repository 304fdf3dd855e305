"""The outcome chart of a TSI case: school attendance and the two 1–5 ratings over time, as an SVG drawn on the
server with matplotlib, always shown beside the same figures as a table (`outcome_table`).

matplotlib writes its colours and line styles as inline `style` attributes and a `<style>` element; the SVG is
loaded with `<img src>`, but so that it passes a strict CSP in any context (and prints the same in a PDF), they are
turned into SVG presentation attributes, which no CSP restricts.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.etree import ElementTree

import matplotlib

matplotlib.use("Agg")

from django.utils.translation import gettext as _  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.dates import AutoDateLocator, DateFormatter, date2num  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from kring.casework.models import OutcomeMeasure  # noqa: E402
from kring.casework.tsi.outcome_sources import ImportedAttendance  # noqa: E402

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ElementTree.register_namespace("", SVG_NS)
ElementTree.register_namespace("xlink", XLINK_NS)


@dataclass(frozen=True)
class LineStyle:
    """Kring's palette; the lines are told apart by line style and marker too, never by colour alone."""

    color: str
    linestyle: str
    marker: str


ATTENDANCE_STYLE = LineStyle("#0b4f6c", "-", "o")
CONFLICTS_STYLE = LineStyle("#b3261e", "--", "s")
LISTENED_STYLE = LineStyle("#1d6b34", ":", "^")
IMPORTED_STYLE = LineStyle("#5c3c92", "-.", "D")
CASE_SPAN_COLOUR = "#e8e8e8"


@dataclass(frozen=True)
class OutcomeRow:
    """One row of the accessible table beside the chart ("–" where nothing was measured)."""

    measured_on: date
    occasion: str
    attendance_percent: int | None
    home_conflicts: int | None
    listened_to: int | None
    notes: str


def outcome_table(case_measures: Iterable[OutcomeMeasure]) -> list[OutcomeRow]:
    """The measures as table rows, oldest first: date, occasion, attendance %, conflicts at home, listened to."""
    measures = sorted(case_measures, key=lambda m: (m.measured_on, m.pk or 0))
    return [
        OutcomeRow(
            measured_on=m.measured_on,
            occasion=str(m.get_occasion_display()),
            attendance_percent=m.attendance_percent,
            home_conflicts=m.home_conflicts,
            listened_to=m.listened_to,
            notes=m.notes,
        )
        for m in measures
    ]


def outcome_table_headers() -> list[str]:
    return [
        _("Date"),
        _("Occasion"),
        _("School attendance (%)"),
        _("Conflicts at home (1 = none, 5 = every day)"),
        _("The child feels listened to (1 = not at all, 5 = completely)"),
    ]


def _line(axes: Axes, rows: list[OutcomeRow], field: str, label: str, style: LineStyle) -> Line2D:
    points = [(row.measured_on, getattr(row, field)) for row in rows if getattr(row, field) is not None]
    days = [float(date2num(day)) for day, _value in points]
    values = [float(value) for _day, value in points]
    (line,) = axes.plot(
        days, values, label=label, color=style.color, linestyle=style.linestyle, marker=style.marker, linewidth=1.8
    )
    return line


def _imported_line(axes: Axes, imported: ImportedAttendance) -> list[Any]:
    """The month-by-month attendance from the school's records, and the span of the case shaded behind it."""
    points = [
        (p.start + (p.end - p.start) / 2, p.attendance_percent)
        for p in imported.months
        if p.attendance_percent is not None
    ]
    (line,) = axes.plot(
        [float(date2num(day)) for day, _value in points],
        [float(value) for _day, value in points],
        label=_("Attendance from the school's records (%)"),
        color=IMPORTED_STYLE.color,
        linestyle=IMPORTED_STYLE.linestyle,
        marker=IMPORTED_STYLE.marker,
        linewidth=1.5,
    )
    end = imported.case_end or max((p.end for p in imported.months), default=imported.case_start)
    span = axes.axvspan(
        float(date2num(imported.case_start)),
        float(date2num(end)),
        facecolor=CASE_SPAN_COLOUR,
        zorder=0,
        label=_("The TSI case"),
        hatch="//",
        edgecolor="#b0b0b0",
    )
    return [line, span]


def _draw(rows: list[OutcomeRow], imported: ImportedAttendance | None = None) -> Figure:
    figure = Figure(figsize=(7.5, 3.6), dpi=100, layout="constrained")
    attendance = figure.add_subplot()
    ratings = attendance.twinx()
    attendance.set_ylim(0, 100)
    attendance.set_ylabel(_("School attendance (%)"))
    ratings.set_ylim(0.5, 5.5)
    ratings.set_yticks([1, 2, 3, 4, 5])
    ratings.set_ylabel(_("Rating (1–5)"))
    lines = [
        _line(attendance, rows, "attendance_percent", _("School attendance (%)"), ATTENDANCE_STYLE),
        _line(ratings, rows, "home_conflicts", _("Conflicts at home (1–5)"), CONFLICTS_STYLE),
        _line(ratings, rows, "listened_to", _("The child feels listened to (1–5)"), LISTENED_STYLE),
    ]
    if imported is not None:
        lines += _imported_line(attendance, imported)
    locator = AutoDateLocator(minticks=2, maxticks=6)
    attendance.xaxis.set_major_locator(locator)
    attendance.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
    attendance.grid(True, axis="y", color="#d0d0d0", linewidth=0.6)
    attendance.set_title(_("Outcome measures over time"), loc="left", fontsize=11)
    days = sorted({row.measured_on for row in rows})
    if len(days) == 1 and imported is None:  # one day alone: a month around it, not matplotlib's default of years
        middle = float(date2num(days[0]))
        attendance.set_xlim(middle - 15, middle + 15)
        attendance.set_xticks([middle])
    if not rows and imported is None:
        attendance.text(0.5, 0.5, _("No measures yet"), transform=attendance.transAxes, ha="center", va="center")
        attendance.set_xticks([])
    figure.legend(handles=lines, loc="outside lower center", ncols=3, frameon=False, fontsize=8)
    return figure


_DECLARATION = re.compile(r"^<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?")


def without_inline_styles(svg: str) -> str:
    """Turn every `style="a: b; c: d"` into presentation attributes `a="b" c="d"` and drop `<style>` elements.

    The input is matplotlib's own output (never user text), so a plain XML parse is safe here."""
    root = ElementTree.fromstring(_DECLARATION.sub("", svg))  # noqa: S314 - our own generated SVG
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag == f"{{{SVG_NS}}}style":
                for declaration in (child.text or "").split("{", 1)[-1].rstrip("} \n").split(";"):
                    _set_presentation(root, declaration)
                parent.remove(child)
    for element in root.iter():
        style = element.attrib.pop("style", None)
        for declaration in (style or "").split(";"):
            _set_presentation(element, declaration)
    # Registered again on every call: a library may have mapped a prefix to the SVG namespace since import.
    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", XLINK_NS)
    return ElementTree.tostring(root, encoding="unicode")


def _set_presentation(element: ElementTree.Element, declaration: str) -> None:
    name, _colon, value = declaration.partition(":")
    name, value = name.strip(), value.strip()
    if name and value and name not in element.attrib:
        element.set(name, value)


def outcome_chart_svg(case_measures: Iterable[OutcomeMeasure], imported: ImportedAttendance | None = None) -> bytes:
    """The chart as SVG bytes, with translated labels (in the active language) and no inline styles; with the
    attendance from the school's records when the viewer may see it."""
    figure = _draw(outcome_table(case_measures), imported)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "Kring"})
    return without_inline_styles(buffer.getvalue()).encode()
