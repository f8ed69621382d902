from django.urls import path

from twentytwo.audience import views

app_name = "audience"
urlpatterns = [
    path("", views.ratings_dashboard, name="ratings"),
]
