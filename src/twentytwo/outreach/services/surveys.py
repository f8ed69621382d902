"""Surveys: checking one, and answering it once, without the account unless it is asked for.

A listener answers from the signed link in a surveys mail, or signed in from the site. The
answers go in a response with a random id and only the day; a separate ticket says that the
account answered, so nobody answers twice, and nothing lines the two up. Only a survey that
says why it needs the account, and a listener who agrees, puts the account on the response."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from twentytwo.accounts.selectors import user_may_receive_mail
from twentytwo.outreach.models import Answer, Question, Survey, SurveyResponse, SurveyTicket
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
) -> SurveyResponse:
    """Store the listener's answers once; `values` maps each question's id to what was sent.

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
    try:
        with transaction.atomic():
            SurveyTicket.objects.create(survey=survey, user=user)
            response = SurveyResponse.objects.create(
                survey=survey,
                submitted_on=timezone.localdate(now),
                user=user if survey.needs_account and give_account else None,
            )
            for answer in answers:
                answer.response = response
            Answer.objects.bulk_create(answers)
    except IntegrityError as exc:
        raise OutreachError(ALREADY_ANSWERED) from exc
    return response
