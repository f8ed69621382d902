from django.urls import path

from twentytwo.outreach import views

app_name = "outreach"

urlpatterns = [
    path("mail/", views.subscriptions, name="subscriptions"),
    path("mail/withdraw-all/", views.withdraw_all, name="withdraw_all"),
    path("mail/confirm/<str:token>/", views.confirm, name="confirm"),
    path("mail/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("promotions/", views.promotions, name="promotions"),
    path("promotions/<slug:slug>/", views.promotion, name="promotion"),
]
