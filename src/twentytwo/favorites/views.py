"""The dashboard: the signed-in listener's favorites and what is new in their genres."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from twentytwo.accounts.selectors import user_may_keep_favorites
from twentytwo.catalog import selectors as catalog_selectors
from twentytwo.favorites import selectors, services


@never_cache
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("account_login"))
    if not user_may_keep_favorites(request.user):
        return render(
            request,
            "favorites/dashboard.html",
            {"refused": services.FAVORITES_NOT_ALLOWED, "dashboard": None},
        )
    # Opening the dashboard marks what is new as seen, like a read receipt; a HEAD does not.
    # A forged cross-site GET could do no more than that.
    last_visit = (
        services.dashboard_visit_record(user=request.user)
        if request.method == "GET"
        else selectors.dashboard_last_visit(user=request.user)
    )
    return render(
        request,
        "favorites/dashboard.html",
        {
            "dashboard": selectors.dashboard(user=request.user, last_visit=last_visit),
            "curated": catalog_selectors.genres_curated_by(user=request.user).exists(),
        },
    )
