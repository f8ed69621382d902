from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "twentytwo.privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        # Registers the personal-data checks with `manage.py check`.
        from twentytwo.privacy import checks  # noqa: F401
