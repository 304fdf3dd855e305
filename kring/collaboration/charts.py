"""The map of collaboration groups, drawn on the server with matplotlib as SVG and always shown beside a table of
the same groups: one lane per issue, each group a bar over the ages it serves, coloured and hatched by its owner
organisation; the ages no group serves are marked as gaps, and overlapping groups get a dashed outline and a mark."""

from __future__ import annotations

import hashlib
import io
import textwrap

import matplotlib

matplotlib.use("Agg")

from django.core.cache import cache  # noqa: E402
from django.utils.translation import get_language  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402

from kring.casework.tsi.charts import without_inline_styles  # noqa: E402
from kring.collaboration.groups.structure import Structure  # noqa: E402
from kring.collaboration.models import AGE_BANDS, OLDEST_AGE  # noqa: E402

OWNER_COLOURS = ("#0b4f6c", "#1d6b34", "#5c3c92", "#8a6100", "#3c3c3c", "#7a2e4d")
OWNER_HATCHES = ("", "//", "..", "xx", "\\\\", "--")
GAP_COLOUR = "#b3261e"
ROW_HEIGHT = 0.8
CACHE_SECONDS = 24 * 3600


def _plain(text: str, width: int = 26) -> str:
    """User text as matplotlib draws it literally: `$` would start mathematics."""
    return textwrap.shorten(text, width=width, placeholder="…").replace("$", r"\$")


def map_svg(structure: Structure) -> bytes:
    """The map, drawn once for each state of the register and language (drawing takes a matplotlib figure: far
    longer than reading the groups), then served from the cache."""
    key = f"kring:collaboration-map:{get_language()}:{_fingerprint(structure)}"
    svg = cache.get(key)
    if svg is None:
        svg = _draw(structure)
        cache.set(key, svg, CACHE_SECONDS)
    return bytes(svg)


def _fingerprint(structure: Structure) -> str:
    """Everything the map shows: a group's name, level, status, ages, issues, owner and members."""
    parts = [
        f"{g.pk}|{g.name}|{g.level}|{g.status}|{g.age_from}|{g.age_to}|{','.join(g.issues)}|{g.owner.name}|"
        f"{','.join(sorted(m.person_key for m in g.members.all()))}|{','.join(str(s.pk) for s in g.schools.all())}"
        for g in structure.groups
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _draw(structure: Structure) -> bytes:
    lanes = structure.lanes()
    owners = sorted({group.owner.name for _issue, _label, groups in lanes for group in groups})
    style = {name: index % len(OWNER_COLOURS) for index, name in enumerate(owners)}
    overlapping = structure.overlapping_ids
    rows_in = [max(len(groups), 1) for _issue, _label, groups in lanes]
    figure = Figure(figsize=(9, 1.2 + 0.42 * sum(rows_in) + 0.3 * len(lanes)), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    top = 0.0
    ticks: list[float] = []
    for (issue, _label, groups), rows in zip(lanes, rows_in, strict=True):
        lane_height = rows + 0.3
        ticks.append(top + lane_height / 2)
        for gap in (gap for gap in structure.gaps if gap.issue == issue):
            axes.add_patch(
                Rectangle(
                    (gap.age_from, top + 0.05),
                    gap.age_to - gap.age_from + 1,
                    lane_height - 0.1,
                    facecolor="#fbe9e7",
                    edgecolor=GAP_COLOUR,
                    hatch="\\\\",
                    linewidth=1.2,
                )
            )
            axes.text(
                (gap.age_from + gap.age_to + 1) / 2,
                top + lane_height / 2,
                _("Gap"),
                ha="center",
                va="center",
                fontsize=8,
                color=GAP_COLOUR,
                fontweight="bold",
            )
        for row, group in enumerate(groups):
            y = top + 0.15 + row
            index = style[group.owner.name]
            overlap = group.pk in overlapping
            axes.add_patch(
                Rectangle(
                    (group.age_from + 0.05, y),
                    group.age_to - group.age_from + 0.9,
                    ROW_HEIGHT,
                    facecolor=OWNER_COLOURS[index],
                    hatch=OWNER_HATCHES[index],
                    edgecolor="#000000" if overlap else "#ffffff",
                    linestyle="--" if overlap else "-",
                    linewidth=2.2 if overlap else 0.6,
                )
            )
            name = ("⚠ " if overlap else "") + _plain(group.name, 14 + 3 * (group.age_to - group.age_from))
            axes.text(
                group.age_from + 0.25,
                y + ROW_HEIGHT / 2,
                name,
                va="center",
                fontsize=7.5,
                color="#ffffff",
                bbox={"facecolor": OWNER_COLOURS[index], "edgecolor": "none", "pad": 0.6},
            )
        top += lane_height
        axes.axhline(top, color="#9e9e9e", linewidth=0.6)
    axes.set_xlim(0, OLDEST_AGE + 1)
    axes.set_ylim(top, 0)
    axes.set_yticks(ticks, [_plain(label, 30) for _issue, label, _groups in lanes], fontsize=9)
    axes.set_xticks([band[0] for band in AGE_BANDS])
    axes.set_xlabel(_("Age of the children served"))
    axes.grid(True, axis="x", color="#d0d0d0", linewidth=0.6)
    axes.set_title(_("Collaboration groups by issue and age"), loc="left", fontsize=11)
    handles = [
        Patch(facecolor=OWNER_COLOURS[style[name]], hatch=OWNER_HATCHES[style[name]], label=_plain(name, 40))
        for name in owners
    ]
    handles.append(Patch(facecolor="#fbe9e7", edgecolor=GAP_COLOUR, hatch="\\\\", label=_("No group: a gap")))
    handles.append(Patch(facecolor="#ffffff", edgecolor="#000000", linestyle="--", label=_("⚠ Overlapping groups")))
    figure.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False, fontsize=8)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "Kring"})
    return without_inline_styles(buffer.getvalue()).encode()
