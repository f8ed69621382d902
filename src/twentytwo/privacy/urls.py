from django.urls import path

from twentytwo.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.policy, name="policy"),
    path("versions/<int:number>/", views.policy_version, name="version"),
    path("compare/", views.policy_compare, name="compare"),
    path("processing/", views.processing, name="processing"),
    path("contact/", views.contact, name="contact"),
]
