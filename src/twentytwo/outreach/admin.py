"""Staff write campaigns here: a preview of both languages, a test to their own address,
and "start now", after which the campaign page shows its progress. Promotions too: what
they ask (and so share), their entries' hand-over, and the CSV for the affiliate. And ads,
with the places, cities, genres and dayparts they run in, and their counts."""

import csv
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.http import StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html

from twentytwo.audience.dayparts import DAYPARTS
from twentytwo.core.admin_records import RecordAdmin
from twentytwo.outreach.models import (
    LANGUAGES,
    Ad,
    Campaign,
    Delivery,
    Promotion,
    PromotionEntry,
    Question,
    Subscriber,
    Survey,
)
from twentytwo.outreach.selectors.ads import AD_DAYPARTS, ad_totals
from twentytwo.outreach.selectors.promotions import promotion_entries_csv, promotion_progress
from twentytwo.outreach.selectors.surveys import survey_answers_waiting, survey_results
from twentytwo.outreach.services import OutreachError
from twentytwo.outreach.services.ads import ad_check
from twentytwo.outreach.services.campaigns import (
    campaign_check,
    campaign_message,
    campaign_progress,
    campaign_start,
    campaign_test_send,
)
from twentytwo.outreach.services.promotions import (
    promotion_check,
    promotion_fixed,
    promotion_save,
)
from twentytwo.outreach.services.surveys import survey_check
from twentytwo.outreach.tasks import campaign_send_task

PREVIEW_ADDRESS = "listener@example.org"


class CheckedForm(forms.ModelForm):
    """A form whose draft a service checks: the service's refusal is the form's error.

    With `check_with_field_errors` False, a form that already has field errors is not
    checked (its draft would lack what the check reads)."""

    check_with_field_errors = False

    def check(self, data: dict) -> None:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.errors and not self.check_with_field_errors:
            return data
        try:
            self.check(data)
        except OutreachError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


