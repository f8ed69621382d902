"""Staff screens for the catalog. Every save goes through catalog.services."""

import hashlib

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from twentytwo.catalog import selectors, services
from twentytwo.catalog.audio import AUDIO_TOO_LARGE, AudioRejected, audio_probe
from twentytwo.catalog.models import City, Curator, Genre, PlaylistEntry, Track
from twentytwo.catalog.pictures import PictureRejected


def _adopt(obj, created) -> None:
    """Make the admin's unsaved object the row the service created, for its redirect and log."""
    obj.__dict__.update(created.__dict__)


def _changed_fields(form: forms.ModelForm, names: list[str]) -> dict:
    return {name: form.cleaned_data[name] for name in names if name in form.changed_data}


class PictureUploadMixin(forms.ModelForm):
    """Adds an upload field that is checked and stored by services.picture_store."""

    picture_field = ""
    picture_kind = ""
    upload = forms.FileField(
        label=_("Upload a picture"), required=False, help_text=_("PNG, JPEG or WebP.")
    )

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            return None
        data = upload.read()
        try:
            return services.picture_store(data=data, kind=self.picture_kind)
        except PictureRejected as error:
            raise ValidationError(str(error)) from None

    def picture_name(self, current: str) -> str:
        return self.cleaned_data.get("upload") or current


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "country", "time_zone", "position"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "country", "time_zone", "position"]

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in self.fields}
        if change:
            services.city_update(city=obj, **_changed_fields(form, self.fields))
        else:
            _adopt(obj, services.city_create(**data))


class CuratorForm(PictureUploadMixin):
    picture_kind = "curators"

    class Meta:
        model = Curator
        fields = ["name", "slug", "bio", "links", "accounts"]


@admin.register(Curator)
class CuratorAdmin(admin.ModelAdmin):
    form = CuratorForm
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["accounts"]

    def save_model(self, request, obj, form, change):
        names = ["name", "slug", "bio", "links"]
        photo = form.picture_name(obj.photo if change else "")
        if change:
            fields = _changed_fields(form, names)
            if photo != obj.photo or form.cleaned_data.get("upload"):
                fields["photo"] = photo
            services.curator_update(curator=Curator.objects.get(pk=obj.pk), **fields)
        else:
            data = {name: form.cleaned_data[name] for name in names}
            _adopt(obj, services.curator_create(photo=photo, **data))

    def save_related(self, request, form, formsets, change):
        services.curator_accounts_set(curator=form.instance, accounts=form.cleaned_data["accounts"])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class GenreForm(PictureUploadMixin):
    picture_kind = "genres"
    add_track = forms.ModelChoiceField(
        queryset=Track.objects.order_by("-created_at"),
        required=False,
        label=_("Add a track to the playlist"),
        help_text=_("It goes to the top; when the playlist is full the oldest track leaves."),
    )

    class Meta:
        model = Genre
        fields = ["city", "name", "slug", "description", "curator", "position"]


class PlaylistEntryInline(admin.TabularInline):
    model = PlaylistEntry
    verbose_name = _("ledger entry")
    verbose_name_plural = _("ledger (every track this genre has had)")
    fields = ["track", "position", "added_at", "retired_at", "note"]
    readonly_fields = fields
    ordering = ["-added_at"]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    form = GenreForm
    list_display = ["name", "city", "curator", "current_tracks"]
    list_filter = ["city"]
    search_fields = ["name", "curator__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PlaylistEntryInline]
    list_select_related = ["city", "curator"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(current_count=Count("entries", filter=Q(entries__retired_at__isnull=True)))
        )

    @admin.display(description=_("tracks now"), ordering="current_count")
    def current_tracks(self, obj):
        return obj.current_count

    def save_model(self, request, obj, form, change):
        names = ["name", "slug", "description", "curator", "position"]
        picture = form.picture_name(obj.picture if change else "")
        if change:
            fields = _changed_fields(form, names)
            if form.cleaned_data.get("upload"):
                fields["picture"] = picture
            genre = services.genre_update(genre=Genre.objects.get(pk=obj.pk), **fields)
        else:
            data = {name: form.cleaned_data[name] for name in names}
            genre = services.genre_create(city=form.cleaned_data["city"], picture=picture, **data)
            _adopt(obj, genre)
        track = form.cleaned_data.get("add_track")
        if track is not None:
            try:
                services.track_add_to_rotation(genre=genre, track=track)
            except services.CatalogError as error:
                messages.error(request, str(error))


class TrackForm(PictureUploadMixin):
    picture_kind = "artwork"
    audio_upload = forms.FileField(
        label=_("Audio file"),
        required=False,
        help_text=_("MP3, Ogg Opus or Ogg Vorbis. Checked by its content, not its name."),
    )
    buy_links_text = forms.CharField(
        label=_("Buy links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: shop name | https://address"),
    )

    class Meta:
        model = Track
        fields = ["title", "artist", "label", "year", "artist_bio", "artist_links"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields.pop("audio_upload")
            self.initial["buy_links_text"] = "\n".join(
                f"{link.shop} | {link.url}" for link in self.instance.buy_links.all()
            )
        else:
            self.fields["audio_upload"].required = True

    def clean_buy_links_text(self):
        links = []
        url_field = forms.URLField(assume_scheme="https")
        for number, line in enumerate(self.cleaned_data["buy_links_text"].splitlines(), 1):
            if not line.strip():
                continue
            shop, sep, url = line.partition("|")
            if not sep or not shop.strip():
                raise ValidationError(
                    _("Line %(n)s is not “shop | address”."), params={"n": number}
                )
            links.append((shop.strip(), url_field.clean(url.strip())))
        return links

    def clean_audio_upload(self):
        upload = self.cleaned_data.get("audio_upload")
        if upload is None:
            return None
        if upload.size > settings.AUDIO_UPLOAD_MAX_BYTES:
            # Refuse before reading a huge upload into memory.
            raise ValidationError(
                AUDIO_TOO_LARGE.format(limit=settings.AUDIO_UPLOAD_MAX_BYTES // (1024 * 1024))
            )
        data = upload.read()
        # The same checks the ingest service makes, so the form can say what is wrong.
        try:
            audio_probe(data, max_bytes=settings.AUDIO_UPLOAD_MAX_BYTES)
        except AudioRejected as error:
            raise ValidationError(str(error)) from None
        existing = selectors.track_by_checksum(hashlib.sha256(data).hexdigest())
        if existing is not None:
            raise ValidationError(services.TRACK_DUPLICATE.format(track_id=existing.pk))
        return data


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    form = TrackForm
    list_display = ["title", "artist", "label", "year", "duration", "codec", "created_at"]
    search_fields = ["title", "artist", "label"]
    readonly_fields = ["audio", "audio_size", "duration", "codec", "bitrate", "checksum"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def save_model(self, request, obj, form, change):
        names = ["title", "artist", "label", "year", "artist_bio", "artist_links"]
        data = form.cleaned_data
        artwork = form.picture_name(obj.artwork if change else "")
        if change:
            fields = _changed_fields(form, names)
            if data.get("upload"):
                fields["artwork"] = artwork
            track = services.track_update(track=Track.objects.get(pk=obj.pk), **fields)
            services.track_buy_links_set(track=track, links=data["buy_links_text"])
        else:
            _adopt(
                obj,
                services.track_ingest(
                    audio=data["audio_upload"],
                    artwork=artwork,
                    buy_links=data["buy_links_text"],
                    **{name: data[name] for name in names},
                ),
            )
