"""Anonymous pupil surveys, anonymous by construction.

A questionnaire is made from a bank of questions (the wording and four-point scale of established Nordic pupil
surveys, in several languages) and attached to a programme as waves (before, after, follow-up). Each class of a
wave gets a set of random one-time codes, printed on slips and handed out at random: a code is kept only as a
keyed hash and says nothing of who got it.

A response holds **no key to a person**: no pupil, no user, no code, no IP address, no user agent, and no time
finer than the day (`answered_on`). Nothing joins a response to a child (a test asserts it on the schema). The
optional link between before and after is a salted hash of a self-generated code (answers only the pupil knows),
salted per survey series, so that it cannot be matched to anything outside the series.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kring.directory.models import Municipality, Unit, User
from kring.people.models import Group
from kring.prevention.models.programmes import Programme


class Scale(models.TextChoices):
    AGREE4 = "agree4", _("Four-point agreement, and don't know")
    SEX = "sex", _("I am (girl, boy, other, rather not say)")
    FREE_TEXT = "free_text", _("Free text")


class BankQuestion(models.Model):
    """A question of the bank, with its wording per language ({"sv": "...", "en": "...", "ar": "...", ...})."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices)
    texts = models.JSONField(_("wording"), default=dict)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("question of the bank")
        verbose_name_plural = _("questions of the bank")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def text(self, language: str) -> str:
        return str(self.texts.get(language) or self.texts.get("sv") or self.code)


class Questionnaire(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    questions = models.ManyToManyField(BankQuestion, through="QuestionnaireItem", related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class QuestionnaireItem(models.Model):
    # as its questionnaire's
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(BankQuestion, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "questionnaire", "position"], name="questionnaire_item_position"
            ),
            models.UniqueConstraint(
                fields=["municipality", "questionnaire", "question"], name="questionnaire_item_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire_id}.{self.position}"


class SurveySeries(models.Model):
    """A questionnaire given to a programme's pupils in waves; `link_answers` lets a pupil's answers before and
    after be paired through a self-generated code, hashed with the series' own salt."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="series")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="surveys")
    link_answers = models.BooleanField(_("link before and after through a self-generated code"), default=False)
    salt = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WaveKind(models.TextChoices):
    BEFORE = "before", _("Before")
    AFTER = "after", _("After")
    FOLLOW_UP = "follow_up", _("Follow-up")


class SurveyWave(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its series'
    series = models.ForeignKey(SurveySeries, on_delete=models.CASCADE, related_name="waves")
    kind = models.CharField(_("wave"), max_length=10, choices=WaveKind.choices)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))

    class Meta:
        verbose_name = _("survey wave")
        verbose_name_plural = _("survey waves")
        ordering = ["series", "opens_on"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "series", "kind"], name="survey_wave_one_per_kind"),
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")), name="survey_wave_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.series} – {self.get_kind_display()}"


class WaveClass(models.Model):
    """A class asked in a wave: how many pupils were invited (for the response rate), and its breakdowns."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its wave's
    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="classes")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("grade"), max_length=10, blank=True)
    invited = models.PositiveSmallIntegerField(_("pupils invited"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "wave", "group"], name="wave_class_unique")]

    def __str__(self) -> str:
        return f"{self.wave} – {self.group}"


class AnswerCode(models.Model):
    """A one-time code of a class in a wave, kept as a keyed hash; used once, and the response does not say which."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its class's
    wave_class = models.ForeignKey(WaveClass, on_delete=models.CASCADE, related_name="codes")
    # Unique per municipality (docs/adr/0019); a pupil's code is looked up before its municipality is known, by the
    # index on the hash alone, and `kring.prevention.surveys.actions.make_codes` draws no hash in use anywhere.
    code_hash = models.CharField(max_length=64)
    used = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "code_hash"], name="answer_code_unique")]
        indexes = [
            models.Index(fields=["wave_class", "used"], name="answer_code_used"),
            models.Index(fields=["code_hash"], name="answer_code_hash"),
        ]

    def __str__(self) -> str:
        return f"code {self.pk}"


class SurveyResponse(models.Model):
    """One pupil's answers: the class and wave, the language, the day. No key to a person."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its class's
    wave_class = models.ForeignKey(WaveClass, on_delete=models.CASCADE, related_name="responses")
    answered_on = models.DateField()
    language = models.CharField(max_length=10)
    # the answer to the questionnaire's sex question, if any, kept here too for the breakdown (1 girl, 2 boy, ...)
    sex = models.SmallIntegerField(null=True, blank=True)
    link_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"response {self.pk}"


class SurveyAnswer(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its response's
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(BankQuestion, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True)  # agree4: 1 (not at all) – 4 (fully), 0 don't know
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "response", "question"], name="survey_answer_once")
        ]
        indexes = [models.Index(fields=["question", "value"], name="survey_answer_question")]

    def __str__(self) -> str:
        return f"answer {self.pk}"


class SurveySettings(models.Model):
    """The municipality's disclosure control: no figure for fewer answers or a lower response rate than this."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="+")
    min_answers = models.PositiveSmallIntegerField(_("fewest answers shown"), default=10)
    min_response_percent = models.PositiveSmallIntegerField(_("lowest response rate shown (%)"), default=50)

    def __str__(self) -> str:
        return f"{self.min_answers} / {self.min_response_percent} %"
