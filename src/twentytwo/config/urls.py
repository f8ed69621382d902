from django.contrib import admin
from django.urls import include, path

from twentytwo.api.api import api, route_not_found
from twentytwo.web.admin_login import admin_login
from twentytwo.web.views import ratings

# Under /api/ these answer in the API's JSON error shape; elsewhere with the site's pages.
handler400 = "twentytwo.api.errors.bad_request"
handler403 = "twentytwo.api.errors.permission_denied"
handler404 = "twentytwo.api.errors.page_not_found"
handler500 = "twentytwo.api.errors.server_error"

urlpatterns = [
    # The admin's password login, with a limit of failed attempts per address.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    # Sign-in: the profile and age step first, then allauth's login, logout and callbacks.
    path("accounts/", include("twentytwo.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/<path:rest>", route_not_found),
    path("me/", include("twentytwo.favorites.urls")),
    # The ratings dashboard for staff and curators; before the catch-alls, which would take
    # it for a city.
    path("ratings/", ratings, name="ratings"),
    # The partner portal: released reports for labels, publishers, artists and curators.
    path("partners/", include("twentytwo.partners.urls")),
    # Mail a listener asked for, promotions run with affiliates, surveys and ads.
    path("", include("twentytwo.outreach.urls")),
    # Health, metrics and the operations dashboard; before the catch-alls too.
    path("", include("twentytwo.traffic.urls")),
    # The policy, cookie choices and, for a signed-in listener, their own data.
    path("privacy/", include("twentytwo.privacy.urls")),
    path("", include("twentytwo.streaming.urls")),
    path("", include("twentytwo.web.urls")),
]
