from django import forms

from twentytwo.catalog.models import City
from twentytwo.outreach.models import LANGUAGES
from twentytwo.privacy.models import MarketingPurpose


class SubscriptionsForm(forms.Form):
    """The kinds of mail wanted (nothing ticked unless asked for), language and city."""

    kinds = forms.MultipleChoiceField(
        choices=[(p.value, p.label) for p in MarketingPurpose.asked()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(choices=LANGUAGES)
    city = forms.ModelChoiceField(
        queryset=City.objects.order_by("name"), required=False, empty_label="every city"
    )
