from django.urls import path

from twentytwo.web import views

app_name = "web"
# The fixed addresses come first: a city's slug could otherwise swallow them.
urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("contact/", views.contact, name="contact"),
    path("tracks/<int:track_id>/", views.track, name="track"),
    path("<slug:city>/", views.city, name="city"),
    path("<slug:city>/<slug:genre>/", views.genre, name="genre"),
    path("<slug:city>/<slug:genre>/ledger/", views.ledger, name="ledger"),
]
