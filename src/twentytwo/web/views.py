"""The public pages: cities, genres, tracks, the ledger and the texts about the service.

Every page is a whole HTML document, so each works as a plain page load; htmx swaps only
its <main>, which keeps the player outside it playing."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from twentytwo.audience.views import ratings_page, ratings_refused
from twentytwo.catalog import selectors
from twentytwo.catalog.models import City, Genre, Track
from twentytwo.web.pages import catalog_read, shared_when_anonymous

CITY_NOT_FOUND = "There is no city at this address."
GENRE_NOT_FOUND = "There is no genre at this address."
TRACK_NOT_FOUND = "There is no track with this number."


def _city_or_404(slug: str) -> City:
    try:
        return catalog_read(("city", slug), lambda: selectors.city_by_slug(slug))
    except City.DoesNotExist:
        raise Http404(CITY_NOT_FOUND) from None


def _genre_or_404(*, city_slug: str, genre_slug: str) -> Genre:
    try:
        return catalog_read(
            ("genre", city_slug, genre_slug),
            lambda: selectors.genre_by_slug(city_slug=city_slug, genre_slug=genre_slug),
        )
    except Genre.DoesNotExist:
        raise Http404(GENRE_NOT_FOUND) from None


def _cities() -> list[City]:
    return catalog_read(("cities",), lambda: list(selectors.city_list()))


def _genres(city: City) -> list[Genre]:
    return catalog_read(("genres", city.pk), lambda: list(selectors.genre_list(city=city)))


@require_safe
@shared_when_anonymous
def home(request: HttpRequest) -> HttpResponse:
    cities = _cities()
    city = cities[0] if cities else None
    genres = _genres(city) if city else []
    return render(
        request, "web/home.html", {"cities": cities, "current_city": city, "genres": genres}
    )


@require_safe
@shared_when_anonymous
def city(request: HttpRequest, city: str) -> HttpResponse:
    current = _city_or_404(city)
    return render(
        request,
        "web/city.html",
        {
            "cities": _cities(),
            "current_city": current,
            "genres": _genres(current),
        },
    )


@require_safe
@shared_when_anonymous
def genre(request: HttpRequest, city: str, genre: str) -> HttpResponse:
    current = _genre_or_404(city_slug=city, genre_slug=genre)
    return render(
        request,
        "web/genre.html",
        {
            "genre": current,
            "city": current.city,
            "entries": catalog_read(
                ("playlist", current.pk), lambda: selectors.genre_playlist(genre=current)
            ),
            "other_genres": catalog_read(
                ("other genres", current.pk),
                lambda: [other for other in _genres(current.city) if other.pk != current.pk],
            ),
        },
    )


@require_safe
@shared_when_anonymous
def ledger(request: HttpRequest, city: str, genre: str) -> HttpResponse:
    current = _genre_or_404(city_slug=city, genre_slug=genre)
    entries = catalog_read(("ledger", current.pk), lambda: selectors.genre_ledger(genre=current))
    return render(
        request,
        "web/ledger.html",
        {
            "genre": current,
            "city": current.city,
            "entries": entries,
            "current_count": sum(1 for entry in entries if entry.is_current),
            "first_added": min((entry.added_at for entry in entries), default=None),
        },
    )


@require_safe
@shared_when_anonymous
def track(request: HttpRequest, track_id: int) -> HttpResponse:
    try:
        current = selectors.track_by_id(track_id)
    except Track.DoesNotExist:
        raise Http404(TRACK_NOT_FOUND) from None
    entries = selectors.track_entries(track=current)
    # The player labels the track with the genre it is playing in now, if any.
    playing_in = next((entry.genre for entry in entries if entry.is_current), None)
    artwork_url = (
        request.build_absolute_uri(reverse("streaming:picture", kwargs={"name": current.artwork}))
        if current.artwork
        else ""
    )
    return render(
        request,
        "web/track.html",
        {
            "track": current,
            "entries": entries,
            "playing_in": playing_in,
            "page_url": request.build_absolute_uri(current.get_absolute_url()),
            "artwork_url": artwork_url,
        },
    )


@require_safe
@shared_when_anonymous
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")


@require_safe
@shared_when_anonymous
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "web/contact.html")


@require_safe
@login_required
def ratings(request: HttpRequest) -> HttpResponse:
    """The ratings dashboard, exact and whole, for staff only.

    A curator sees their own genres in the partner portal instead, through the disclosure
    layer like any partner (partners/disclosure.py): exact figures of some genres beside a
    share of the city would give the city's total away. Deciding who may see what needs to
    know who is signed in, which audience measurement never does; so it is decided here."""
    if request.user.is_active and request.user.is_staff:
        return ratings_page(request)
    if selectors.genres_curated_by(user=request.user).exists():
        return redirect("partners:home")
    return ratings_refused(request)
