"""The listener's own pages: profile, the age question and the guardian's confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from twentytwo.accounts import selectors, services
from twentytwo.accounts.models import PROFILE_SOURCE_SELF
from twentytwo.accounts.services import AccountError
from twentytwo.core.redirects import next_url

AGE_ANSWER_MISSING = "Choose one of the two answers."
GUARDIAN_REQUEST_SENT = "We sent a confirmation link to %(email)s."
GUARDIAN_CONFIRMED = "Thank you. The account is confirmed and no longer limited."
FACT_REMOVED = "Removed from your profile."
PROFILE_REFRESHED = "Your profile was refreshed from %(source)s."


@login_required
@require_http_methods(["GET", "HEAD"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    providers = selectors.linked_providers_for_user(user)
    # A fact the listener corrected on My data says so.
    names = {PROFILE_SOURCE_SELF: gettext("you"), **providers}
    facts = list(selectors.profile_facts_for_user(user))
    return render(
        request,
        "accounts/profile.html",
        {
            # A fact outlives the link to its provider; then its id is all there is to show.
            "facts": [(fact, names.get(fact.source, fact.source)) for fact in facts],
            "social_accounts": list(providers.items()),
            "age_statement": selectors.age_statement_for_user(user),
            "guardian_confirmed": selectors.user_guardian_confirmed(user),
            "guardian_pending": selectors.guardian_confirmation_pending(user),
            "may_keep_favorites": selectors.user_may_keep_favorites(user),
        },
    )


@login_required
@require_POST
def profile_fact_remove(request: HttpRequest, fact_id: int) -> HttpResponse:
    services.profile_fact_remove(user=request.user, fact_id=fact_id)
    messages.success(request, FACT_REMOVED)
    return redirect("accounts:profile")


@login_required
@require_POST
def profile_refresh(request: HttpRequest) -> HttpResponse:
    source = request.POST.get("source", "")
    try:
        services.profile_facts_refresh(user=request.user, source=source)
    except AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, PROFILE_REFRESHED % {"source": source})
    return redirect("accounts:profile")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def age(request: HttpRequest) -> HttpResponse:
    then = next_url(request, default=reverse("web:home"))
    if not selectors.user_needs_age_step(request.user):
        return HttpResponseRedirect(then)
    error = None
    if request.method == "POST":
        answer = request.POST.get("adult")
        if answer in ("yes", "no"):
            services.age_statement_record(user=request.user, adult=answer == "yes")
            if answer == "yes":
                return HttpResponseRedirect(then)
            return redirect("accounts:profile")
        error = AGE_ANSWER_MISSING
    return render(
        request,
        "accounts/age.html",
        {"next": then, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def guardian_request(request: HttpRequest) -> HttpResponse:
    email = request.POST.get("guardian_email", "")
    try:
        services.guardian_confirmation_request(
            user=request.user, guardian_email=email, absolute_url=request.build_absolute_uri
        )
    except AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, GUARDIAN_REQUEST_SENT % {"email": email.strip()})
    return redirect("accounts:profile")


@require_http_methods(["GET", "HEAD", "POST"])
def guardian_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Show the guardian what they confirm; confirm only on their POST, never on a GET.

    Mail scanners open links; a GET that confirmed would let them do it for the guardian."""
    try:
        if request.method == "POST":
            services.guardian_confirmation_confirm(token=token)
            return render(request, "accounts/guardian_confirm.html", {"done": GUARDIAN_CONFIRMED})
        services.guardian_confirmation_check(token=token)
    except AccountError as exc:
        return render(request, "accounts/guardian_confirm.html", {"error": str(exc)}, status=400)
    return render(request, "accounts/guardian_confirm.html", {})
