from django.contrib import admin
from django.urls import include, path

from twentytwo.api.api import api, route_not_found

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("api/<path:rest>", route_not_found),
    path("", include("twentytwo.streaming.urls")),
    path("", include("twentytwo.web.urls")),
]
