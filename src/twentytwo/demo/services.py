"""The demo's writes: the demo catalog, seeded through the catalog's services resumably and
without duplicates, the demo curator's account and the demo partner label.

Each city, curator and genre is looked up by slug before it is created and each track by
the checksum of its (deterministic) audio before it is ingested, so a second run adds
nothing and a run cut off half-way is finished by running it again."""

import hashlib
import multiprocessing
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from twentytwo.catalog import selectors as catalog_selectors
from twentytwo.catalog import services as catalog_services
from twentytwo.catalog.models import City, Curator, Genre, Track
from twentytwo.demo import artwork
from twentytwo.demo.media import GenreMedia, genre_media_render, track_audio
from twentytwo.demo.plan import CityPlan, CuratorPlan, GenrePlan, Scale, TrackPlan, catalog_plan
from twentytwo.demo.selectors import curator_by_slug
from twentytwo.demo.styles import Recipe
from twentytwo.outreach.models import Ad, Promotion, Question, Survey
from twentytwo.outreach.services.ads import ad_check
from twentytwo.outreach.services.promotions import promotion_save
from twentytwo.partners.models import Membership, Organisation
from twentytwo.partners.services.organisations import organisation_ensure, rights_set
from twentytwo.partners.services.people import membership_grant
from twentytwo.privacy.models import Affiliate

SEED_SUMMARY = (
    "Seeded {cities} cities, {genres} genres, {tracks} tracks ({created} new) and "
    "{retired} retired playlist entries in {seconds:.1f} s."
)
GENRE_DONE = "{city} / {genre}: {tracks} tracks, {created} new"


@dataclass(frozen=True, slots=True)
class SeedSummary:
    cities: int
    genres: int
    tracks: int
    tracks_created: int
    retired_entries: int
    seconds: float

    def __str__(self) -> str:
        return SEED_SUMMARY.format(
            cities=self.cities,
            genres=self.genres,
            tracks=self.tracks,
            created=self.tracks_created,
            retired=self.retired_entries,
            seconds=self.seconds,
        )


def demo_catalog_seed(
    *,
    scale: Scale | None = None,
    workers: int = 2,
    now: datetime | None = None,
    log: Callable[[str], None] = lambda line: None,
) -> SeedSummary:
    """Seed `scale` of the demo catalog (all of it by default) and return what it holds.

    `workers` processes synthesize and encode audio while this one writes the catalog."""
    started = time.monotonic()
    plans = catalog_plan(
        scale=scale or Scale(), playlist_size=settings.PLAYLIST_SIZE, now=now or timezone.now()
    )
    genres = [genre for city_plan in plans for genre in _city_seed(city_plan)]
    pending = [(plan, genre) for plan, genre in genres if not _ledger_complete(plan, genre)]
    created = 0
    recipes = [plan.spec.recipe for plan, _ in pending]
    for (plan, genre), media in zip(pending, _media_rendered(recipes, workers), strict=True):
        new = _genre_tracks_seed(plan, genre, media)
        created += new
        log(
            GENRE_DONE.format(
                city=plan.city.name, genre=plan.spec.name, tracks=len(plan.tracks), created=new
            )
        )
    retired = sum(
        1
        for _, genre in genres
        for entry in catalog_selectors.genre_ledger(genre=genre)
        if entry.retired_at is not None
    )
    return SeedSummary(
        cities=len(plans),
        genres=len(genres),
        tracks=sum(len(plan.tracks) for plan, _ in genres),
        tracks_created=created,
        retired_entries=retired,
        seconds=time.monotonic() - started,
    )


def _city_seed(plan: CityPlan) -> list[tuple[GenrePlan, Genre]]:
    spec = plan.spec
    try:
        city = catalog_selectors.city_by_slug(spec.slug)
    except City.DoesNotExist:
        city = catalog_services.city_create(
            name=spec.name,
            slug=spec.slug,
            country=spec.country,
            time_zone=spec.time_zone,
            position=plan.position,
        )
    curators = {curator.slug: _curator_seed(curator) for curator in plan.curators}
    return [
        (genre, _genre_seed(city, genre, curators[genre.curator.slug])) for genre in plan.genres
    ]


def _curator_seed(plan: CuratorPlan) -> Curator:
    curator = curator_by_slug(plan.slug)
    if curator is None:
        photo = catalog_services.picture_store(
            data=artwork.curator_photo(plan.photo_seed), kind="curators"
        )
        curator = catalog_services.curator_create(
            name=plan.name, slug=plan.slug, bio=plan.bio, photo=photo, links=plan.links
        )
    return curator