class CampaignForm(CheckedForm):
    # An empty language part is the check's to name, whatever else is missing.
    check_with_field_errors = True

    class Meta:
        model = Campaign
        fields = ["name", "purpose", "survey", "cities", "subject_en", "body_en", "subject_nl",
                  "body_nl"]  # fmt: skip

    def check(self, data: dict) -> None:
        campaign_check(campaign=Campaign(**{k: v for k, v in data.items() if k != "cities"}))


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    list_display = ["name", "purpose", "status", "send_at", "progress"]
    list_filter = ["status", "purpose"]
    readonly_fields = ["status", "send_at", "started_at", "finished_at", "progress", "preview"]
    actions = ["send_test", "start_now"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Campaign.Status.DRAFT:
            return [*CampaignForm.Meta.fields, *self.readonly_fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="progress")
    def progress(self, obj):
        if obj.pk is None:
            return "—"
        p = campaign_progress(campaign=obj)
        return f"{p.sent} sent, {p.failed} failed, {p.skipped} skipped, {p.waiting} waiting"

    @admin.display(description="preview")
    def preview(self, obj):
        if obj.pk is None:
            return "Save the draft to see it as a recipient will."
        parts = []
        for code, language in LANGUAGES:
            # The preview's unsubscribe link names no account (0 is none).
            email = campaign_message(campaign=obj, to=PREVIEW_ADDRESS, language=code, user_id=0)
            parts.append(
                format_html(
                    "<h3>{}: {}</h3><pre style='white-space:pre-wrap'>{}</pre>",
                    language,
                    email.subject,
                    email.body,
                )
            )
        return format_html("{}{}", *parts)

    @admin.action(description="Send a test of both languages to my own address")
    def send_test(self, request, queryset):
        for campaign in queryset:
            try:
                sent = campaign_test_send(campaign=campaign, actor=request.user)
            except OutreachError as exc:
                self.message_user(request, f"{campaign}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{campaign}: {sent} tests sent to {request.user.email}")

    @admin.action(description="Start sending now")
    def start_now(self, request, queryset):
        for campaign in queryset:
            try:
                started = campaign_start(campaign=campaign, actor=request.user)
            except OutreachError as exc:
                self.message_user(request, f"{campaign}: {exc}", messages.ERROR)
                continue
            transaction.on_commit(lambda pk=started.pk: campaign_send_task.enqueue(pk))
            self.message_user(request, f"{campaign}: sending; the page shows its progress.")


@admin.register(Subscriber)
class SubscriberAdmin(RecordAdmin):
    list_display = ["user", "language", "city", "updated_at"]


@admin.register(Delivery)
class DeliveryAdmin(RecordAdmin):
    list_display = ["campaign", "user", "status", "done_at", "error"]
    list_filter = ["status", "campaign"]


class PromotionForm(CheckedForm):
    fields = forms.MultipleChoiceField(
        label="asked, and shared with the affiliate",
        choices=Promotion.Field.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Promotion
        fields = ["slug", "title", "text", "affiliate", "fields", "question", "opens_at",
                  "closes_at", "webhook_url"]  # fmt: skip

    def check(self, data: dict) -> None:
        draft = Promotion(pk=self.instance.pk, **data)
        promotion_check(promotion=draft, fixed=promotion_fixed(self.instance.pk))


class _Echo:
    def write(self, value):
        return value


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    form = PromotionForm
    list_display = ["title", "affiliate", "opens_at", "closes_at", "progress"]
    readonly_fields = ["webhook_secret", "progress"]
    actions = ["entries_csv"]

    def save_model(self, request, obj, form, change):
        promotion_save(promotion=obj, actor=request.user)

    @admin.display(description="entries")
    def progress(self, obj):
        if obj.pk is None:
            return "—"
        p = promotion_progress(obj)
        if not obj.webhook_url:
            return f"{p.entries} entries (handed over by CSV)"
        return f"{p.entries} entries, {p.handed_over} handed over, {p.failing} failing"

    @admin.action(description="Download the entries for the affiliate (CSV)")
    def entries_csv(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose one promotion: each CSV is for one affiliate.",
                              messages.ERROR)  # fmt: skip
            return None
        promotion = queryset.get()
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in promotion_entries_csv(promotion)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="entries-{promotion.slug}.csv"'
        return response


@admin.register(PromotionEntry)
class PromotionEntryAdmin(RecordAdmin):
    list_display = ["reference", "promotion", "entered_at", "handed_over_at", "handover_error"]
    list_filter = ["promotion"]


class AdForm(CheckedForm):
    places = forms.MultipleChoiceField(
        choices=Ad.Place.choices, widget=forms.CheckboxSelectMultiple
    )
    dayparts = forms.MultipleChoiceField(
        label="dayparts (none: all day)",
        choices=[(name, name) for name in AD_DAYPARTS if name in DAYPARTS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Ad
        fields = ["name", "advertiser", "places", "format", "headline", "text", "link_url",
                  "image", "audio", "tag_url", "cities", "genres", "dayparts", "starts_at",
                  "ends_at", "weight"]  # fmt: skip

    def check(self, data: dict) -> None:
        fields = {k: v for k, v in data.items() if k not in ("cities", "genres")}
        ad_check(ad=Ad(pk=self.instance.pk, **fields))


@admin.register(Ad)
class AdAdmin(admin.ModelAdmin):
    form = AdForm
    list_display = ["name", "advertiser", "format", "starts_at", "ends_at", "counted"]
    list_filter = ["format", "advertiser"]
    readonly_fields = ["counted"]

    @admin.display(description="last 30 days")
    def counted(self, obj):
        if obj.pk is None:
            return "—"
        today = timezone.localdate()
        totals = ad_totals(ad_ids=[obj.pk], first=today - timedelta(days=29), last=today)
        if not totals:
            return "not shown yet"
        return "; ".join(f"{t.place}: {t.impressions} shown, {t.clicks} clicked" for t in totals)


class QuestionInline(admin.TabularInline):
    """A survey's questions, fixed once answers came in: results read answers against the
    questions they answered."""

    model = Question
    fields = ["position", "kind", "text", "choices", "required"]
    extra = 1

    def _open(self, obj) -> bool:
        return obj is None or not obj.responses.exists()

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["slug", "title", "intro", "on_site", "account_reason", "opens_at", "closes_at"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    form = SurveyForm
    inlines = [QuestionInline]
    list_display = ["title", "on_site", "opens_at", "closes_at", "answered"]
    readonly_fields = ["results"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        try:
            survey_check(survey=form.instance, questions=list(form.instance.questions.all()))
        except OutreachError as exc:
            self.message_user(request, f"{form.instance}: {exc}", messages.WARNING)

    @admin.display(description="responses")
    def answered(self, obj):
        return obj.responses.count()

    @admin.display(description="results")
    def results(self, obj):
        if obj.pk is None:
            return "—"
        responses, questions = survey_results(obj)
        return render_to_string(
            "admin/outreach/survey_results.html",
            {
                "responses": responses,
                "questions": questions,
                "waiting": survey_answers_waiting(obj),
                "batch": settings.SURVEY_BATCH,
            },
        )
