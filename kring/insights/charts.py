"""The statistics' charts, drawn with matplotlib as SVG beside the tables of the same figures: the published totals of
each measure per term, and the evaluation's attendance. A suppressed figure is a gap in its line, never a guess."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from kring.insights.evaluation.estimates import Estimate
from kring.prevention.charts import LINE_COLOURS, LINE_STYLES, MARKERS, svg_of


def term_totals_svg(terms: Sequence[str], lines: Mapping[str, Sequence[int | None]]) -> bytes:
    """One line per measure over the terms; told apart by line style and marker too, never by colour alone."""
    figure = Figure(figsize=(7.5, 3.4), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(terms)))
    for index, (label, values) in enumerate(lines.items()):
        points = [(x, y) for x, y in zip(positions, values, strict=True) if y is not None]
        if not points:
            continue
        style = index % len(LINE_COLOURS)
        axes.plot(
            *zip(*points, strict=True),
            label=label,
            color=LINE_COLOURS[style],
            linestyle=LINE_STYLES[style],
            marker=MARKERS[style],
            linewidth=1.8,
        )
    axes.set_xticks(positions, list(terms))
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel(_("Number"))
    axes.grid(True, axis="y", color="#d0d0d0", linewidth=0.6)
    axes.set_title(_("Per term"), loc="left", fontsize=11)
    if axes.get_legend_handles_labels()[0]:
        figure.legend(loc="outside lower center", ncols=3, frameon=False, fontsize=8)
    else:
        axes.text(0.5, 0.5, _("No total large enough to show"), transform=axes.transAxes, ha="center", va="center")
    return svg_of(figure)


def attendance_svg(periods: Sequence[str], groups: Mapping[str, Sequence[Estimate | None]]) -> bytes:
    """Mean attendance before, during and after, one line per group (the TSI cases, the comparison pupils)."""
    return estimates_svg(periods, groups, _("Attendance (%)"), _("Attendance, mean with 95 % interval"), nudge=0.08)


def estimates_svg(
    labels: Sequence[str], groups: Mapping[str, Sequence[Estimate | None]], ylabel: str, title: str, *, nudge: float
) -> bytes:
    """One line per group over `labels`, each point with its 95 % interval as error bars (the groups side by side
    by `nudge`, so that the bars do not cover each other); a figure too few to show is a gap, never a guess."""
    figure = Figure(figsize=(7.5, 3.4), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    for index, (label, estimates) in enumerate(groups.items()):
        points = [(x, e) for x, e in enumerate(estimates) if e is not None]
        if not points:
            continue
        xs = [x + (index - (len(groups) - 1) / 2) * nudge for x, _e in points]
        ys = [e.value for _x, e in points]
        below = [e.value - e.low if e.low is not None else 0 for _x, e in points]
        above = [e.high - e.value if e.high is not None else 0 for _x, e in points]
        style = index % len(LINE_COLOURS)
        axes.errorbar(xs, ys, yerr=[below, above], label=label, color=LINE_COLOURS[style],
                      linestyle=LINE_STYLES[style], marker=MARKERS[style], linewidth=1.8, capsize=4)  # fmt: skip
    axes.set_xticks(range(len(labels)), list(labels))
    axes.set_ylabel(ylabel)
    axes.grid(True, axis="y", color="#d0d0d0", linewidth=0.6)
    axes.set_title(title, loc="left", fontsize=11)
    if axes.get_legend_handles_labels()[0]:
        figure.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=8)
    else:
        axes.text(0.5, 0.5, _("Too few cases to show"), transform=axes.transAxes, ha="center", va="center")
    return svg_of(figure)


def investment_svg(years: Sequence[int], costs: Sequence[int], low: Sequence[float], high: Sequence[float]) -> bytes:
    """The costs so far beside the costs avoided so far, as a band from the low to the high end of the range."""
    figure = Figure(figsize=(7.5, 3.4), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(years)))
    millions = [value / 1e6 for value in costs]
    axes.plot(positions, millions, label=_("Cost so far"), color=LINE_COLOURS[0], linestyle=LINE_STYLES[0],
              marker=MARKERS[0], linewidth=1.8)  # fmt: skip
    if low:
        axes.fill_between(positions[: len(low)], [v / 1e6 for v in low], [v / 1e6 for v in high], color="#1d6b34",
                          alpha=0.25, hatch="//", label=_("Costs avoided so far (range)"))  # fmt: skip
    axes.set_xticks(positions, [str(year) for year in years])
    axes.set_ylim(bottom=0)
    axes.set_ylabel(_("Million kronor"))
    axes.grid(True, axis="y", color="#d0d0d0", linewidth=0.6)
    axes.set_title(_("The social investment, summed over the years"), loc="left", fontsize=11)
    figure.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=8)
    return svg_of(figure)
