"""The mail service's tracking webhook, for the one service the site sends through.

django-anymail has a webhook per ESP. Only the one TWENTYTWO_ESP names answers here, and
only with a webhook secret set; every other address under /mail/esp/ is a 404, so no one
can stop someone's mail through a service the site does not use."""

from __future__ import annotations

from anymail import urls as anymail_urls
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

NOT_HERE = "The site takes no reports from this mail service."


def _tracking_view(esp: str):
    name = f"{esp}_tracking_webhook"
    for pattern in anymail_urls.urlpatterns:
        if getattr(pattern, "name", None) == name:
            return pattern.callback
    return None


@csrf_exempt
def tracking(request: HttpRequest, esp: str) -> HttpResponse:
    if esp != settings.ESP or not settings.ANYMAIL.get("WEBHOOK_SECRET"):
        raise Http404(NOT_HERE)
    view = _tracking_view(esp)
    if view is None:
        raise Http404(NOT_HERE)
    return view(request)
