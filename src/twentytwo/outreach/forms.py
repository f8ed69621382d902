from django import forms

from twentytwo.catalog.models import City, Genre
from twentytwo.outreach.models import LANGUAGES, Ad, Promotion
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


class PromotionEntryForm(forms.Form):
    """An entry: the promotion's asked fields, and the box that agrees to share them.

    Nothing here is required by the form: the service refuses what is missing with the
    message the page shows, so a browser that skips `required` meets the same rule."""

    WIDGETS = {
        Promotion.Field.NAME: forms.TextInput(attrs={"autocomplete": "name", "required": True}),
        Promotion.Field.EMAIL: forms.EmailInput(attrs={"autocomplete": "email", "required": True}),
        Promotion.Field.POSTAL_ADDRESS: forms.Textarea(
            attrs={"rows": 3, "autocomplete": "street-address", "required": True}
        ),
        Promotion.Field.ANSWER: forms.Textarea(attrs={"rows": 3, "required": True}),
    }

    consent = forms.BooleanField(required=False)

    def __init__(self, promotion: Promotion, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Promotion.Field.choices)
        asked = {}
        for name in promotion.fields:
            label = promotion.question if name == Promotion.Field.ANSWER else labels[name]
            asked[name] = forms.CharField(
                label=str(label).capitalize(), required=False, widget=self.WIDGETS[name]
            )
        self.fields = asked | {"consent": self.fields["consent"]}


class AdPlaceForm(forms.Form):
    """Where an ad is asked for: the place, and the city and genre of the page (by id)."""

    place = forms.ChoiceField(choices=Ad.Place.choices)
    city = forms.ModelChoiceField(queryset=City.objects.all(), required=False)
    genre = forms.ModelChoiceField(queryset=Genre.objects.select_related("city"), required=False)
