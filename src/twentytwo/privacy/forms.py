"""Staff forms of the privacy admin. They only parse input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twentytwo.privacy.models import Affiliate, DataRequest, LegalDisclosure, PolicyVersion
from twentytwo.privacy.models.requests import MAX_EXTENSION_MONTHS
from twentytwo.privacy.services.policy import POLICY_TEXT_MISSING
from twentytwo.privacy.services.releases import releasable_fields
from twentytwo.privacy.services.requests import REQUEST_RECEIVED_IN_FUTURE


def _releasable_choices() -> list[tuple[str, str]]:
    return [(label, label) for label in releasable_fields()]


class PolicyVersionForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ["effective_on", "cookie_purposes_changed", "summary_en", "summary_nl", "text_en",
                  "text_nl"]  # fmt: skip
        help_texts = {
            "effective_on": _("Today or later: publishing refuses a date that has passed."),
            "cookie_purposes_changed": _(
                "Tick when this version adds or changes a purpose the cookie choices ask "
                "about: every browser that chose before is asked again, once."
            ),
            "text_en": _('Blank lines between paragraphs; "## " starts a heading, "- " an item.'),
        }

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text_en", "").strip() or not cleaned.get("text_nl", "").strip():
            raise forms.ValidationError(POLICY_TEXT_MISSING)
        return cleaned


class DataRequestReceiveForm(forms.ModelForm):
    class Meta:
        model = DataRequest
        fields = ["requester_email", "requester_name", "kind", "details", "received_on"]

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(REQUEST_RECEIVED_IN_FUTURE)
        return received_on


class DataRequestStatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=DataRequest.Status.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when refusing: the reason the person is told."),
    )


class DataRequestExtendForm(forms.Form):
    extension_months = forms.TypedChoiceField(
        label=_("Extend the time to answer by"),
        coerce=int,
        choices=[
            (n, _("%(n)d more month(s)") % {"n": n}) for n in range(1, MAX_EXTENSION_MONTHS + 1)
        ],
    )
    reason = forms.CharField(
        label=_("Reason, as told to the person"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DataRequestNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class AccountField(forms.IntegerField):
    """An account number that must name an existing account."""

    def clean(self, value):
        number = super().clean(value)
        if number is not None and not get_user_model().objects.filter(pk=number).exists():
            raise forms.ValidationError(_("There is no account with this number."))
        return number


class LegalDisclosureForm(forms.Form):
    requested_by = forms.CharField(label=_("Requested by"), max_length=200)
    request_reference = forms.CharField(label=_("Their reference"), max_length=200, required=False)
    request_received_on = forms.DateField(label=_("Request received on"))
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalDisclosure.Basis.choices)
    legal_basis_detail = forms.CharField(
        label=_("Legal basis in detail"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The statute, order or reason relied on, so a reviewer can check it."),
    )
    user_id = AccountField(label=_("Account number"), required=False, min_value=1)
    subject_description = forms.CharField(
        label=_("Person concerned, when no account matches"), max_length=300, required=False
    )
    released_fields = forms.MultipleChoiceField(
        label=_("Fields to release (downloaded as JSON)"),
        required=False,
        choices=_releasable_choices,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    released = forms.CharField(
        label=_("Released by other means"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was handed over outside this form (a letter, a call), if anything."),
    )


class AffiliateShareForm(forms.Form):
    affiliate = forms.ModelChoiceField(label=_("Affiliate"), queryset=Affiliate.objects.all())
    transaction_reference = forms.CharField(label=_("Transaction"), max_length=200)
    user_id = AccountField(label=_("Account number"), min_value=1)
    shared_fields = forms.MultipleChoiceField(
        label=_("Fields to share (downloaded as JSON)"),
        choices=_releasable_choices,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    description = forms.CharField(label=_("Note"), required=False, max_length=1000)
