from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "twentytwo.accounts"
