"""The shapes the catalog API returns (api/catalog.py)."""

from datetime import datetime

from ninja import Schema


class LinkOut(Schema):
    label: str
    url: str


class BuyLinkOut(Schema):
    shop: str
    url: str


class CityOut(Schema):
    id: int
    slug: str
    name: str
    country: str
    time_zone: str
    genre_count: int
    url: str


class CuratorOut(Schema):
    name: str
    slug: str
    bio: str
    photo_url: str | None
    links: list[LinkOut]


class GenreOut(Schema):
    id: int
    slug: str
    name: str
    city: str
    description: str
    picture_url: str | None
    curator: CuratorOut | None
    track_count: int
    url: str


class TrackOut(Schema):
    id: int
    title: str
    artist: str
    label: str
    year: int | None
    duration: float
    codec: str
    mime_type: str
    bitrate: int
    artwork_url: str | None
    stream_url: str
    buy_links: list[BuyLinkOut]
    url: str


class PlaylistTrackOut(TrackOut):
    position: int
    added_at: datetime
    note: str


class TrackPlacementOut(Schema):
    genre_id: int
    genre: str
    city: str
    added_at: datetime
    retired_at: datetime | None


class TrackDetailOut(TrackOut):
    artist_bio: str
    artist_links: list[LinkOut]
    playlists: list[TrackPlacementOut]


class LedgerTrackOut(Schema):
    id: int
    title: str
    artist: str
    url: str


class LedgerEntryOut(Schema):
    track: LedgerTrackOut
    added_at: datetime
    retired_at: datetime | None
    current: bool
