"""Surveys: checking one, and answering it once, without the account unless it is asked for.

A listener answers from the signed link in a surveys mail, or signed in from the site. A
ticket says that the account answered, so nobody answers twice. The answers wait, with no
account, until SURVEY_BATCH answers have come (or the survey has closed), and then go in
together as responses in random order, each with a random id and only its day: neither the
order rows were written in nor the transactions they were written by lines a response up
with its ticket. Only a survey that says why it needs the account, and a listener who
agrees, puts the account on the response, which then goes in at once."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from twentytwo.accounts.selectors import user_may_receive_mail
from twentytwo.outreach.models import (
    Answer,
    PendingResponse,
    Question,
    Survey,
    SurveyResponse,
    SurveyTicket,
)
from twentytwo.outreach.services import OutreachError

Kind = Question.Kind

SURVEY_NOT_FOR_YOU = (
    "Surveys are only for listeners of 18 or older, or whose parent or guardian has confirmed."
)
SURVEY_NOT_OPEN = "This survey is not open for answers."
ALREADY_ANSWERED = "You have already answered this survey. Thank you!"
ANSWER_REQUIRED = "Answer “%(question)s”: it is required."
CHOICE_UNKNOWN = "“%(question)s” has no such choice."
ONE_CHOICE = "“%(question)s” takes one choice."
SCALE_RANGE = "“%(question)s” takes a number from 1 to 5."
TEXT_TOO_LONG = "The answer to “%(question)s” is longer than 2,000 characters."
NO_QUESTIONS = "A survey needs at least one question."
CHOICES_MISSING = "“%(question)s” needs at least two choices, one per line."
TEXT_LIMIT = 2000


def survey_check(*, survey: Survey, questions: list[Question]) -> None:
    """Refuse a survey that cannot be answered as written: raise OutreachError."""
    if not questions:
        raise OutreachError(NO_QUESTIONS)
    for question in questions:
        if question.kind in (Kind.SINGLE, Kind.MULTIPLE) and len(question.choice_list()) < 2:
            raise OutreachError(CHOICES_MISSING % {"question": question.text})


def _answer(question: Question, raw: list[str]) -> Answer | None:
    """Read one question's submitted values into an unsaved Answer; None when left out."""
    values = [value.strip() for value in raw if value.strip()]
    name = {"question": question.text}
    if not values:
        if question.required:
            raise OutreachError(ANSWER_REQUIRED % name)
        return None
    if question.kind == Kind.TEXT:
        text = "\n".join(values)
        if len(text) > TEXT_LIMIT:
            raise OutreachError(TEXT_TOO_LONG % name)
        return Answer(question=question, text=text)
    if question.kind == Kind.SCALE:
        if len(values) != 1 or values[0] not in {"1", "2", "3", "4", "5"}:
            raise OutreachError(SCALE_RANGE % name)
        return Answer(question=question, scale=int(values[0]))
    count = len(question.choice_list())
    try:
        chosen = sorted({int(value) for value in values})
    except ValueError as exc:
        raise OutreachError(CHOICE_UNKNOWN % name) from exc
    if any(index < 0 or index >= count for index in chosen):
        raise OutreachError(CHOICE_UNKNOWN % name)
    if question.kind == Kind.SINGLE and len(chosen) != 1:
        raise OutreachError(ONE_CHOICE % name)
    return Answer(question=question, chosen=chosen)


def survey_answer(
    *,
    survey: Survey,
    user: AbstractBaseUser,
    values: dict[int, list[str]],
    give_account: bool = False,
    now: datetime | None = None,
) -> None:
    """Take the listener's answers once; `values` maps each question's id to what was sent.

    The account goes on the response only when the survey needs it and `give_account`."""
    now = now or timezone.now()
    if not user_may_receive_mail(user):
        raise OutreachError(SURVEY_NOT_FOR_YOU)
    if not survey.is_open(now):
        raise OutreachError(SURVEY_NOT_OPEN)
    if SurveyTicket.objects.filter(survey=survey, user=user).exists():
        raise OutreachError(ALREADY_ANSWERED)
    answers = [
        answer
        for question in survey.questions.all()
        if (answer := _answer(question, values.get(question.pk, []))) is not None
    ]
    day = timezone.localdate(now)
    try:
        with transaction.atomic():
            SurveyTicket.objects.create(survey=survey, user=user)
            if survey.needs_account and give_account:
                _responses_write(survey, [(day, answers)], user=user)
            else:
                PendingResponse.objects.create(
                    survey=survey,
                    submitted_on=day,
                    answers={
                        str(a.question_id): {"chosen": a.chosen, "scale": a.scale, "text": a.text}
                        for a in answers
                    },
                )
    except IntegrityError as exc:
        raise OutreachError(ALREADY_ANSWERED) from exc
    survey_answers_flush(survey=survey, minimum=settings.SURVEY_BATCH)


def _shuffle(items: list) -> list:
    secrets.SystemRandom().shuffle(items)
    return items


def _responses_write(survey: Survey, batch: list[tuple], *, user=None) -> None:
    for day, answers in batch:
        response = SurveyResponse.objects.create(survey=survey, submitted_on=day, user=user)
        for answer in answers:
            answer.response = response
        Answer.objects.bulk_create(answers)


def survey_answers_flush(*, survey: Survey, minimum: int = 1) -> int:
    """Move the survey's waiting answers into its responses, shuffled, once at least
    `minimum` wait; return how many went in."""
    with transaction.atomic():
        # One flush at a time per survey: two cannot both take the same answers.
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        waiting = list(PendingResponse.objects.filter(survey=survey))
        if len(waiting) < minimum or not waiting:
            return 0
        batch = [
            (
                pending.submitted_on,
                [
                    Answer(
                        question_id=int(question_id),
                        chosen=value["chosen"],
                        scale=value["scale"],
                        text=value["text"],
                    )
                    for question_id, value in pending.answers.items()
                ],
            )
            for pending in _shuffle(waiting)
        ]
        _responses_write(survey, batch)
        PendingResponse.objects.filter(pk__in=[p.pk for p in waiting]).delete()
    return len(batch)


def surveys_answers_flush_closed(now: datetime | None = None) -> list[int]:
    """Put in what still waits of every survey that has closed; return their ids."""
    now = now or timezone.now()
    closed = Survey.objects.filter(closes_at__lte=now, pending__isnull=False).distinct()
    return [survey.pk for survey in closed if survey_answers_flush(survey=survey)]
