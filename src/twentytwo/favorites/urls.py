from django.urls import path

from twentytwo.favorites import views

app_name = "favorites"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
