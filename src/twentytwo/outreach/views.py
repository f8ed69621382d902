"""The subscriptions page, the two links in the mail (confirm and unsubscribe), and the
promotions run with affiliates.

The links need no sign-in: the signed token names the account and the kind of mail. Each
shows a page with one button, and acts only on POST, so a mail scanner that follows every
link changes nothing; the unsubscribe address also takes a mail client's RFC 8058 one-click
POST, which carries no CSRF token (the signed token is its credential)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from twentytwo.accounts.selectors import user_may_receive_mail
from twentytwo.outreach import links
from twentytwo.outreach.forms import PromotionEntryForm, SubscriptionsForm
from twentytwo.outreach.links import LinkError
from twentytwo.outreach.selectors import (
    promotion_by_slug,
    promotion_entry_of,
    promotions_open,
    subscriptions_of,
)
from twentytwo.outreach.services import OutreachError
from twentytwo.outreach.services import promotions as promotions_services
from twentytwo.outreach.services import subscriptions as services
from twentytwo.outreach.tasks import promotion_handover_task
from twentytwo.privacy.models import MarketingPurpose
from twentytwo.privacy.services.mydata import MyDataError

SAVED = "Saved. For each kind of mail you asked for, we sent a link to confirm your address."
SAVED_NOTHING_NEW = "Saved."
CONFIRMED = "Your address is confirmed: you will receive %(kind)s."
UNSUBSCRIBED = "Done: you will receive no more %(kind)s."
WITHDRAWN_ALL = "Done: we will send you no marketing mail of any kind."
ONE_CLICK = "List-Unsubscribe=One-Click"
ENTERED = "You are in. Your entry went to %(affiliate)s, and only what the page listed."


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def subscriptions(request: HttpRequest) -> HttpResponse:
    user = request.user
    state = subscriptions_of(user)
    initial = {
        "kinds": [k.purpose for k in state.kinds if k.wanted],
        "language": state.subscriber.language if state.subscriber else "en",
        "city": state.subscriber.city if state.subscriber else None,
    }
    form = SubscriptionsForm(request.POST or None, initial=initial)
    if request.method == "POST" and state.allowed and form.is_valid():
        try:
            asked = _subscriptions_save(user, state, form.cleaned_data)
        except OutreachError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, SAVED if asked else SAVED_NOTHING_NEW)
            return redirect("outreach:subscriptions")
    status = 400 if request.method == "POST" else 200
    return _private(
        render(
            request, "outreach/subscriptions.html", {"state": state, "form": form}, status=status
        )
    )


def _subscriptions_save(user, state, data) -> bool:
    services.subscriber_preferences_set(user=user, language=data["language"], city=data["city"])
    wanted, asked = set(data["kinds"]), False
    for kind in state.kinds:
        if kind.purpose in wanted and not kind.wanted:
            services.subscription_opt_in(user=user, purpose=kind.purpose)
            asked = True
        elif kind.purpose not in wanted and kind.wanted:
            services.subscription_withdraw(user=user, purpose=kind.purpose)
    return asked


@login_required
@require_POST
def withdraw_all(request: HttpRequest) -> HttpResponse:
    try:
        services.subscriptions_withdraw_all(user=request.user)
    except MyDataError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, WITHDRAWN_ALL)
    return redirect("outreach:subscriptions")


def _link_page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Referrer-Policy"] = "no-referrer"  # the token stays on this page
    return _private(response)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        kind = MarketingPurpose(links.confirmation_of(token).purpose).label
    except (LinkError, ValueError) as exc:
        error = str(exc) if isinstance(exc, LinkError) else links.LINK_BROKEN
        return _link_page(request, "outreach/link.html", {"error": error}, 400)
    if request.method != "POST":
        return _link_page(request, "outreach/link.html", {"action": "confirm", "kind": kind})
    try:
        services.subscription_confirm(token=token)
    except (LinkError, OutreachError) as exc:
        return _link_page(request, "outreach/link.html", {"error": str(exc)}, 400)
    return _link_page(request, "outreach/link.html", {"done": CONFIRMED % {"kind": kind}})


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        kind = MarketingPurpose(links.unsubscribe_of(token).purpose).label
    except (LinkError, ValueError) as exc:
        error = str(exc) if isinstance(exc, LinkError) else links.LINK_BROKEN
        return _link_page(request, "outreach/link.html", {"error": error}, 400)
    if request.method != "POST":
        return _link_page(request, "outreach/link.html", {"action": "unsubscribe", "kind": kind})
    try:
        services.subscription_unsubscribe(token=token)
    except (LinkError, OutreachError) as exc:
        return _link_page(request, "outreach/link.html", {"error": str(exc)}, 400)
    done = UNSUBSCRIBED % {"kind": kind}
    if request.POST.get("List-Unsubscribe") == "One-Click":
        # A mail client's one-click POST (RFC 8058) reads no page.
        return _private(HttpResponse(done, content_type="text/plain; charset=utf-8"))
    return _link_page(request, "outreach/link.html", {"done": done})


@require_http_methods(["GET", "HEAD"])
def promotions(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/promotions.html", {"promotions": promotions_open()})


@require_http_methods(["GET", "HEAD", "POST"])
def promotion(request: HttpRequest, slug: str) -> HttpResponse:
    found = promotion_by_slug(slug)
    user = request.user
    if request.method == "POST" and not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    entry = promotion_entry_of(found, user)
    allowed = user.is_authenticated and user_may_receive_mail(user)
    initial = {"name": user.get_full_name(), "email": user.email} if allowed else {}
    form = PromotionEntryForm(found, request.POST or None, initial=initial)
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = promotions_services.promotion_enter(
                promotion=found, user=user, data=data, consent=data["consent"]
            )
        except OutreachError as exc:
            error, status = str(exc), 400
        else:
            if found.webhook_url:
                transaction.on_commit(lambda: promotion_handover_task.enqueue(made.pk))
            messages.success(request, ENTERED % {"affiliate": found.affiliate.name})
            return redirect("outreach:promotion", slug=found.slug)
    context = {
        "promotion": found,
        "open": promotions_services.promotion_is_open(found),
        "entry": entry,
        "allowed": allowed,
        "form": form,
        "error": error,
    }
    return _private(render(request, "outreach/promotion.html", context, status=status))
