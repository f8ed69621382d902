"""URL converters for the streaming routes."""


class PictureNameConverter:
    """Match a picture's whole storage name: `/pictures/genre/x.png` is `pictures/genre/x.png`.

    Reversing with the stored name (`Genre.picture`, `Track.artwork`) gives the same URL
    nginx serves from <media root>/pictures/ in production. The view checks the rest."""

    regex = "pictures/.+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
