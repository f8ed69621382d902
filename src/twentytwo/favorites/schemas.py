"""The shapes of the signed-in listener's corner of the API (favorites/api.py)."""

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field, StrictInt

# A JSON id is a whole number, never a boolean or a string that looks like one.
BodyId = Annotated[StrictInt, Field(ge=1, le=2**63 - 1)]
# Ids in a query string are text by nature; they are read as whole numbers.
QueryId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class MeOut(Schema):
    display_name: str
    may_keep_favorites: bool
    favorite_track_count: int
    favorite_genre_count: int


class FavoriteIn(Schema):
    """Exactly one of the two: the id of a track or of a genre."""

    track: BodyId | None = None
    genre: BodyId | None = None


class FavoriteQuery(Schema):
    """Exactly one of the two, in the query string: ?track=id or ?genre=id."""

    track: QueryId | None = None
    genre: QueryId | None = None


class FavoriteTrackOut(Schema):
    id: int
    title: str
    artist: str
    url: str
    in_rotation: bool


class FavoriteGenreOut(Schema):
    id: int
    name: str
    city: str
    url: str


class FavoriteOut(Schema):
    id: int
    kind: str
    created_at: datetime
    track: FavoriteTrackOut | None
    genre: FavoriteGenreOut | None
