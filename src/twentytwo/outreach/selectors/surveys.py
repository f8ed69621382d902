"""Reads of surveys: the open ones, one by its address, and the results as aggregates.

Results are counts per choice, the spread of a scale and, for staff only, the free text
answers without anything that says whose they are."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.shortcuts import get_object_or_404
from django.utils import timezone

from twentytwo.outreach.models import Answer, Question, Survey, SurveyTicket


def surveys_on_site(now=None) -> list[Survey]:
    now = now or timezone.now()
    return list(Survey.objects.filter(on_site=True, opens_at__lte=now, closes_at__gt=now))


def survey_by_slug(slug: str) -> Survey:
    """The survey at that address once it has opened; Http404 otherwise."""
    found = Survey.objects.filter(opens_at__lte=timezone.now()).prefetch_related("questions")
    return get_object_or_404(found, slug=slug)


def survey_answered_by(survey: Survey, user: AbstractBaseUser) -> bool:
    return user.is_authenticated and SurveyTicket.objects.filter(survey=survey, user=user).exists()


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    # (label, count) per choice or per point of the scale, in order.
    counts: list[tuple[str, int]] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)


def survey_answers_waiting(survey: Survey) -> int:
    """Answers not yet in the results: they go in together once enough have come."""
    return survey.pending.count()


def survey_results(survey: Survey) -> tuple[int, list[QuestionResult]]:
    """The number of responses, and each question's aggregate (answers still waiting to go
    in together are not in them yet)."""
    questions = list(survey.questions.all())
    results = {q.pk: QuestionResult(question=q) for q in questions}
    tallies: dict[int, Counter] = {q.pk: Counter() for q in questions}
    rows = Answer.objects.filter(question__survey=survey).values_list(
        "question_id", "chosen", "scale", "text"
    )
    for question_id, chosen, scale, text in rows.iterator():
        result = results[question_id]
        result.answered += 1
        if scale is not None:
            tallies[question_id][scale] += 1
        elif text:
            result.texts.append(text)
        else:
            tallies[question_id].update(chosen)
    for question in questions:
        result, tally = results[question.pk], tallies[question.pk]
        if question.kind == Question.Kind.SCALE:
            result.counts = [(str(point), tally[point]) for point in range(1, 6)]
            total = sum(tally.values())
            result.mean = sum(p * n for p, n in tally.items()) / total if total else None
        elif question.kind != Question.Kind.TEXT:
            result.counts = [(label, tally[i]) for i, label in enumerate(question.choice_list())]
        result.texts.sort()  # in no order that follows who answered when
    return survey.responses.count(), [results[q.pk] for q in questions]
