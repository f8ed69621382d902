from django.urls import path

from twentytwo.traffic import views

app_name = "traffic"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
    path("ops/", views.ops_dashboard, name="ops"),
]
