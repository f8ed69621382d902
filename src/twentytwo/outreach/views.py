"""The subscriptions page, the two links in the mail (confirm and unsubscribe), and the
promotions run with affiliates, surveys, and the ads of each place with their counts.

The links need no sign-in: the signed token names the account and the kind of mail. Each
shows a page with one button, and acts only on POST, so a mail scanner that follows every
link changes nothing; the unsubscribe address also takes a mail client's RFC 8058 one-click
POST, which carries no CSRF token (the signed token is its credential)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from twentytwo.accounts.selectors import user_may_receive_mail
from twentytwo.outreach import links
from twentytwo.outreach.forms import AdPlaceForm, PromotionEntryForm, SubscriptionsForm
from twentytwo.outreach.links import LinkError
from twentytwo.outreach.models import Ad
from twentytwo.outreach.selectors.ads import ad_choose
from twentytwo.outreach.selectors.promotions import (
    promotion_by_slug,
    promotion_entry_of,
    promotions_open,
)
from twentytwo.outreach.selectors.subscriptions import subscriptions_of
from twentytwo.outreach.selectors.surveys import survey_answered_by, survey_by_slug, surveys_on_site
from twentytwo.outreach.services import OutreachError
from twentytwo.outreach.services import promotions as promotions_services
from twentytwo.outreach.services import subscriptions as services
from twentytwo.outreach.services import surveys as surveys_services
from twentytwo.outreach.services.ads import AUDIO_TYPES, IMAGE_TYPES, ad_count, file_type
from twentytwo.outreach.tasks import promotion_handover_task
from twentytwo.privacy.models import MarketingPurpose
from twentytwo.privacy.services.mydata import MyDataError

SAVED = "Saved. For each kind of mail you asked for, we sent a link to confirm your address."
SAVED_NOTHING_NEW = "Saved."
CONFIRMED = "Your address is confirmed: you will receive %(kind)s."
UNSUBSCRIBED = "Done: you will receive no more %(kind)s."
WITHDRAWN_ALL = "Done: we will send you no marketing mail of any kind."
ONE_CLICK = "List-Unsubscribe=One-Click"
SURVEY_THANKS = "Thank you: your answers are in."
SURVEY_BY_MAIL = "This survey is answered from the link in its mail."
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
        "open": found.is_open(),
        "entry": entry,
        "allowed": allowed,
        "form": form,
        "error": error,
    }
    return _private(render(request, "outreach/promotion.html", context, status=status))


def _ad_json(ad: Ad, place: str) -> dict:
    return {
        "id": ad.pk,
        "format": ad.format,
        "headline": ad.headline,
        "text": ad.text,
        "by": ad.advertiser.name if ad.advertiser else "22tracks",
        "link": reverse("outreach:ad_click", kwargs={"ad_id": ad.pk}) + f"?place={place}",
        "image": reverse("outreach:ad_file", kwargs={"ad_id": ad.pk, "part": "image"})
        if ad.image
        else None,
        "audio": reverse("outreach:ad_file", kwargs={"ad_id": ad.pk, "part": "audio"})
        if ad.audio
        else None,
        # Loaded by ads.js only where the browser allowed advertising partners.
        "tag": ad.tag_url or None,
    }


def _no_store(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, no_store=True)
    return response


@require_http_methods(["GET", "HEAD"])
def ad_place(request: HttpRequest) -> HttpResponse:
    """The ad for a place, as JSON, counted as one impression; `{"ad": null}` when none runs.

    Asked with no cookie (ads.js omits credentials), so nothing of the browser comes with it."""
    form = AdPlaceForm(request.GET)
    if not form.is_valid():
        error = "; ".join(f"{name}: {' '.join(e)}" for name, e in form.errors.items())
        return _no_store(JsonResponse({"detail": error}, status=400))
    data = form.cleaned_data
    if data["place"] == Ad.Place.PLAYER and not settings.ADS_PLAYER_EVERY:
        return _no_store(JsonResponse({"ad": None}))
    ad = ad_choose(place=data["place"], city=data["city"], genre=data["genre"])
    if ad is None:
        return _no_store(JsonResponse({"ad": None}))
    if request.method == "GET":  # a HEAD shows nothing to anyone: it counts for nothing
        ad_count(ad_id=ad.pk, place=data["place"], day=timezone.localdate())
    return _no_store(JsonResponse({"ad": _ad_json(ad, data["place"])}))


@require_http_methods(["GET"])
def ad_click(request: HttpRequest, ad_id: int) -> HttpResponse:
    """Count a click and go to the ad's link (the link is the ad's own: no open redirect)."""
    ad = get_object_or_404(Ad, pk=ad_id)
    place = request.GET.get("place", "")
    if place not in ad.places:
        return HttpResponseBadRequest("Unknown place for this ad.")
    ad_count(ad_id=ad.pk, place=place, day=timezone.localdate(), clicked=True)
    response = HttpResponseRedirect(ad.link_url)
    response["Referrer-Policy"] = "no-referrer"
    return _no_store(response)


@require_http_methods(["GET", "HEAD"])
def ad_file(request: HttpRequest, ad_id: int, part: str) -> HttpResponse:
    """A running ad's picture or audio spot, served as the type its kind allows, never as
    a page or a script."""
    now = timezone.now()
    ad = get_object_or_404(Ad, pk=ad_id, starts_at__lte=now, ends_at__gt=now)
    stored, types = (ad.image, IMAGE_TYPES) if part == "image" else (ad.audio, AUDIO_TYPES)
    content_type = file_type(stored.name, types) if stored else None
    if part not in ("image", "audio") or content_type is None:
        raise Http404("This ad has no such file.")
    response = FileResponse(stored.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
def surveys(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "outreach/surveys.html", {"surveys": surveys_on_site()}))


def _survey_user(request: HttpRequest, survey, token: str):
    """Who answers: the account a mail's survey link names, or the signed-in listener."""
    if token:
        invite = links.survey_invite_of(token)
        if invite.survey_id != survey.pk:
            raise LinkError(links.LINK_BROKEN)
        return services.link_user(invite.user_id)
    if not survey.on_site:
        # A survey sent by mail is answered from its link, not by whoever finds its address.
        raise Http404(SURVEY_BY_MAIL)
    return request.user if request.user.is_authenticated else None


@require_http_methods(["GET", "HEAD", "POST"])
def survey(request: HttpRequest, slug: str) -> HttpResponse:
    found = survey_by_slug(slug)
    token = request.POST.get("t") or request.GET.get("t") or ""
    try:
        user = _survey_user(request, found, token)
    except LinkError as exc:
        return _link_page(request, "outreach/link.html", {"error": str(exc)}, 400)
    if user is None:
        return redirect_to_login(request.get_full_path())
    context = {
        "survey": found,
        "token": token,
        "open": found.is_open(),
        "allowed": user_may_receive_mail(user),
        "answered": survey_answered_by(found, user),
        "error": "",
    }
    if request.method == "POST":
        values = {
            question.pk: request.POST.getlist(f"q{question.pk}")
            for question in found.questions.all()
        }
        try:
            surveys_services.survey_answer(
                survey=found,
                user=user,
                values=values,
                give_account=request.POST.get("give_account") == "on",
            )
        except OutreachError as exc:
            context |= {"error": str(exc), "sent": request.POST}
            return _link_page(request, "outreach/survey.html", context, 400)
        return _link_page(request, "outreach/link.html", {"done": SURVEY_THANKS})
    return _link_page(request, "outreach/survey.html", context)
