"""Writes about organisations and the rights to tracks: a curator's own account, one track's
rights holder, and a CSV import that sets many at once or, when a line is wrong, none."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twentytwo.catalog.models import Curator, Track
from twentytwo.partners.models import Organisation, TrackRights

# A CSV of rights: each line names an organisation (slug or name) and an artist or a label;
# every track of that artist or on that label gets the organisation as its rights holder.
IMPORT_COLUMNS = ("organisation", "artist", "label")
IMPORT_MAX_BYTES = 2 * 1024 * 1024


class RightsImportError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class RightsImport:
    lines: int = 0
    tracks: int = 0
    by_organisation: dict[str, int] = field(default_factory=dict)


def curator_organisation_ensure(*, curator: Curator) -> Organisation:
    """Return the curator's own account of released figures, made on first use."""
    organisation, _created = Organisation.objects.get_or_create(
        curator=curator,
        defaults={
            "kind": Organisation.Kind.CURATOR,
            "name": _("%(name)s (curator)") % {"name": curator.name},
            "slug": f"curator-{curator.slug}"[:80],
        },
    )
    return organisation


def organisation_ensure(*, slug: str, name: str, kind: str) -> Organisation:
    """Return the organisation of this slug, made with the name and kind if it is new."""
    organisation, _created = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": name, "kind": kind}
    )
    return organisation


def rights_set(*, tracks, organisation: Organisation, actor=None, now=None) -> int:
    """Make the organisation the rights holder of the tracks; return how many."""
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        for track in tracks:
            TrackRights.objects.update_or_create(
                track=track,
                defaults={"organisation": organisation, "set_at": now, "set_by": actor},
            )
            count += 1
    return count


def _organisation_lookup() -> dict[str, Organisation]:
    found = {}
    for organisation in Organisation.objects.exclude(kind=Organisation.Kind.CURATOR):
        found[organisation.slug.lower()] = organisation
        found.setdefault(organisation.name.strip().lower(), organisation)
    return found


def rights_import(*, data: bytes, actor=None, now=None) -> RightsImport:
    """Set the rights holders a CSV names, all or nothing: any wrong line raises
    RightsImportError listing every wrong line, and nothing is changed."""
    if len(data) > IMPORT_MAX_BYTES:
        raise RightsImportError([_("The file is larger than 2 MB.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RightsImportError([_("The file is not UTF-8 text.")]) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    if "organisation" not in header or not {"artist", "label"} & set(header):
        raise RightsImportError(
            [_("The first line must name the columns: organisation, and artist or label.")]
        )
    reader.fieldnames = header
    organisations = _organisation_lookup()
    tracks = list(Track.objects.only("pk", "artist", "label"))
    by_artist: dict[str, list[Track]] = {}
    by_label: dict[str, list[Track]] = {}
    for track in tracks:
        by_artist.setdefault(track.artist.strip().lower(), []).append(track)
        if track.label:
            by_label.setdefault(track.label.strip().lower(), []).append(track)
    errors: list[str] = []
    chosen: dict[int, tuple[Track, Organisation, int]] = {}
    outcome = RightsImport()
    try:
        rows = list(reader)
    except csv.Error as exc:
        message = _("The file is not valid CSV: %(error)s") % {"error": exc}
        raise RightsImportError([message]) from None
    for number, row in enumerate(rows, start=2):
        outcome.lines += 1
        values = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
        if None in row:
            errors.append(_("line %(n)d: more values than columns") % {"n": number})
            continue
        name, artist, label = (values.get(column, "") for column in IMPORT_COLUMNS)
        organisation = organisations.get(name.lower())
        if not name:
            errors.append(_("line %(n)d: no organisation") % {"n": number})
            continue
        if organisation is None:
            errors.append(_("line %(n)d: no organisation “%(name)s”") % {"n": number, "name": name})
            continue
        if bool(artist) == bool(label):
            errors.append(_("line %(n)d: give an artist or a label, not both") % {"n": number})
            continue
        matched = by_artist.get(artist.lower(), []) if artist else by_label.get(label.lower(), [])
        if not matched:
            what = (
                _("artist “%(name)s”") % {"name": artist}
                if artist
                else _("label “%(name)s”") % {"name": label}
            )
            errors.append(_("line %(n)d: no track of %(what)s") % {"n": number, "what": what})
            continue
        for track in matched:
            earlier = chosen.get(track.pk)
            if earlier is not None and earlier[1] != organisation:
                errors.append(
                    _("line %(n)d: “%(track)s” is already given to %(other)s on line %(line)d")
                    % {"n": number, "track": track, "other": earlier[1], "line": earlier[2]}
                )
                break
            chosen[track.pk] = (track, organisation, number)
    if not rows:
        errors.append(_("The file has no lines after the column names."))
    if errors:
        raise RightsImportError(errors)
    now = now or timezone.now()
    with transaction.atomic():
        for track, organisation, _line in chosen.values():
            TrackRights.objects.update_or_create(
                track=track,
                defaults={"organisation": organisation, "set_at": now, "set_by": actor},
            )
            outcome.by_organisation[organisation.name] = (
                outcome.by_organisation.get(organisation.name, 0) + 1
            )
    outcome.tracks = len(chosen)
    return outcome
