from django.urls import path

from twentytwo.outreach import esp, views

app_name = "outreach"

urlpatterns = [
    path("mail/", views.subscriptions, name="subscriptions"),
    path("mail/withdraw-all/", views.withdraw_all, name="withdraw_all"),
    path("mail/confirm/<str:token>/", views.confirm, name="confirm"),
    path("mail/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # The mail service's reports (bounces, complaints), for the service the site uses.
    path("mail/esp/<slug:esp>/tracking/", esp.tracking, name="esp_tracking"),
    path("promotions/", views.promotions, name="promotions"),
    path("promotions/<slug:slug>/", views.promotion, name="promotion"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/<slug:slug>/", views.survey, name="survey"),
    path("ads/place/", views.ad_place, name="ad_place"),
    path("ads/<int:ad_id>/click/", views.ad_click, name="ad_click"),
    path("ads/<int:ad_id>/<str:part>", views.ad_file, name="ad_file"),
]
