from tests.favorites.listeners import (  # noqa: F401 (fixtures)
    adult,
    minor,
    minor_with_guardian,
    other_adult,
    unanswered,
)
