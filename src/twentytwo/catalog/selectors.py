"""Reads from the catalog, each shaped for one page or endpoint with its queries counted."""

from django.db.models import Count, F, Prefetch, Q, QuerySet

from twentytwo.catalog.models import BuyLink, City, Genre, PlaylistEntry, Track


def city_list() -> QuerySet[City]:
    return City.objects.annotate(genre_count=Count("genres", distinct=True)).order_by(
        "position", "name"
    )


def city_by_slug(slug: str) -> City:
    """Return the city; raise City.DoesNotExist when there is none."""
    return City.objects.get(slug=slug)


def genre_list(*, city: City) -> QuerySet[Genre]:
    return (
        Genre.objects.filter(city=city)
        .select_related("curator", "city")
        .annotate(track_count=Count("entries", filter=Q(entries__retired_at__isnull=True)))
        .order_by("position", "name")
    )


def genre_by_slug(*, city_slug: str, genre_slug: str) -> Genre:
    return Genre.objects.select_related("city", "curator").get(
        city__slug=city_slug, slug=genre_slug
    )


def genres_curated_by(*, user) -> QuerySet[Genre]:
    """The genres whose curator the signed-in user signs in as; none for anyone else."""
    if not user.is_authenticated:
        return Genre.objects.none()
    return Genre.objects.filter(curator__accounts=user).select_related("city", "curator")


def genre_by_id(genre_id: int) -> Genre:
    return Genre.objects.select_related("city", "curator").get(pk=genre_id)


def _with_track(queryset: QuerySet[PlaylistEntry]) -> QuerySet[PlaylistEntry]:
    return queryset.select_related("track").prefetch_related(
        Prefetch("track__buy_links", queryset=BuyLink.objects.order_by("position", "id"))
    )


def genre_playlist(*, genre: Genre) -> list[PlaylistEntry]:
    """Return the current entries of the genre, in playlist order."""
    return list(
        _with_track(PlaylistEntry.objects.filter(genre=genre, retired_at__isnull=True)).order_by(
            "position", "-added_at", "id"
        )
    )


def genre_ledger(*, genre: Genre) -> list[PlaylistEntry]:
    """Return every entry the genre ever had, the newest arrival first."""
    return list(_with_track(PlaylistEntry.objects.filter(genre=genre)).order_by("-added_at", "-id"))


def track_by_id(track_id: int) -> Track:
    return Track.objects.prefetch_related(
        Prefetch("buy_links", queryset=BuyLink.objects.order_by("position", "id"))
    ).get(pk=track_id)


def track_by_checksum(checksum: str) -> Track | None:
    return Track.objects.filter(checksum=checksum).first()


def track_entries(*, track: Track) -> list[PlaylistEntry]:
    """Return the track's stays in playlists, current ones first."""
    return list(
        PlaylistEntry.objects.filter(track=track)
        .select_related("genre__city", "genre__curator")
        .order_by(F("retired_at").desc(nulls_first=True), "-added_at")
    )
