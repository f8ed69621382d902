from django.urls import path

from twentytwo.outreach import views

app_name = "outreach"

urlpatterns = [
    path("", views.subscriptions, name="subscriptions"),
    path("withdraw-all/", views.withdraw_all, name="withdraw_all"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
