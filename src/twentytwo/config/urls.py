from django.contrib import admin
from django.urls import include, path

from twentytwo.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("stream/", include("twentytwo.streaming.urls")),
    path("", include("twentytwo.web.urls")),
]
