from django.urls import path, register_converter

from twentytwo.streaming import views
from twentytwo.streaming.converters import PictureNameConverter

register_converter(PictureNameConverter, "picture_name")

app_name = "streaming"
urlpatterns = [
    path("stream/<str:token>", views.stream_track, name="track"),
    path("<picture_name:name>", views.picture, name="picture"),
]
