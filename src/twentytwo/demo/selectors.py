"""Reads the demo seeder needs that the catalog's selectors do not offer."""

from twentytwo.catalog.models import Curator


def curator_by_slug(slug: str) -> Curator | None:
    return Curator.objects.filter(slug=slug).first()
