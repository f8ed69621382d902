from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "twentytwo.web"
