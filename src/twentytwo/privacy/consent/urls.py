from django.urls import path

from twentytwo.privacy.consent import views

app_name = "consent"
urlpatterns = [
    path("cookies/", views.choices, name="choices"),
]
