from django.urls import path

from twentytwo.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.home, name="home"),
    path("method/", views.method, name="method"),
    path("join/<str:token>/", views.join, name="join"),
    path("<slug:slug>/", views.organisation, name="organisation"),
    path("<slug:slug>/release/", views.release, name="release"),
    path("<slug:slug>/views/<str:key>/", views.view, name="view"),
    path("<slug:slug>/views/<str:key>.<str:extension>", views.export, name="export"),
    path("<slug:slug>/people/", views.people, name="people"),
    path("<slug:slug>/tokens/", views.tokens, name="tokens"),
    path("<slug:slug>/releases/", views.releases, name="releases"),
    path("<slug:slug>/ads/", views.ads, name="ads"),
]
