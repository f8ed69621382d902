from django.urls import path

from twentytwo.streaming import views

app_name = "streaming"
urlpatterns = [
    path("<str:token>", views.stream_track, name="track"),
]
