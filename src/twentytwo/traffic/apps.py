from django.apps import AppConfig


class TrafficConfig(AppConfig):
    name = "twentytwo.traffic"
    verbose_name = "Traffic data"
