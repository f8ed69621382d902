from django.urls import path

from twentytwo.accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/facts/<int:fact_id>/remove/", views.profile_fact_remove, name="fact_remove"),
    path("profile/refresh/", views.profile_refresh, name="profile_refresh"),
    path("age/", views.age, name="age"),
    path("guardian/", views.guardian_request, name="guardian_request"),
    path("guardian/confirm/<str:token>/", views.guardian_confirm, name="guardian_confirm"),
]
