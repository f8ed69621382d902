from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "twentytwo.outreach"
    verbose_name = "Outreach"
