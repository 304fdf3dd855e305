"""Charts of the prevention work, drawn on the server with matplotlib as SVG (as the TSI outcome chart), always
shown beside a table of the same figures: the trygg-bas coverage over terms and the class reviews' wellbeing."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")

from django.utils.translation import gettext as _  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from kring.casework.tsi.charts import without_inline_styles  # noqa: E402
from kring.prevention.models import Wellbeing  # noqa: E402
from kring.prevention.models.trygg_bas import WELLBEING_ORDER  # noqa: E402

LINE_COLOURS = ("#0b4f6c", "#b3261e", "#1d6b34", "#5c3c92", "#8a6100", "#3c3c3c")
LINE_STYLES = ("-", "--", ":", "-.", "-", "--")
MARKERS = ("o", "s", "^", "D", "v", "P")
WELLBEING_COLOURS = {Wellbeing.GREEN: "#1d6b34", Wellbeing.YELLOW: "#c79a00", Wellbeing.RED: "#b3261e"}
WELLBEING_HATCHES = {Wellbeing.GREEN: "", Wellbeing.YELLOW: "//", Wellbeing.RED: "xx"}


def svg_of(figure: Figure) -> bytes:
    """The figure as SVG without inline styles (the CSP allows none)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "Kring"})
    return without_inline_styles(buffer.getvalue()).encode()


def coverage_chart_svg(terms: Sequence[str], lines: Mapping[str, Sequence[int | None]]) -> bytes:
    """Per cent of the pupils inventoried who have a named safe adult, per term: one line per series (the school,
    each grade); a series is told apart by line style and marker too, never by colour alone."""
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
    axes.set_ylim(0, 100)
    axes.set_xticks(positions, list(terms))
    axes.set_ylabel(_("Named safe adult (%)"))
    axes.grid(True, axis="y", color="#d0d0d0", linewidth=0.6)
    axes.set_title(_("Safe adults over terms"), loc="left", fontsize=11)
    if axes.get_legend_handles_labels()[0]:
        figure.legend(loc="outside lower center", ncols=4, frameon=False, fontsize=8)
    else:
        axes.text(0.5, 0.5, _("Nothing inventoried yet"), transform=axes.transAxes, ha="center", va="center")
    return svg_of(figure)


def wellbeing_chart_svg(terms: Sequence[str], counts: Sequence[dict[str, int]]) -> bytes:
    """The class reviews' agreed ratings per term as stacked bars (green, yellow, red: also told apart by hatching)."""
    figure = Figure(figsize=(7.5, 3.4), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(terms)))
    bottoms = [0] * len(terms)
    for rating in WELLBEING_ORDER:
        heights = [term_counts.get(rating, 0) for term_counts in counts]
        axes.bar(
            positions,
            heights,
            bottom=bottoms,
            label=str(Wellbeing(rating).label),
            color=WELLBEING_COLOURS[rating],
            hatch=WELLBEING_HATCHES[rating],
            edgecolor="#ffffff",
        )
        bottoms = [bottom + height for bottom, height in zip(bottoms, heights, strict=True)]
    axes.set_xticks(positions, list(terms))
    axes.set_ylabel(_("Pupils"))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(_("Wellbeing agreed in class reviews"), loc="left", fontsize=11)
    axes.grid(True, axis="y", color="#d0d0d0", linewidth=0.6)
    figure.legend(loc="outside lower center", ncols=3, frameon=False, fontsize=8)
    return svg_of(figure)


def grouped_bars_svg(
    groups: Sequence[str], series: Mapping[str, Sequence[int | None]], title: str, ylabel: str
) -> bytes:
    """Per cent per group (a school, a question) for each series (a measure, a wave), as grouped bars told apart by
    hatching as well as colour; a missing value (suppressed, nothing measured) is left out."""
    figure = Figure(figsize=(7.5, 3.8), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    count = max(len(series), 1)
    width = 0.8 / count
    hatches = ("", "//", "xx", "..", "\\\\\\\\", "--")
    for index, (label, values) in enumerate(series.items()):
        positions = [g + (index - (count - 1) / 2) * width for g in range(len(groups))]
        points = [(x, v) for x, v in zip(positions, values, strict=True) if v is not None]
        xs, heights = ([p[0] for p in points], [p[1] for p in points])
        axes.bar(
            xs,
            heights,
            width=width,
            label=label,
            color=LINE_COLOURS[index % len(LINE_COLOURS)],
            hatch=hatches[index % len(hatches)],
            edgecolor="#ffffff",
        )
    axes.set_ylim(0, 100)
    axes.set_xticks(list(range(len(groups))), [_wrap(name) for name in groups], fontsize=7)
    axes.set_ylabel(ylabel)
    axes.set_title(title, loc="left", fontsize=11)
    axes.grid(True, axis="y", color="#d0d0d0", linewidth=0.6)
    if series:
        figure.legend(loc="outside lower center", ncols=min(count, 4), frameon=False, fontsize=8)
    return svg_of(figure)


def _wrap(text: str, width: int = 18) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines[:3])
