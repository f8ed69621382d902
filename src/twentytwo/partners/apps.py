from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "twentytwo.partners"
    verbose_name = "Partners"
