from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "twentytwo.catalog"
    verbose_name = "Catalog"
