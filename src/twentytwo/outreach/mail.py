"""outreach's messages as they leave: plain text and HTML parts, the unsubscribe headers.

No message carries a tracking pixel, and no link in it is rewritten: every address in it
is the site's own page, as written."""

from __future__ import annotations

from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from twentytwo.outreach.links import SurveyInvite, Unsubscribe, survey_token, unsubscribe_token

# What each kind of mail is called in the message's own language.
KIND_NAMES = {
    "en": {
        "specials": "specials",
        "surveys": "surveys",
        "products": "news of products and services",
    },
    "nl": {
        "specials": "aanbiedingen",
        "surveys": "enquêtes",
        "products": "nieuws over producten en diensten",
    },
}


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def unsubscribe_url(*, user_id: int, purpose: str) -> str:
    token = unsubscribe_token(Unsubscribe(user_id=user_id, purpose=purpose))
    return site_url(reverse("outreach:unsubscribe", kwargs={"token": token}))


def survey_url(*, user_id: int, survey) -> str:
    """The recipient's own link to the survey: it answers for them once, without sign-in."""
    token = survey_token(SurveyInvite(user_id=user_id, survey_id=survey.pk))
    path = reverse("outreach:survey", kwargs={"slug": survey.slug})
    return site_url(f"{path}?t={token}")


def message(
    *,
    to: str,
    language: str,
    template: str,
    context: dict,
    unsubscribe: str | None = None,
    message_id: str | None = None,
) -> EmailMultiAlternatives:
    """Render `template`'s subject, text and HTML parts in the language, addressed to `to`;
    `context["purpose"]` names the kind of mail.

    With `unsubscribe`, the message says how to stop it in its text and in the RFC 8058
    headers a mail client shows as one button."""
    manage = site_url(reverse("outreach:subscriptions"))
    kind = KIND_NAMES[language][context["purpose"]]
    context = {**context, "purpose": kind, "unsubscribe": unsubscribe, "manage": manage}
    folder = f"outreach/mail/{language}"
    with translation.override(language):
        subject = render_to_string(f"{folder}/{template}_subject.txt", context)
        text = render_to_string(f"{folder}/{template}.txt", context)
        html = render_to_string(f"{folder}/{template}.html", context)
    headers = {"Message-ID": message_id or make_msgid(domain=_domain())}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        # A subject is one line: any line break in it is refused before it gets here.
        subject=" ".join(subject.split()),
        body=text,
        to=[to],
        headers=headers,
    )
    email.attach_alternative(html, "text/html")
    return email


def _domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def campaign_message_id(*, campaign_id: int, delivery_id: int) -> str:
    """The same Message-ID each time a delivery is sent: a resend after a crash between the
    server's acceptance and its record is one message to the receiving side."""
    return f"<campaign-{campaign_id}.delivery-{delivery_id}@{_domain()}>"
