"""Campaigns into a real SMTP server on loopback: only to confirmed addresses, each message
once across a crash, the one-click unsubscribe, and the checks before anything goes."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tests.outreach.conftest import make_listener
from twentytwo.outreach.models import Campaign, Delivery, Subscriber
from twentytwo.outreach.services import OutreachError
from twentytwo.outreach.services import campaigns as services
from twentytwo.outreach.services.subscriptions import (
    subscriber_preferences_set,
    subscription_confirm,
    subscription_opt_in,
    subscription_withdraw,
)
from twentytwo.privacy.selectors.marketing import marketing_in_force

pytestmark = pytest.mark.django_db(transaction=True)


def subscribed(name: str, smtp, *, purpose: str = "specials", language: str = "en"):
    user = make_listener(name)
    subscriber_preferences_set(user=user, language=language, city=None)
    subscription_opt_in(user=user, purpose=purpose)
    text = smtp.messages[-1].get_body(preferencelist=("plain",)).get_content()
    token = re.search(r"/mail/confirm/(\S+)/", text).group(1)
    subscription_confirm(token=token)
    return user


def campaign(**fields) -> Campaign:
    values = {
        "name": "Winter specials",
        "purpose": "specials",
        "subject_en": "Two tickets for the winter night",
        "body_en": "Win two tickets.\nSee https://22tracks.example/amsterdam/",
        "subject_nl": "Twee kaartjes voor de winternacht",
        "body_nl": "Win twee kaartjes.",
    }
    return Campaign.objects.create(**{**values, **fields})


def started(c: Campaign) -> Campaign:
    staff = get_user_model().objects.create_user(username=f"staff{c.pk}", is_staff=True)
    return services.campaign_start(campaign=c, actor=staff)


def test_only_confirmed_addresses_get_a_campaign_each_in_its_language(policy, smtp):
    mira = subscribed("mira", smtp)
    sem = subscribed("sem", smtp, language="nl")
    waiting = make_listener("bram")
    subscription_opt_in(user=waiting, purpose="specials")  # never confirms
    other_kind = subscribed("ida", smtp, purpose="surveys")
    smtp.messages.clear()

    progress = services.campaign_run(campaign_id=started(campaign()).pk)

    assert (progress.sent, progress.waiting) == (2, 0)
    assert {m["To"] for m in smtp.messages} == {mira.email, sem.email}
    assert smtp.to(waiting.email) == smtp.to(other_kind.email) == []
    (dutch,) = smtp.to(sem.email)
    assert dutch["Subject"] == "Twee kaartjes voor de winternacht"
    (english,) = smtp.to(mira.email)
    unsubscribe = re.fullmatch(r"<(http://\S+/mail/unsubscribe/\S+/)>", english["List-Unsubscribe"])
    assert unsubscribe
    assert english["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = english.get_body(preferencelist=("plain",)).get_content()
    html = english.get_body(preferencelist=("html",)).get_content()
    assert "https://22tracks.example/amsterdam/" in text  # as written, not rewritten
    assert unsubscribe.group(1) in text and unsubscribe.group(1) in html
    assert "<img" not in html
    assert Campaign.objects.get().status == Campaign.Status.SENT


def test_a_crash_midway_then_a_restart_sends_each_message_once(policy, smtp):
    people = [subscribed(f"p{i}", smtp) for i in range(5)]
    smtp.messages.clear()
    c = started(campaign())
    smtp.refuse_after = 2  # the server goes away after two messages

    with pytest.raises(Exception):
        services.campaign_run(campaign_id=c.pk, batch=2)
    assert len(smtp.messages) == 2
    assert Delivery.objects.filter(status="sent").count() == 2
    assert Campaign.objects.get().status == Campaign.Status.SENDING

    smtp.refuse_after = None
    assert services.campaigns_resume() == [c.pk]
    assert sorted(m["To"] for m in smtp.messages) == sorted(p.email for p in people)
    assert len({m["Message-ID"] for m in smtp.messages}) == 5
    assert services.campaign_progress(campaign=c).sent == 5


def test_a_withdrawal_during_a_campaign_stops_the_messages_not_yet_sent(policy, smtp):
    first, second = subscribed("a1", smtp), subscribed("a2", smtp)
    smtp.messages.clear()
    c = started(campaign())
    smtp.refuse_after = 1
    with pytest.raises(Exception):
        services.campaign_run(campaign_id=c.pk, batch=1)
    late = second if smtp.messages[0]["To"] == first.email else first
    subscription_withdraw(user=late, purpose="specials")
    smtp.refuse_after = None
    services.campaigns_resume()

    assert smtp.to(late.email) == []
    assert services.campaign_progress(campaign=c).skipped == 1


def test_the_unsubscribe_link_needs_no_sign_in_and_stops_one_kind_only(policy, smtp):
    mira = subscribed("mira", smtp)
    subscribed_too = subscription_opt_in(user=mira, purpose="surveys")
    text = smtp.messages[-1].get_body(preferencelist=("plain",)).get_content()
    subscription_confirm(token=re.search(r"/mail/confirm/(\S+)/", text).group(1))
    assert subscribed_too
    smtp.messages.clear()
    services.campaign_run(campaign_id=started(campaign()).pk)
    url = re.search(r"<http://[^/]+(/\S+)>", smtp.messages[0]["List-Unsubscribe"]).group(1)

    client = Client(enforce_csrf_checks=True)
    assert client.get(url).status_code == 200  # a page with a button; nothing changed yet
    assert marketing_in_force(user=mira)["specials"].method == "confirmed"
    form = "application/x-www-form-urlencoded"
    response = client.post(url, "List-Unsubscribe=One-Click", content_type=form)
    assert response.status_code == 200
    in_force = marketing_in_force(user=mira)
    assert in_force["specials"].method == "unsubscribe"
    assert in_force["surveys"].method == "confirmed"

    # The next campaign of that kind does not reach the address.
    smtp.messages.clear()
    services.campaign_run(campaign_id=started(campaign(name="Spring")).pk)
    assert smtp.messages == []

    # A link changed by a letter names no one.
    assert client.post(url[:-3] + "x/").status_code == 400


def test_a_campaign_that_cannot_go_as_it_is_is_refused(policy, smtp):
    staff = make_listener("staff")
    for broken in (
        {"body_nl": "  "},
        {"subject_nl": ""},
        {"subject_en": "Hello\r\nBcc: everyone@example.org"},
    ):
        c = campaign(**broken)
        with pytest.raises(OutreachError):
            services.campaign_start(campaign=c, actor=staff)
        with pytest.raises(OutreachError):
            services.campaign_test_send(campaign=c, actor=staff)
        assert Campaign.objects.get(pk=c.pk).status == Campaign.Status.DRAFT
    assert smtp.messages == []
    assert not Delivery.objects.exists()


def test_a_test_send_goes_to_the_author_alone_in_both_languages(policy, smtp):
    subscribed("mira", smtp)
    smtp.messages.clear()
    author = make_listener("staff")
    assert services.campaign_test_send(campaign=campaign(), actor=author) == 2
    assert {m["To"] for m in smtp.messages} == {author.email}
    assert sorted(m["Subject"] for m in smtp.messages) == [
        "[test] Twee kaartjes voor de winternacht",
        "[test] Two tickets for the winter night",
    ]
    assert not Delivery.objects.exists()


def test_a_campaign_for_a_city_reaches_that_city_and_those_who_chose_none(
    policy, smtp, amsterdam, berlin
):
    here, anywhere, elsewhere = (subscribed(n, smtp) for n in ("here", "anywhere", "elsewhere"))
    Subscriber.objects.filter(user=here).update(city=amsterdam)
    Subscriber.objects.filter(user=elsewhere).update(city=berlin)
    smtp.messages.clear()
    c = campaign()
    c.cities.set([amsterdam])

    services.campaign_run(campaign_id=started(c).pk)

    assert {m["To"] for m in smtp.messages} == {here.email, anywhere.email}


def test_a_campaign_waits_for_its_time(policy, smtp):
    subscribed("mira", smtp)
    smtp.messages.clear()
    staff = make_listener("staff")
    later = timezone.now() + timezone.timedelta(hours=1)
    services.campaign_start(campaign=campaign(), actor=staff, at=later)
    assert services.campaigns_resume() == []
    assert smtp.messages == []