def _genre_seed(city: City, plan: GenrePlan, curator: Curator) -> Genre:
    try:
        return catalog_selectors.genre_by_slug(city_slug=city.slug, genre_slug=plan.spec.slug)
    except Genre.DoesNotExist:
        picture = catalog_services.picture_store(
            data=artwork.genre_picture(plan.spec.recipe.seed), kind="genres"
        )
        return catalog_services.genre_create(
            city=city,
            name=plan.spec.name,
            slug=plan.spec.slug,
            description=plan.spec.description,
            picture=picture,
            curator=curator,
            position=plan.position,
        )


def _ledger_complete(plan: GenrePlan, genre: Genre) -> bool:
    """Tell whether every planned track is already in the genre's ledger.

    Checked by name, which needs no audio: a complete genre costs no synthesis."""
    present = {
        (entry.track.artist, entry.track.title)
        for entry in catalog_selectors.genre_ledger(genre=genre)
    }
    return all((track.artist, track.title) in present for track in plan.tracks)


def _media_rendered(recipes: list[Recipe], workers: int) -> Iterator[GenreMedia]:
    """Yield each recipe's media in order, rendered ahead by `workers` processes."""
    if workers <= 1 or len(recipes) <= 1:
        yield from map(genre_media_render, recipes)
        return
    # spawn, not fork: a forked child would inherit this process's database connection.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        yield from pool.map(genre_media_render, recipes)
    finally:
        # When the seed stops early, genres not yet started are not rendered for nothing.
        pool.shutdown(wait=True, cancel_futures=True)


def _genre_tracks_seed(plan: GenrePlan, genre: Genre, media: GenreMedia) -> int:
    """Ingest the genre's missing tracks and rotate them in, oldest first; return how many
    tracks were new."""
    rotated = {
        (entry.track.artist, entry.track.title): entry.track
        for entry in catalog_selectors.genre_ledger(genre=genre)
    }
    pending: list[tuple[TrackPlan, bytes, Track | None]] = []
    # A resumed run reuses the artwork the interrupted one already stored.
    artworks: dict[int, str] = {}
    for track in plan.tracks:
        existing = rotated.get((track.artist, track.title))
        if existing is None:
            audio = track_audio(
                media,
                sections=track.sections,
                title=track.title,
                artist=track.artist,
                label=track.label,
                year=track.year,
            )
            existing = catalog_selectors.track_by_checksum(hashlib.sha256(audio).hexdigest())
            pending.append((track, audio, existing))
        if existing is not None and existing.artwork:
            artworks.setdefault(track.artwork, existing.artwork)
    created = 0
    for track, audio, existing in pending:
        if existing is None:
            if track.artwork not in artworks:
                artworks[track.artwork] = catalog_services.picture_store(
                    data=media.artworks[track.artwork], kind="artwork"
                )
            existing = catalog_services.track_ingest(
                audio=audio,
                title=track.title,
                artist=track.artist,
                label=track.label,
                year=track.year,
                artist_bio=track.artist_bio,
                artist_links=track.artist_links,
                buy_links=track.buy_links,
                artwork=artworks[track.artwork],
            )
            created += 1
        catalog_services.track_add_to_rotation(
            genre=genre, track=existing, at=track.added_at, note=track.note
        )
    return created


DEMO_PROVIDER_ID = "demo"  # the "Demo login" app in settings
DEMO_CURATOR_SUBJECT = "curator"


def demo_curator_account_seed(
    *, provider_id: str = DEMO_PROVIDER_ID, subject: str = DEMO_CURATOR_SUBJECT
) -> Curator | None:
    """Link the account that signs in as `subject` to the first curator with a genre.

    The account is made as a first sign-in would make it, so signing in finds it; the age
    question still comes at that first sign-in. Running it again changes nothing."""
    curator = Curator.objects.filter(genres__isnull=False).order_by("pk").distinct().first()
    if curator is None:
        return None
    with transaction.atomic():
        account = SocialAccount.objects.filter(provider=provider_id, uid=subject).first()
        if account is None:
            user = get_user_model().objects.create_user(username=f"demo-{subject}")
            account = SocialAccount.objects.create(user=user, provider=provider_id, uid=subject)
        if not curator.accounts.filter(pk=account.user_id).exists():
            catalog_services.curator_accounts_set(
                curator=curator, accounts=[*curator.accounts.all(), account.user]
            )
    return curator


