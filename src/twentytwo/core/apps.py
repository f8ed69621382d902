from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "twentytwo.core"
    verbose_name = "Core"
