from tests.favorites.listeners import adult, minor, other_adult  # noqa: F401 (fixtures)
