"""The site's URLs and two views that fail, to see the error pages the site answers with."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from twentytwo.config.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("the view broke")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("broken/", broken), path("forbidden/", forbidden), *site_urlpatterns]
