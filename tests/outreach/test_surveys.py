"""Surveys: sent to those who asked for surveys or shown on the site, answered once, kept
without the account unless the survey needs it and the listener agrees, read by staff as
aggregates."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.outreach.conftest import make_listener
from twentytwo.outreach.models import Answer, Campaign, Question, Survey, SurveyResponse
from twentytwo.outreach.selectors.surveys import survey_results
from twentytwo.outreach.services import OutreachError
from twentytwo.outreach.services import surveys as services
from twentytwo.outreach.services.campaigns import SURVEY_NEEDS_SURVEYS, campaign_check, campaign_run
from twentytwo.outreach.services.subscriptions import subscription_confirm, subscription_opt_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def one_at_a_time(settings):
    """Answers go in one by one here; the batches are tested on their own, below."""
    settings.SURVEY_BATCH = 1


def make_survey(**changes) -> Survey:
    now = timezone.now()
    survey = Survey.objects.create(
        **{
            "slug": "listening-2027",
            "title": "How do you listen?",
            "on_site": True,
            "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=7),
        }
        | changes
    )
    questions = [
        Question(
            survey=survey, position=1, kind="single", text="Where?", choices="Home\nWork\nOut"
        ),
        Question(
            survey=survey,
            position=2,
            kind="multiple",
            text="Which genres?",
            choices="House\nJazz\nDub",
        ),
        Question(survey=survey, position=3, kind="scale", text="How happy are you?"),
        Question(survey=survey, position=4, kind="text", text="Anything else?", required=False),
    ]
    Question.objects.bulk_create(questions)
    return survey


def form(survey, **values) -> dict:
    q = {question.position: f"q{question.pk}" for question in survey.questions.all()}
    answers = {q[1]: "0", q[2]: ["0", "2"], q[3]: "4", q[4]: "More dub, please."}
    for position, value in values.items():
        answers[q[int(position[1:])]] = value
    return answers


def page(survey) -> str:
    return reverse("outreach:survey", kwargs={"slug": survey.slug})


def test_answers_are_kept_without_the_account_and_only_once(signed_in, listener):
    survey = make_survey()
    content = signed_in.get(page(survey)).content.decode()
    assert "nobody can tell which answers are yours" in content
    assert 'name="give_account"' not in content

    response = signed_in.post(page(survey), form(survey))
    assert response.status_code == 200 and "your answers are in" in response.content.decode()
    (kept,) = SurveyResponse.objects.all()
    assert kept.user_id is None
    assert kept.submitted_on == timezone.localdate()
    assert {a.question.position: (a.chosen, a.scale, a.text) for a in Answer.objects.all()} == {
        1: ([0], None, ""),
        2: ([0, 2], None, ""),
        3: ([], 4, ""),
        4: ([], None, "More dub, please."),
    }
    again = signed_in.post(page(survey), form(survey))
    assert again.status_code == 400
    assert SurveyResponse.objects.count() == 1
    assert 'data-survey-state="answered"' in signed_in.get(page(survey)).content.decode()


def test_a_survey_that_needs_the_account_keeps_it_only_when_the_listener_agrees(signed_in):
    survey = make_survey(account_reason="to send the ten winners a record")
    assert "to send the ten winners a record" in signed_in.get(page(survey)).content.decode()
    signed_in.post(page(survey), form(survey))
    assert SurveyResponse.objects.get().user_id is None

    bram = make_listener("bram")
    client = Client()
    client.force_login(bram)
    client.post(page(survey), {**form(survey), "give_account": "on"})
    assert SurveyResponse.objects.filter(user=bram).count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"q1": ""}, services.ANSWER_REQUIRED % {"question": "Where?"}),
        ({"q1": ["0", "1"]}, services.ONE_CHOICE % {"question": "Where?"}),
        ({"q2": ["7"]}, services.CHOICE_UNKNOWN % {"question": "Which genres?"}),
        ({"q2": ["x"]}, services.CHOICE_UNKNOWN % {"question": "Which genres?"}),
        ({"q3": "6"}, services.SCALE_RANGE % {"question": "How happy are you?"}),
        ({"q4": "x" * 2001}, services.TEXT_TOO_LONG % {"question": "Anything else?"}),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_kept(signed_in, values, message):
    survey = make_survey()
    response = signed_in.post(page(survey), form(survey, **values))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_under_18_without_a_guardian_cannot_answer(policy):
    survey = make_survey()
    young = make_listener("sam", adult=False)
    client = Client()
    client.force_login(young)
    assert 'data-survey-state="not-allowed"' in client.get(page(survey)).content.decode()
    assert client.post(page(survey), form(survey)).status_code == 400
    assert not SurveyResponse.objects.exists()


def test_a_surveys_campaign_links_each_recipient_to_answer_once_without_signing_in(listener, smtp):
    survey = make_survey(on_site=False)
    subscription_opt_in(user=listener, purpose="surveys")
    text = smtp.messages[-1].get_body(preferencelist=("plain",)).get_content()
    subscription_confirm(token=re.search(r"/mail/confirm/(\S+)/", text).group(1))
    campaign = Campaign.objects.create(
        name="Survey",
        purpose="surveys",
        survey=survey,
        subject_en="Tell us",
        body_en="Two minutes.",
        subject_nl="Vertel",
        body_nl="Twee minuten.",
        status="scheduled",
        send_at=timezone.now(),
    )
    campaign_run(campaign_id=campaign.pk)
    body = smtp.to("mira@example.org")[-1].get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://\S+/surveys/listening-2027/\?t=\S+", body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    # Without the link, a mail-only survey is not there, even for a signed-in listener.
    other_listener = Client()
    other_listener.force_login(make_listener("bram"))
    assert other_listener.get(page(survey)).status_code == 404
    assert other_listener.post(page(survey), form(survey)).status_code == 404

    anyone = Client()  # not signed in: the link is the credential
    token = path.split("?t=", 1)[1]
    assert anyone.get(f"/{path}").status_code == 200
    assert anyone.post(f"/{path.split('?')[0]}", {**form(survey), "t": token}).status_code == 200
    assert SurveyResponse.objects.get().user_id is None
    assert anyone.post(f"/{path.split('?')[0]}", {**form(survey), "t": token}).status_code == 400
    # A link cut short, or made for another survey, answers nothing.
    other = make_survey(slug="other")
    assert anyone.get(f"{page(other)}?t={token}").status_code == 400
    assert anyone.get(f"{page(survey)}?t={token[:-3]}").status_code == 400
    assert SurveyResponse.objects.count() == 1


def test_a_survey_goes_only_by_surveys_mail():
    survey = make_survey()
    campaign = Campaign(
        name="x",
        purpose="specials",
        survey=survey,
        subject_en="a",
        body_en="b",
        subject_nl="c",
        body_nl="d",
    )
    with pytest.raises(OutreachError, match=SURVEY_NEEDS_SURVEYS):
        campaign_check(campaign=campaign)


def test_staff_see_aggregates_and_free_text_without_whose_it_is(policy):
    survey = make_survey()
    for name, where, scale in (("a", "0", "5"), ("b", "0", "3"), ("c", "2", "4")):
        services.survey_answer(
            survey=survey,
            user=make_listener(name),
            values={
                q.pk: v
                for q, v in zip(
                    survey.questions.all(), [[where], ["1"], [scale], [f"note {name}"]], strict=True
                )
            },
        )
    responses, results = survey_results(survey)
    assert responses == 3
    where, genres, happy, notes = results
    assert where.counts == [("Home", 2), ("Work", 0), ("Out", 1)]
    assert genres.counts == [("House", 0), ("Jazz", 3), ("Dub", 0)]
    assert happy.counts == [("1", 0), ("2", 0), ("3", 1), ("4", 1), ("5", 1)] and happy.mean == 4
    assert notes.texts == ["note a", "note b", "note c"]

    staff = get_user_model().objects.create_superuser(username="editor", password=None)
    client = Client()
    client.force_login(staff)
    content = client.get(f"/admin/outreach/survey/{survey.pk}/change/").content.decode()
    assert 'data-responses="3"' in content and "note b" in content
    assert "never shown to partners" in content
    # Answered: the questions are fixed, so the results keep meaning what they say.
    assert 'name="questions-0-text"' not in content
    fresh = make_survey(slug="fresh")
    content = client.get(f"/admin/outreach/survey/{fresh.pk}/change/").content.decode()
    assert 'name="questions-0-text"' in content


def test_the_site_lists_open_surveys_to_signed_in_listeners(signed_in):
    make_survey()
    make_survey(slug="hidden", title="Hidden", on_site=False)
    content = signed_in.get(reverse("outreach:surveys")).content.decode()
    assert 'data-survey="listening-2027"' in content and "Hidden" not in content
    assert Client().get(reverse("outreach:surveys")).status_code == 302


def test_answers_wait_and_go_in_together_in_random_order(settings, policy, monkeypatch):
    settings.SURVEY_BATCH = 3
    survey = make_survey()
    shuffled = []

    def reversed_order(items):
        shuffled.append([p.pk for p in items])
        return list(reversed(items))

    monkeypatch.setattr(services, "_shuffle", reversed_order)
    listeners = [make_listener(name) for name in ("a", "b", "c", "d")]
    values = {q.pk: ["0"] if q.kind != "text" else [] for q in survey.questions.all()}
    values[survey.questions.get(position=3).pk] = ["2"]
    for listener in listeners[:2]:
        services.survey_answer(survey=survey, user=listener, values=values)
    assert not SurveyResponse.objects.exists() and survey.pending.count() == 2
    services.survey_answer(survey=survey, user=listeners[2], values=values)
    # The third brings the batch: all three go in at once, in the shuffled order.
    assert SurveyResponse.objects.count() == 3 and survey.pending.count() == 0
    assert len(shuffled) == 1 and len(shuffled[0]) == 3
    assert survey_results(survey)[1][2].counts[1] == ("2", 3)

    # What waits when the survey closes goes in then, whatever the batch.
    services.survey_answer(survey=survey, user=listeners[3], values=values)
    assert survey.pending.count() == 1
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert services.surveys_answers_flush_closed() == [survey.pk]
    assert SurveyResponse.objects.count() == 4 and survey.pending.count() == 0
    assert not SurveyResponse.objects.filter(user__isnull=False).exists()
