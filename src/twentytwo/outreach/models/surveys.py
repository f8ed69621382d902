"""Surveys, their questions, and the answers kept apart from who gave them."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from twentytwo.outreach.models.running import OpenForAWhile


class Survey(OpenForAWhile):
    """Questions staff ask listeners: by mail to those who asked for surveys, or on the site.

    Answers are kept without the account, unless the survey says why it needs the account
    and the listener agrees to give it."""

    intro = models.TextField(_("introduction"), blank=True)
    # Listed at /surveys/ for signed-in listeners, besides any campaign that links to it.
    on_site = models.BooleanField(_("shown on the site"), default=False)
    # Empty: answers never name the account.
    account_reason = models.CharField(_("why it needs the account"), max_length=300, blank=True)

    class Meta(OpenForAWhile.Meta):
        verbose_name = _("survey")

    @property
    def needs_account(self) -> bool:
        return bool(self.account_reason.strip())


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("one choice")
        MULTIPLE = "multiple", _("several choices")
        SCALE = "scale", _("a scale of 1 to 5")
        TEXT = "text", _("free text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    # One choice per line, for the kinds with choices.
    choices = models.TextField(_("choices, one per line"), blank=True)
    required = models.BooleanField(_("an answer is required"), default=True)

    class Meta:
        ordering = ["survey", "position", "pk"]
        verbose_name = _("question")

    def __str__(self) -> str:
        return self.text

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class SurveyResponse(models.Model):
    """One listener's answers. Its id is random and it keeps only the day, so it cannot be
    lined up with the ticket that says an account answered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    submitted_on = models.DateField(_("submitted on"))
    # Only for a survey that needs the account, and only when the listener agreed.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("survey response")

    def __str__(self) -> str:
        return f"{self.survey_id} {self.submitted_on}"


class Answer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    # Indexes into the question's choices (one for a single choice).
    chosen = models.JSONField(_("chosen"), default=list, blank=True)
    scale = models.PositiveSmallIntegerField(_("scale"), null=True, blank=True)
    text = models.TextField(_("text"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("answer")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
            models.CheckConstraint(
                condition=models.Q(scale__isnull=True) | models.Q(scale__gte=1, scale__lte=5),
                name="answer_scale_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} {self.question_id}"


class SurveyTicket(models.Model):
    """That an account answered a survey, so it answers once; not which response is its."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("survey ticket")
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="survey_ticket_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.user_id}"


class PendingResponse(models.Model):
    """Answers waiting to join their survey's responses in a shuffled batch.

    A response written right after its ticket could be lined up with it by the order rows
    went in; answers wait here (no account, a random id) until SURVEY_BATCH of them have
    come, or the survey has closed, and then go in together in random order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="pending")
    submitted_on = models.DateField(_("submitted on"))
    # {question id: {"chosen": [...], "scale": n or null, "text": "..."}}
    answers = models.JSONField(_("answers"), default=dict)

    class Meta:
        verbose_name = _("answers waiting")
        verbose_name_plural = _("answers waiting")

    def __str__(self) -> str:
        return f"{self.survey_id} waiting"
