"""The ratings dashboard: every figure from the rollups, as tables, charts and CSV.

Who may see it is decided by the page's caller, which knows who is signed in (staff only);
this code never learns who is asking. A "person" in
every figure is one browser (the listener cookie), not one human, and every page and every
CSV file says so."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from twentytwo.audience.forms import RatingsFilter
from twentytwo.audience.selectors.ratings import PERSON_NOTE
from twentytwo.audience.selectors.ratings_dashboard import (
    RatingsTable,
    ratings_dashboard,
    ratings_table,
)
from twentytwo.catalog.models import City

TEMPLATE = "audience/ratings.html"
NO_CITY = "There is no city to report on yet."
NOT_YOURS = (
    "The ratings are for staff. Curators see their own genres in the partner portal; staff "
    "can link an account to a curator in the admin."
)


def _csv(table: RatingsTable) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
    # The note travels with the numbers: a comment line before the header.
    response.write(f"# {PERSON_NOTE}\n")
    writer = csv.DictWriter(
        response, fieldnames=table.keys, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(table.rows)
    return response


def ratings_refused(request: HttpRequest) -> HttpResponse:
    """The answer to someone who may see no figure at all."""
    return render(request, TEMPLATE, {"person": PERSON_NOTE, "error": NOT_YOURS}, status=403)


def ratings_page(request: HttpRequest) -> HttpResponse:
    """The dashboard, or one of its tables as CSV, of every city and genre."""
    cities = list(City.objects.all())
    if not cities:
        return render(request, TEMPLATE, {"person": PERSON_NOTE, "error": NO_CITY})
    form = RatingsFilter(request.GET, cities=cities)
    if not form.is_valid():
        context = {"person": PERSON_NOTE, "form": form, "city": form.city}
        return render(request, TEMPLATE, context, status=400)
    query = form.ratings_query()
    if form.wants_csv:
        return _csv(ratings_table(query=query, table=form.csv_table))
    # The same filter, as the page's CSV links and the form both need it.
    link = request.GET.copy()
    for name in ("format", "table"):
        link.pop(name, None)
    link["city"], link["daypart"], link["step"] = query.city.slug, query.daypart, query.step
    link["first"], link["last"] = query.first.isoformat(), query.last.isoformat()
    return render(
        request,
        TEMPLATE,
        {
            "person": PERSON_NOTE,
            "form": form,
            "city": query.city,
            "board": ratings_dashboard(query=query),
            "query": link.urlencode(),
        },
    )
