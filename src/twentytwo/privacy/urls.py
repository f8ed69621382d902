from django.urls import path

from twentytwo.privacy.views import consent, mydata, policy

app_name = "privacy"
urlpatterns = [
    # The policy, every version of it, and what is done with whose data.
    path("", policy.policy, name="policy"),
    path("versions/<int:number>/", policy.policy_version, name="version"),
    path("compare/", policy.policy_compare, name="compare"),
    path("processing/", policy.processing, name="processing"),
    path("contact/", policy.contact, name="contact"),
    # Cookie choices, from the banner on every page and the choices page.
    path("cookies/", consent.choices, name="cookie_choices"),
    # A signed-in listener's own data. No account number anywhere: each address acts on the
    # account signed in.
    path("my-data/", mydata.my_data, name="my_data"),
    path("my-data/export/", mydata.export, name="my_data_export"),
    path("my-data/correct/", mydata.correct, name="my_data_correct"),
    path("my-data/marketing/object/", mydata.marketing_object, name="marketing_object"),
    path("my-data/erase/", mydata.erase_start, name="erase_start"),
    path("my-data/erase/<str:token>/", mydata.erase_confirm, name="erase_confirm"),
]
