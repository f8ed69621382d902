from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "twentytwo.core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Registers the site parts check with `manage.py check`.
        from twentytwo.core import checks  # noqa: F401
