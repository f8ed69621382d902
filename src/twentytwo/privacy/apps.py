from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "twentytwo.privacy"
    verbose_name = "Privacy"
