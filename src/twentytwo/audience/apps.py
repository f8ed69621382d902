from django.apps import AppConfig


class AudienceConfig(AppConfig):
    name = "twentytwo.audience"
    verbose_name = "Audience measurement"
