"""Asking for mail, confirming from the address, and stopping it: double opt-in, per kind."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.outreach.conftest import make_listener
from twentytwo.outreach import links
from twentytwo.outreach.services import OutreachError
from twentytwo.outreach.services import subscriptions as services
from twentytwo.privacy.models import MarketingChoice
from twentytwo.privacy.selectors.marketing import marketing_confirmed, marketing_in_force

PAGE = reverse("outreach:subscriptions")
# The confirmation mail leaves once its opt-in is committed, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def link_in(message, name: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(rf"http://\S+/mail/{name}/\S+/", text).group(0)


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def token_in(message, name: str) -> str:
    return path_of(link_in(message, name)).split("/")[-2]


def state(user, purpose: str) -> str:
    choice = marketing_in_force(user=user)[purpose]
    return choice.method if choice else "none"


def test_nothing_is_ticked_until_the_listener_ticks_it(signed_in):
    page = signed_in.get(PAGE).content.decode()
    assert 'name="kinds"' in page
    assert " checked" not in page
    assert not MarketingChoice.objects.exists()


def test_asking_sends_a_link_and_nothing_goes_until_it_is_followed(signed_in, listener, smtp):
    response = signed_in.post(PAGE, {"kinds": ["surveys"], "language": "nl"})
    assert response.status_code == 302

    assert state(listener, "surveys") == "opt_in"
    assert state(listener, "specials") == "none"
    assert marketing_confirmed(purpose="surveys", user_ids=[listener.pk]) == set()
    (confirmation,) = smtp.to("mira@example.org")
    assert "Bevestig" in confirmation["Subject"]  # in the language asked for
    assert "List-Unsubscribe" not in confirmation
    url = link_in(confirmation, "confirm")

    # A mail scanner following the link changes nothing; the button does.
    anyone = Client()
    assert anyone.get(path_of(url)).status_code == 200
    assert state(listener, "surveys") == "opt_in"
    assert anyone.post(path_of(url)).status_code == 200
    assert state(listener, "surveys") == "confirmed"
    latest = marketing_in_force(user=listener)["surveys"]
    assert latest.policy_version.number >= 1
    assert marketing_confirmed(purpose="surveys", user_ids=[listener.pk]) == {listener.pk}


def test_a_confirmation_link_is_spent_by_a_withdrawal(listener, smtp):
    services.subscription_opt_in(user=listener, purpose="specials")
    token = token_in(smtp.messages[-1], "confirm")
    services.subscription_confirm(token=token)
    services.subscription_confirm(token=token)  # followed twice: nothing new
    assert MarketingChoice.objects.filter(user=listener, method="confirmed").count() == 1

    services.subscription_withdraw(user=listener, purpose="specials")
    response = Client().post(reverse("outreach:confirm", kwargs={"token": token}))
    assert response.status_code == 400
    assert services.LINK_SPENT in response.content.decode()
    assert state(listener, "specials") == "opt_out"


def test_forged_expired_and_crossed_links_are_refused(listener, smtp, monkeypatch):
    services.subscription_opt_in(user=listener, purpose="specials")
    token = token_in(smtp.messages[-1], "confirm")
    other = make_listener("bram")
    forged = (
        links.confirmation_token(links.Confirmation(other.pk, "specials", 1, "bram@example.org"))[
            :-3
        ]
        + "abc"
    )
    for bad in (forged, token[:-1], "nonsense"):
        response = Client().post(reverse("outreach:confirm", kwargs={"token": bad}))
        assert response.status_code == 400, bad
    # A confirmation token is not an unsubscribe token, nor the other way round.
    assert (
        Client().post(reverse("outreach:unsubscribe", kwargs={"token": token})).status_code == 400
    )
    monkeypatch.setattr(links, "CONFIRM_VALID", timedelta(seconds=-1))
    response = Client().post(reverse("outreach:confirm", kwargs={"token": token}))
    assert links.LINK_EXPIRED in response.content.decode()
    assert state(listener, "specials") == "opt_in"


def test_a_link_to_an_address_the_account_no_longer_has_is_refused(listener, smtp):
    services.subscription_opt_in(user=listener, purpose="products")
    token = token_in(smtp.messages[-1], "confirm")
    listener.email = "mira@elsewhere.example"
    listener.save()
    with pytest.raises(OutreachError, match="no longer your account's"):
        services.subscription_confirm(token=token)
    assert state(listener, "products") == "opt_in"


def test_an_under_18_listener_without_a_guardian_gets_no_subscription(db, policy, smtp):
    young = make_listener("kai", adult=False)
    client = Client()
    client.force_login(young)
    page = client.get(PAGE).content.decode()
    assert 'data-outreach="not-allowed"' in page
    assert 'name="kinds"' not in page
    client.post(PAGE, {"kinds": ["specials"], "language": "en"})
    with pytest.raises(OutreachError):
        services.subscription_opt_in(user=young, purpose="specials")
    assert not MarketingChoice.objects.exists()
    assert smtp.messages == []


def test_withdraw_all_is_the_objection_and_stops_every_kind(signed_in, listener, smtp):
    for purpose in ("specials", "surveys"):
        services.subscription_opt_in(user=listener, purpose=purpose)
        services.subscription_confirm(token=token_in(smtp.messages[-1], "confirm"))
    signed_in.post(reverse("outreach:withdraw_all"))
    assert {state(listener, p) for p in ("specials", "surveys", "products")} == {"objection"}
    assert marketing_confirmed(purpose="specials", user_ids=[listener.pk]) == set()


def test_an_unknown_kind_of_mail_is_refused(listener):
    with pytest.raises(OutreachError):
        services.subscription_opt_in(user=listener, purpose="all")
    response = Client()
    response.force_login(listener)
    assert response.post(PAGE, {"kinds": ["jackpots"], "language": "en"}).status_code == 400
    assert not MarketingChoice.objects.exists()


def test_the_dashboard_invites_once_and_says_nothing_after_any_choice(signed_in, listener):
    dashboard = reverse("favorites:dashboard")
    assert "data-mail-invitation" in signed_in.get(dashboard).content.decode()
    services.subscription_opt_in(user=listener, purpose="specials")
    services.subscription_withdraw(user=listener, purpose="specials")
    assert "data-mail-invitation" not in signed_in.get(dashboard).content.decode()


def test_the_dashboard_invites_no_one_under_18_without_a_guardian():
    young = make_listener("sam", adult=False)
    client = Client()
    client.force_login(young)
    assert "data-mail-invitation" not in client.get(reverse("favorites:dashboard")).content.decode()
