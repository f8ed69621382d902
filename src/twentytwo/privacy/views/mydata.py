"""My data: the signed-in listener's own page, and the forms on it.

No address here names an account: every view acts on the account signed in to this session.
The one exception is the erasure confirmation, whose signed token names the account it
was made for and is refused for any other."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST

from twentytwo.accounts.selectors import age_statement_for_user
from twentytwo.privacy import erasure_links
from twentytwo.privacy.erasure_links import ConfirmationError
from twentytwo.privacy.export_files import export_zip_stream
from twentytwo.privacy.models import MarketingPurpose
from twentytwo.privacy.selectors import mydata as selectors
from twentytwo.privacy.selectors.marketing import marketing_in_force
from twentytwo.privacy.services import mydata as services
from twentytwo.privacy.services.mydata import MyDataError

CORRECTED = "Your profile is corrected."
MARKETING_OBJECTED = "Recorded: we will send you no marketing mail of any kind."
ERASED = "Your account is erased."


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
def my_data(request: HttpRequest) -> HttpResponse:
    user = request.user
    return _private(
        render(
            request,
            "privacy/my_data.html",
            {
                "profile_fields": selectors.profile_fields_for_user(user),
                "age_statement": age_statement_for_user(user),
                "marketing": [
                    (MarketingPurpose(purpose), choice)
                    for purpose, choice in marketing_in_force(user=user).items()
                ],
            },
        )
    )


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    """Send everything held about the signed-in account as a zip, written as it is sent."""
    try:
        produced = services.account_export_produce(user=request.user)
    except MyDataError as exc:
        messages.error(request, str(exc))
        return _private(redirect(reverse("privacy:my_data") + "#export"))
    response = StreamingHttpResponse(export_zip_stream(produced), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{produced.filename}"'
    return _private(response)


@login_required
@require_POST
def correct(request: HttpRequest) -> HttpResponse:
    return _done_or_refused(
        request,
        lambda: services.profile_field_correct(
            user=request.user,
            kind=request.POST.get("kind", ""),
            value=request.POST.get("value", ""),
        ),
        done=CORRECTED,
        section="profile",
    )


@login_required
@require_POST
def marketing_object(request: HttpRequest) -> HttpResponse:
    return _done_or_refused(
        request,
        lambda: services.marketing_objection_record(user=request.user),
        done=MARKETING_OBJECTED,
        section="marketing",
    )


def _done_or_refused(request: HttpRequest, act, *, done: str, section: str) -> HttpResponse:
    """Do what the form asked; say that it was done or why not, back at its section."""
    try:
        act()
    except MyDataError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(reverse("privacy:my_data") + f"#{section}")


@login_required
@require_POST
def erase_start(request: HttpRequest) -> HttpResponse:
    """Make the confirmation link and go to it: erasing is one more, deliberate step."""
    token = erasure_links.erasure_token_make(user=request.user)
    return redirect("privacy:erase_confirm", token=token)


@require_http_methods(["GET", "HEAD", "POST"])
def erase_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Show what erasing means; erase only on the POST of this page, never on a GET."""
    try:
        if request.method == "POST":
            services.account_erase(user=request.user, token=token)
            logout(request)
            return _private(render(request, "privacy/erase.html", {"done": ERASED}))
        erasure_links.erasure_token_check(token=token, user=request.user)
    except ConfirmationError as exc:
        context = {"error": str(exc), "sign_in": str(exc) == erasure_links.ERASURE_LINK_SIGN_IN}
        return _private(render(request, "privacy/erase.html", context, status=exc.status))
    except MyDataError as exc:
        status = 410 if str(exc) == erasure_links.ERASURE_LINK_USED else 409
        return _private(render(request, "privacy/erase.html", {"error": str(exc)}, status=status))
    return _private(render(request, "privacy/erase.html", {}))
