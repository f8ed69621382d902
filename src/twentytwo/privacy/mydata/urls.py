from django.urls import path

from twentytwo.privacy.mydata import views

app_name = "mydata"
# No account number anywhere: each address acts on the account signed in.
urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/export/", views.export, name="export"),
    path("my-data/correct/", views.correct, name="correct"),
    path("my-data/marketing/object/", views.marketing_object, name="marketing_object"),
    path("my-data/erase/", views.erase_start, name="erase_start"),
    path("my-data/erase/<str:token>/", views.erase_confirm, name="erase_confirm"),
]
