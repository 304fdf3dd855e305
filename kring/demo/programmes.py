"""The demo's prevention programmes and pupil survey (issue 15, seeds 002 and 004):

* **MVP** (Mentors in Violence Prevention) at two schools, for four terms now, grades 6–9: most staff trained,
  pupil mentors in grade 8 (or 6 where the school ends there), sessions held in some classes;
* **Börja prata** in grade 5 of three schools, run by the school with student health and social services, with
  sessions of its manual held this term;
* a linked **pupil survey** of Börja prata with a before wave (last term's end) and an after wave open now:
  answers generated with a plausible effect (more pupils who feel an adult cares about them after), the third
  school with too few answers to be shown.

Written in bulk, the answers with nothing but their class, language and day, as the survey itself writes them."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from kring.access.roles import Role
from kring.demo.staff import DemoLogin
from kring.demo.structure import Structure
from kring.directory.models import Membership, Unit, User
from kring.people.models import Group, Placement
from kring.prevention.models import (
    AnswerCode,
    BankQuestion,
    ManualSession,
    Programme,
    ProgrammeRun,
    PupilMentor,
    Questionnaire,
    QuestionnaireItem,
    Scale,
    SessionHeld,
    StaffTraining,
    SurveyAnswer,
    SurveyResponse,
    SurveySeries,
    SurveyWave,
    WaveClass,
)
from kring.prevention.surveys import codes
from kring.prevention.surveys.bank import load_question_bank
from kring.prevention.terms import previous_terms, term_of

FREE_TEXT_SHARE = 0.15  # of the pupils write something in the survey's last, free question
PUPIL_WORDS = (
    "Det har blivit lättare att prata med mentorn.",
    "Jag vet vem jag kan gå till om något händer.",
    "Bra att vi fick prata om det här i klassen.",
    "Vuxna borde vara ute mer på rasterna.",
    "Jag tycker att det är tryggare i korridorerna nu.",
    "Ibland vet jag inte vem jag ska fråga.",
)  # invented: what pupils of 11 might write
TERMS_OF_MVP = 4  # MVP has run at its two schools for four terms, this one included

MVP_MANUAL = (
    "Vad är våld? Åskådarrollen",
    "Att säga ifrån på ett tryggt sätt",
    "Maskuliniteter och normer",
    "Nätet och bilderna",
    "Relationer och gränser",
    "Mentorerna leder ett pass",
)
BORJA_PRATA_MANUAL = (
    "Känslor och hur de känns i kroppen",
    "Vänskap och gränser",
    "Hemma: när det är svårt",
    "Vuxna man kan prata med",
    "Våld är aldrig ok",
    "Vart vänder jag mig?",
)


class ProgrammeWriter:
    def __init__(self, structure: Structure, logins: list[DemoLogin], rng: random.Random, today: date) -> None:
        self.structure, self.rng, self.today = structure, rng, today
        by_email = {login.email: login.role for login in logins}
        self.users = {by_email[u.email]: u for u in User.objects.filter(email__in=list(by_email))}
        self.municipality = structure.municipality
        self.term = term_of(today)
        self.counts: Counter[str] = Counter()

    def write(self) -> Counter[str]:
        load_question_bank(BankQuestion)
        education = self.structure.organisations["education"]
        social = self.structure.organisations["social"]
        mvp = self._programme(
            "MVP – Mentorer i våldsprevention",
            ["6", "7", "8", "9"],
            [education],
            MVP_MANUAL,
            "Alla i personalen utbildas; elever utses till mentorer som säger ifrån mot våld.",
            "Botkyrka: skola, socialtjänst och polis i samverkan",
            mentors=True,
        )
        borja = self._programme(
            "Börja prata",
            ["5"],
            [education, social],
            BORJA_PRATA_MANUAL,
            "Elever i årskurs 5 får prata om känslor, gränser och våld, och veta vart de kan "
            "vända sig; skola, elevhälsa och socialtjänst leder passen tillsammans.",
            "Laholm: Börja prata, utvärderat med högskola",
            mentors=False,
        )
        for unit in self._schools_with(["6"])[:2]:
            self._run(mvp, unit, trained_share=0.8, mentors=4, classes_share=0.5)
            self._ran_before(mvp, unit, TERMS_OF_MVP - 1)
        grade5 = self._schools_with(["5"])[:3]
        for unit in grade5:
            self._run(borja, unit, trained_share=0.1, mentors=0, classes_share=1.0)
        self._survey(borja, grade5)
        return self.counts

    def _programme(
        self,
        name: str,
        grades: list[str],
        organisations: list,
        manual: tuple[str, ...],
        aim: str,  # type: ignore[type-arg]
        source: str,
        *,
        mentors: bool,
    ) -> Programme:
        programme = Programme.objects.create(
            municipality=self.municipality,
            name=name,
            aim=aim,
            target_grades=grades,
            trains_all_staff=mentors,
            has_pupil_mentors=mentors,
            source=source,
        )
        programme.organisations.set(organisations, through_defaults={"municipality_id": programme.municipality_id})
        ManualSession.objects.bulk_create(
            ManualSession(municipality_id=programme.municipality_id, programme=programme, number=i, topic=topic)
            for i, topic in enumerate(manual, start=1)
        )
        self.counts["programmes"] += 1
        return programme

    def _schools_with(self, grades: list[str]) -> list[Unit]:
        placed = Placement.objects.current(self.today).filter(
            unit__municipality=self.municipality, grade__in=grades, group__isnull=False
        )
        demo = self.structure.demo_school.unit.pk
        ids = set(placed.values_list("unit_id", flat=True))
        # the demo school first: the demo logins see it
        return sorted(Unit.objects.filter(pk__in=ids), key=lambda unit: (unit.pk != demo, unit.pk))

    def _ran_before(self, programme: Programme, unit: Unit, terms: int) -> None:
        """The programme ran at the school the `terms` terms before this one too (the violence follow-up's trend)."""
        principal = self.users[Role.PRINCIPAL]
        ProgrammeRun.objects.bulk_create(
            ProgrammeRun(
                municipality=self.municipality, programme=programme, unit=unit, term=term, started_by=principal
            )
            for term in previous_terms(self.term, terms + 1)[:-1]
        )

    def _run(
        self, programme: Programme, unit: Unit, *, trained_share: float, mentors: int, classes_share: float
    ) -> None:
        principal = self.users[Role.PRINCIPAL]
        run = ProgrammeRun.objects.create(
            municipality=self.municipality, programme=programme, unit=unit, term=self.term, started_by=principal
        )
        staff = sorted(set(Membership.objects.filter(unit=unit, active=True).values_list("user_id", flat=True)))
        trained = staff[: round(len(staff) * trained_share)]
        start = max(self.term, self.today - timedelta(days=60))
        StaffTraining.objects.bulk_create(
            StaffTraining(
                municipality_id=run.municipality_id,
                run=run,
                user_id=pk,
                trained_on=start,
                hours=Decimal("6"),
                trainer="Länsstyrelsen",
                recorded_by=principal,
            )
            for pk in trained
        )
        classes = list(
            Group.objects.filter(
                pk__in=Placement.objects.current(self.today)
                .filter(unit=unit, grade__in=programme.target_grades)
                .values("group_id")
            ).order_by("name")
        )
        manual = list(programme.manual.all())
        reached = classes[: max(1, round(len(classes) * classes_share))]
        facilitators = list(staff[:3]) + list(
            Membership.objects.filter(unit__in=self.structure.social_units, active=True).values_list(
                "user_id", flat=True
            )[:1]
        )
        days = max((self.today - start).days, 1)
        for group in reached:
            held = manual[: self.rng.randint(max(1, len(manual) - 2), len(manual))]
            for index, session in enumerate(held):
                day = start + timedelta(days=min(days, (index + 1) * days // (len(held) + 1)))
                row = SessionHeld.objects.create(
                    municipality_id=run.municipality_id,
                    run=run,
                    group=group,
                    held_on=min(day, self.today),
                    manual_session=session,
                    pupils_present=self.rng.randint(18, 26),
                    recorded_by=principal,
                )
                row.facilitators.set(facilitators, through_defaults={"municipality_id": row.municipality_id})
                self.counts["programme_sessions"] += 1
        if mentors:
            oldest = "8" if Placement.objects.current(self.today).filter(unit=unit, grade="8").exists() else "6"
            pupils = Placement.objects.current(self.today).filter(
                unit=unit, grade=oldest, child__protected_identity=False
            )
            PupilMentor.objects.bulk_create(
                PupilMentor(
                    municipality=self.municipality,
                    run=run,
                    child_id=child_id,
                    unit=unit,
                    appointed_on=start,
                    recorded_by=principal,
                )
                for child_id in pupils.order_by("child_id").values_list("child_id", flat=True)[:mentors]
            )
        self.counts["programme_runs"] += 1

    def _survey(self, programme: Programme, schools: list[Unit]) -> None:
        coordinator = self.users[Role.COORDINATOR]
        questionnaire = Questionnaire.objects.create(
            municipality=self.municipality, name="Börja prata, åk 5", created_by=coordinator
        )
        questions = list(BankQuestion.objects.order_by("pk"))
        QuestionnaireItem.objects.bulk_create(
            QuestionnaireItem(
                municipality_id=questionnaire.municipality_id, questionnaire=questionnaire, question=q, position=i
            )
            for i, q in enumerate(questions, start=1)
        )
        series = SurveySeries.objects.create(
            municipality=self.municipality,
            name=f"Börja prata {self.term.year}",
            questionnaire=questionnaire,
            programme=programme,
            link_answers=True,
            salt=codes.new_salt(),
            created_by=coordinator,
        )
        before = SurveyWave.objects.create(
            municipality_id=series.municipality_id,
            series=series,
            kind="before",
            opens_on=self.today - timedelta(days=120),
            closes_on=self.today - timedelta(days=110),
        )
        after = SurveyWave.objects.create(
            municipality_id=series.municipality_id,
            series=series,
            kind="after",
            opens_on=self.today - timedelta(days=5),
            closes_on=self.today + timedelta(days=14),
        )
        for index, unit in enumerate(schools):
            small = index == 2  # the third school: too few answers to be shown
            for group in Group.objects.filter(
                pk__in=Placement.objects.current(self.today).filter(unit=unit, grade="5").values("group_id")
            ):
                invited = Placement.objects.current(self.today).filter(group=group).count()
                answering = 4 if small else max(0, invited - self.rng.randint(0, 3))
                pupils = [codes.link_hash(series.salt, [f"{group.pk}", f"{i}", "x"]) for i in range(answering)]
                for wave, positive in ((before, 0.55), (after, 0.68)):
                    wave_class = WaveClass.objects.create(
                        municipality_id=wave.municipality_id,
                        wave=wave,
                        group=group,
                        unit=unit,
                        grade="5",
                        invited=invited,
                    )
                    self._answers(wave_class, pupils, positive, questions)
                    AnswerCode.objects.bulk_create(
                        AnswerCode(
                            municipality_id=wave_class.municipality_id,
                            wave_class=wave_class,
                            code_hash=codes.code_hash(code),
                            used=i < answering,
                        )
                        for i, code in enumerate(codes.new_codes(invited))
                    )
        self.counts["survey_responses"] = SurveyResponse.objects.filter(wave_class__wave__series=series).count()

    def _answers(self, wave_class: WaveClass, links: list[str], positive: float, questions: list[BankQuestion]) -> None:
        day = min(wave_class.wave.closes_on, self.today)
        responses = SurveyResponse.objects.bulk_create(
            SurveyResponse(
                municipality_id=wave_class.municipality_id,
                wave_class=wave_class,
                answered_on=day,
                language="sv",
                link_hash=link,
                sex=self.rng.choices((1, 2, 3, 4), weights=(47, 47, 2, 4))[0],
            )
            for link in links
            if self.rng.random() < 0.9
        )
        municipality = wave_class.municipality_id
        rows = []
        for response in responses:
            for question in questions:
                if question.scale == Scale.AGREE4:
                    roll = self.rng.random()
                    value = (
                        0 if roll < 0.05 else self.rng.choice((3, 4)) if roll < positive else self.rng.choice((1, 2))
                    )
                    rows.append(
                        SurveyAnswer(municipality_id=municipality, response=response, question=question, value=value)
                    )
                elif question.scale == Scale.SEX:
                    rows.append(
                        SurveyAnswer(
                            municipality_id=municipality, response=response, question=question, value=response.sex
                        )
                    )
                elif question.scale == Scale.FREE_TEXT and self.rng.random() < FREE_TEXT_SHARE:
                    text = self.rng.choice(PUPIL_WORDS)
                    rows.append(SurveyAnswer(municipality_id=municipality, response=response, question=question,
                                             text=text))  # fmt: skip
        SurveyAnswer.objects.bulk_create(rows, batch_size=2000)


def write_programmes(structure: Structure, logins: list[DemoLogin], rng: random.Random, today: date) -> Counter[str]:
    return ProgrammeWriter(structure, logins, rng, today).write()