DEMO_PARTNER_SUBJECT = "partner"
DEMO_PARTNER_SLUG = "nightglow"
# The demo label holds the rights to every track that ever played in this many genres of
# the first city: the most listened to, so that some of its figures clear the threshold.
DEMO_PARTNER_GENRES = 2


def demo_partner_seed(
    *, provider_id: str = DEMO_PROVIDER_ID, subject: str = DEMO_PARTNER_SUBJECT
) -> Organisation | None:
    """Make the demo label, give it tracks, and make whoever signs in as `subject` its admin.

    Running it again changes nothing."""
    city = City.objects.order_by("pk").first()
    if city is None:
        return None
    genres = list(city.genres.order_by("position", "name")[:DEMO_PARTNER_GENRES])
    tracks = Track.objects.filter(entries__genre__in=genres).distinct()
    with transaction.atomic():
        organisation = organisation_ensure(
            slug=DEMO_PARTNER_SLUG, name="Nightglow Records", kind=Organisation.Kind.LABEL
        )
        rights_set(
            tracks=tracks.exclude(rights__organisation=organisation), organisation=organisation
        )
        account = SocialAccount.objects.filter(provider=provider_id, uid=subject).first()
        if account is None:
            user = get_user_model().objects.create_user(username=f"demo-{subject}")
            account = SocialAccount.objects.create(user=user, provider=provider_id, uid=subject)
        membership_grant(organisation=organisation, user=account.user, role=Membership.Role.ADMIN)
    return organisation


DEMO_AFFILIATE = "Paradiso Amsterdam"
DEMO_PROMOTION_SLUG = "paradiso-night"
DEMO_SURVEY_SLUG = "how-do-you-listen"
DEMO_AD_NAME = "22tracks mail"


def demo_outreach_seed(*, now: datetime | None = None) -> list[str]:
    """Open a promotion with an affiliate, run a house ad and put a survey on the site, so
    the demo shows each; return what it made. Running it again changes nothing."""
    now = now or timezone.now()
    made = []
    with transaction.atomic():
        affiliate, _new = Affiliate.objects.get_or_create(
            name=DEMO_AFFILIATE,
            defaults={
                "agreement_reference": "DEMO-AGREEMENT-1",
                "contact": "privacy@paradiso.example",
                "privacy_commitment": (
                    "Uses the entries only to draw the winners and send their tickets, and "
                    "deletes them 30 days after the night."
                ),
                "committed_on": now.date(),
                "active_from": now.date(),
            },
        )
        if not Promotion.objects.filter(slug=DEMO_PROMOTION_SLUG).exists():
            promotion_save(
                promotion=Promotion(
                    slug=DEMO_PROMOTION_SLUG,
                    title="Two tickets for a night at Paradiso",
                    text="Win two tickets for a 22tracks night at Paradiso, with the curators.",
                    affiliate=affiliate,
                    fields=[Promotion.Field.NAME, Promotion.Field.EMAIL],
                    opens_at=now,
                    closes_at=now + timedelta(days=60),
                )
            )
            made.append(f"/promotions/{DEMO_PROMOTION_SLUG}/")
        if not Ad.objects.filter(name=DEMO_AD_NAME).exists():
            ad = Ad(
                name=DEMO_AD_NAME,
                places=[Ad.Place.HOME, Ad.Place.CITY, Ad.Place.GENRE],
                headline="New tracks in your inbox",
                text="Specials, surveys and news from 22tracks, only if you ask.",
                link_url=f"{settings.SITE_URL}/mail/",
                starts_at=now,
                ends_at=now + timedelta(days=365),
            )
            ad_check(ad=ad)
            ad.save()
            made.append("a house ad on the home, city and genre pages")
        if not Survey.objects.filter(slug=DEMO_SURVEY_SLUG).exists():
            survey = Survey.objects.create(
                slug=DEMO_SURVEY_SLUG,
                title="How do you listen?",
                on_site=True,
                opens_at=now,
                closes_at=now + timedelta(days=60),
            )
            kinds = Question.Kind
            Question.objects.bulk_create(
                [
                    Question(
                        survey=survey,
                        position=1,
                        kind=kinds.SINGLE,
                        text="Where do you listen most?",
                        choices="At home\nAt work\nOn the way",
                    ),
                    Question(
                        survey=survey,
                        position=2,
                        kind=kinds.SCALE,
                        text="How well do the playlists suit you?",
                    ),
                    Question(
                        survey=survey,
                        position=3,
                        kind=kinds.TEXT,
                        text="What would you like more of?",
                        required=False,
                    ),
                ]
            )
            made.append(f"/surveys/{DEMO_SURVEY_SLUG}/")
    return made
