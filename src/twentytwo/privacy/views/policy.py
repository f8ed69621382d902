"""The public privacy pages: the policy and its versions, the record of processing, contact.

Every page is a whole document in the site's layout, readable without an account."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from twentytwo.privacy.models import PolicyVersion
from twentytwo.privacy.policy_text import policy_blocks, policy_diff
from twentytwo.privacy.processing import processing_record
from twentytwo.privacy.selectors import policy as selectors

COMPARE_NOT_A_VERSION = "Choose two published versions of the policy to compare."
COMPARE_SAME_VERSION = "Choose two different versions to compare."
COMPARE_ONLY_ONE = "There is only one version of the policy so far: nothing to compare yet."
TEXT_LANGUAGES = {"en": "English", "nl": "Nederlands"}


def _text_language(request: HttpRequest) -> str:
    """Return "nl" or "en": the text asked for with ?lang=, else the page's language."""
    asked = request.GET.get("lang", "")
    if asked in TEXT_LANGUAGES:
        return asked
    return "nl" if getattr(request, "LANGUAGE_CODE", "en").startswith("nl") else "en"


def _version_context(request: HttpRequest, version: PolicyVersion | None) -> dict:
    language = _text_language(request)
    return {
        "version": version,
        "language": language,
        "languages": TEXT_LANGUAGES,
        "blocks": policy_blocks(version.text(language)) if version else [],
        "summary": version.summary(language) if version else "",
        "today": timezone.localdate(),
    }


@require_safe
def policy(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    versions = selectors.policy_versions_in_effect(on=today)
    current = versions[0] if versions else None
    return render(
        request,
        "privacy/policy.html",
        {
            **_version_context(request, current),
            "in_force": True,
            "earlier": versions[1:],
            "upcoming": selectors.policy_versions_upcoming(on=today),
            "processors": list(selectors.processors_active(on=today)),
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        },
    )


@require_safe
def policy_version(request: HttpRequest, number: int) -> HttpResponse:
    version = selectors.policy_version_published_by_number(number)
    current = selectors.policy_in_force()
    return render(
        request,
        "privacy/policy.html",
        {
            **_version_context(request, version),
            "in_force": current is not None and current.pk == version.pk,
            "previous": selectors.policy_version_before(version),
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        },
    )


def _published_by_number(value: str, published: dict[int, PolicyVersion]) -> PolicyVersion | None:
    try:
        return published.get(int(value))
    except ValueError:
        return None


@require_safe
def policy_compare(request: HttpRequest) -> HttpResponse:
    """Compare any two published versions, the older first; by default the version in force
    with the one before it."""
    published = {v.number: v for v in PolicyVersion.objects.filter(published=True)}
    context = {
        "versions": sorted(published.values(), key=lambda v: v.number),
        "language": _text_language(request),
        "languages": TEXT_LANGUAGES,
    }
    asked = "from" in request.GET or "to" in request.GET
    if asked:
        old = _published_by_number(request.GET.get("from", ""), published)
        new = _published_by_number(request.GET.get("to", ""), published)
        if old is None or new is None:
            return render(
                request,
                "privacy/compare.html",
                {**context, "error": COMPARE_NOT_A_VERSION},
                status=400,
            )
        if old.pk == new.pk:
            return render(
                request,
                "privacy/compare.html",
                {**context, "error": COMPARE_SAME_VERSION},
                status=400,
            )
    else:
        new = selectors.policy_in_force()
        old = selectors.policy_version_before(new) if new else None
        if old is None:
            return render(request, "privacy/compare.html", {**context, "error": COMPARE_ONLY_ONE})
    if old.effective_on > new.effective_on:
        old, new = new, old
    language = context["language"]
    return render(
        request,
        "privacy/compare.html",
        {
            **context,
            "old": old,
            "new": new,
            "lines": policy_diff(old.text(language), new.text(language)),
        },
    )


@require_safe
def processing(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/processing.html",
        {
            "activities": processing_record(),
            "processors": list(selectors.processors_active()),
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        },
    )


@require_safe
def contact(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/contact.html",
        {
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
            "guardian_link_days": settings.GUARDIAN_LINK_MAX_AGE // 86400,
        },
    )
