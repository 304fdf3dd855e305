"""The results of a survey, with disclosure control: aggregates of the answers in a constant number of queries,
figures only for groups large enough (`disclosure`), shares with Wilson intervals, before against after with
Newcombe's interval and Cohen's h, and for linked answers the paired change with McNemar's exact test
(`estimates`).

The breakdowns are the whole survey, each school, each class, each grade and the sex the pupils gave; free-text
answers are shown only for the whole survey and for schools that are shown, never for a class."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from kring.directory.models import Unit
from kring.prevention.models import (
    BankQuestion,
    Scale,
    SurveyAnswer,
    SurveyResponse,
    SurveySeries,
    SurveySettings,
    SurveyWave,
    WaveClass,
    WaveKind,
)
from kring.prevention.surveys.disclosure import Group, suppress_groups
from kring.prevention.surveys.estimates import Interval, cohens_h, mcnemar_exact, newcombe_difference, wilson_interval

POSITIVE = (3, 4)  # "stämmer helt och hållet", "stämmer ganska bra"
ANSWERED = (1, 2, 3, 4)  # "vet ej" (0) and no answer are left out of the share
SEX_CODES = {1: "girl", 2: "boy", 3: "other", 4: "not_said"}
Atom = tuple[int, int | None]  # (wave class, the sex answered)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    kind: str  # total, school, class, grade, sex
    answered: int | None  # None: suppressed
    positive: int | None
    interval: Interval | None

    @property
    def shown(self) -> bool:
        return self.interval is not None


@dataclass(frozen=True)
class ResponseRow:
    key: str
    label: str
    kind: str
    invited: int | None
    answers: int | None  # None: suppressed

    @property
    def rate(self) -> int | None:
        return round(100 * self.answers / self.invited) if self.answers is not None and self.invited else None


@dataclass
class WaveResults:
    wave: SurveyWave
    responses: list[ResponseRow]
    items: dict[int, list[Figure]]  # question id -> figures
    free_texts: dict[str, list[str]] = field(default_factory=dict)  # group label -> texts


@dataclass(frozen=True)
class Comparison:
    question: BankQuestion
    label: str
    before: Figure
    after: Figure
    difference: Interval
    effect: float


@dataclass(frozen=True)
class Paired:
    question: BankQuestion
    pairs: int
    up: int  # negative before, positive after
    down: int
    p_value: float

    @property
    def change(self) -> float:
        return (self.up - self.down) / self.pairs


@dataclass
class SurveyResults:
    series: SurveySeries
    settings: SurveySettings
    questions: list[BankQuestion]
    waves: list[WaveResults]
    comparisons: list[Comparison]
    paired: list[Paired]
    match_rate: int | None  # per cent of the after wave's responses with a match before


def settings_for(municipality_id: int) -> SurveySettings:
    return SurveySettings.objects.filter(municipality_id=municipality_id).first() or SurveySettings(
        municipality_id=municipality_id
    )


def _sex_question(questions: list[BankQuestion]) -> BankQuestion | None:
    return next((q for q in questions if q.scale == Scale.SEX), None)


@dataclass
class _Wave:
    classes: dict[int, WaveClass]
    atoms: dict[Atom, int]  # respondents per atom
    item_counts: dict[int, dict[Atom, tuple[int, int]]]  # question -> atom -> (answered, positive)
    texts: list[tuple[int, str]]  # (wave class, text)


def _load(wave: SurveyWave, unit_ids: list[int] | None, questions: list[BankQuestion]) -> _Wave:
    classes_qs = wave.classes.select_related("group", "unit")
    if unit_ids is not None:
        classes_qs = classes_qs.filter(unit_id__in=unit_ids)
    classes = {c.pk: c for c in classes_qs}
    asks_sex = _sex_question(questions) is not None
    responses = SurveyResponse.objects.filter(wave_class_id__in=list(classes))
    atoms: dict[Atom, int] = {}
    for row in responses.values("wave_class_id", "sex").annotate(n=Count("pk")).order_by():
        atom = (row["wave_class_id"], row["sex"] if asks_sex else None)
        atoms[atom] = atoms.get(atom, 0) + row["n"]
    agree = [q.pk for q in questions if q.scale == Scale.AGREE4]
    answers = SurveyAnswer.objects.filter(response__wave_class_id__in=list(classes), question_id__in=agree)
    item_counts: dict[int, dict[Atom, tuple[int, int]]] = defaultdict(dict)
    grouped = answers.values("question_id", "response__wave_class_id", "response__sex", "value").annotate(n=Count("pk"))
    for item in grouped.order_by():
        atom = (item["response__wave_class_id"], item["response__sex"] if asks_sex else None)
        answered, positive = item_counts[item["question_id"]].get(atom, (0, 0))
        if item["value"] in ANSWERED:
            answered += item["n"]
            positive += item["n"] if item["value"] in POSITIVE else 0
        item_counts[item["question_id"]][atom] = (answered, positive)
    free = [q.pk for q in questions if q.scale == Scale.FREE_TEXT]
    texts = list(
        SurveyAnswer.objects.filter(response__wave_class_id__in=list(classes), question_id__in=free)
        .exclude(text="")
        .values_list("response__wave_class_id", "text")
    )
    return _Wave(classes, atoms, item_counts, texts)


@dataclass(frozen=True)
class _Breakdown:
    key: str
    label: str
    kind: str
    atoms: frozenset[Atom]
    invited: int | None


def _breakdowns(data: _Wave, sex_labels: dict[int, str], total_label: str) -> list[_Breakdown]:
    found: list[_Breakdown] = []
    atoms = list(data.atoms)
    classes = data.classes

    def of(keep: Any) -> frozenset[Atom]:
        return frozenset(atom for atom in atoms if keep(atom))

    found.append(
        _Breakdown("total", total_label, "total", of(lambda a: True), sum(c.invited for c in classes.values()))
    )
    units: dict[int, Unit] = {c.unit_id: c.unit for c in classes.values()}
    for unit_id, unit in sorted(units.items(), key=lambda item: item[1].name):
        mine = [c for c in classes.values() if c.unit_id == unit_id]
        ids = {c.pk for c in mine}
        found.append(
            _Breakdown(
                f"school:{unit_id}",
                unit.name,
                "school",
                of(lambda a, ids=ids: a[0] in ids),
                sum(c.invited for c in mine),
            )
        )
    for c in sorted(classes.values(), key=lambda c: (c.unit.name, c.group.name)):
        found.append(
            _Breakdown(
                f"class:{c.group_id}",
                f"{c.group.name}, {c.unit.name}",
                "class",
                of(lambda a, pk=c.pk: a[0] == pk),
                c.invited,
            )
        )
    for grade in sorted({c.grade for c in classes.values()}):
        mine = [c for c in classes.values() if c.grade == grade]
        ids = {c.pk for c in mine}
        found.append(
            _Breakdown(
                f"grade:{grade}",
                grade or "–",
                "grade",
                of(lambda a, ids=ids: a[0] in ids),
                sum(c.invited for c in mine),
            )
        )
    for value, label in sex_labels.items():
        found.append(_Breakdown(f"sex:{value}", label, "sex", of(lambda a, v=value: a[1] == v), None))
    return found


def _groups(breakdowns: list[_Breakdown], counts: dict[Atom, int], index: dict[Atom, int]) -> list[Group]:
    return [
        Group(
            b.key,
            frozenset(index[a] for a in b.atoms if counts.get(a)),
            sum(counts.get(a, 0) for a in b.atoms),
            b.invited,
        )
        for b in breakdowns
    ]


def wave_results(
    wave: SurveyWave,
    unit_ids: list[int] | None,
    questions: list[BankQuestion],
    settings: SurveySettings,
    sex_labels: dict[int, str],
    total_label: str,
) -> tuple[WaveResults, _Wave, list[_Breakdown]]:
    data = _load(wave, unit_ids, questions)
    breakdowns = _breakdowns(data, sex_labels, total_label)
    index = {atom: i for i, atom in enumerate(sorted(data.atoms, key=lambda a: (a[0], a[1] or 0)))}
    limits = (settings.min_answers, settings.min_response_percent)
    hidden = suppress_groups(_groups(breakdowns, data.atoms, index), *limits)
    responses = [
        ResponseRow(
            b.key,
            b.label,
            b.kind,
            b.invited if b.kind != "sex" else None,
            None if b.key in hidden else sum(data.atoms.get(a, 0) for a in b.atoms),
        )
        for b in breakdowns
    ]
    items: dict[int, list[Figure]] = {}
    for question in questions:
        if question.scale != Scale.AGREE4:
            continue
        counts = data.item_counts.get(question.pk, {})
        answered = {atom: pair[0] for atom, pair in counts.items()}
        item_hidden = hidden | suppress_groups(_groups(breakdowns, answered, index), *limits)
        items[question.pk] = [_figure(b, counts, b.key in item_hidden) for b in breakdowns]
    result = WaveResults(wave, responses, items)
    shown_schools = {b.key: b for b in breakdowns if b.kind in ("total", "school") and b.key not in hidden}
    for breakdown in shown_schools.values():
        ids = {atom[0] for atom in breakdown.atoms}
        texts = sorted(text for class_id, text in data.texts if class_id in ids)
        if texts:
            result.free_texts[breakdown.label] = texts
    return result, data, breakdowns


def _figure(breakdown: _Breakdown, counts: dict[Atom, tuple[int, int]], hidden: bool) -> Figure:
    answered = sum(counts.get(a, (0, 0))[0] for a in breakdown.atoms)
    positive = sum(counts.get(a, (0, 0))[1] for a in breakdown.atoms)
    if hidden or not answered:
        return Figure(breakdown.key, breakdown.label, breakdown.kind, None, None, None)
    return Figure(
        breakdown.key, breakdown.label, breakdown.kind, answered, positive, wilson_interval(positive, answered)
    )


def compare(before: WaveResults, after: WaveResults, questions: list[BankQuestion]) -> list[Comparison]:
    """After against before, for the whole survey and each school shown in both waves."""
    found = []
    for question in questions:
        first = {f.key: f for f in before.items.get(question.pk, []) if f.kind in ("total", "school") and f.shown}
        for figure in after.items.get(question.pk, []):
            earlier = first.get(figure.key)
            if earlier is None or not figure.shown:
                continue
            assert earlier.positive is not None and earlier.answered is not None
            assert figure.positive is not None and figure.answered is not None
            difference = newcombe_difference(figure.positive, figure.answered, earlier.positive, earlier.answered)
            effect = cohens_h(figure.positive / figure.answered, earlier.positive / earlier.answered)
            found.append(Comparison(question, figure.label, earlier, figure, difference, effect))
    return found


def paired(
    series: SurveySeries,
    waves: dict[str, SurveyWave],
    unit_ids: list[int] | None,
    questions: list[BankQuestion],
    minimum: int,
) -> tuple[list[Paired], int | None]:
    """The answers of pupils who gave the same self-generated code before and after: the paired change per question
    (only with at least `minimum` pairs), and the match rate of the after wave (two queries)."""
    before, after = waves.get(WaveKind.BEFORE), waves.get(WaveKind.AFTER)
    if not series.link_answers or before is None or after is None:
        return [], None
    scope = {} if unit_ids is None else {"wave_class__unit_id__in": unit_ids}
    responses = SurveyResponse.objects.filter(wave_class__wave__in=[before, after], **scope).exclude(link_hash="")
    given: dict[tuple[int, str], list[int]] = defaultdict(list)
    for wave_id, link, pk in responses.values_list("wave_class__wave_id", "link_hash", "pk"):
        given[(wave_id, link)].append(pk)
    once = {key: pks[0] for key, pks in given.items() if len(pks) == 1}  # a code given twice is ambiguous
    second = {link: pk for (wave_id, link), pk in once.items() if wave_id == after.pk}
    first = {link: pk for (wave_id, link), pk in once.items() if wave_id == before.pk}
    matched = set(first) & set(second)
    rate = round(100 * len(matched) / len(second)) if second else None
    agree = [q for q in questions if q.scale == Scale.AGREE4]
    values: dict[tuple[int, int], int | None] = {}
    answers = SurveyAnswer.objects.filter(question__in=agree, response__in=responses)
    for response_id, question_id, value in answers.values_list("response_id", "question_id", "value"):
        values[(response_id, question_id)] = value
    found = []
    for question in agree:
        up = down = pairs = 0
        for link in matched:
            a, b = values.get((first[link], question.pk)), values.get((second[link], question.pk))
            if a not in ANSWERED or b not in ANSWERED:
                continue
            pairs += 1
            up += a not in POSITIVE and b in POSITIVE
            down += a in POSITIVE and b not in POSITIVE
        if pairs >= minimum:
            found.append(Paired(question, pairs, up, down, mcnemar_exact(up, down)))
    return found, rate
