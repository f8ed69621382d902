"""Staff write campaigns here: a preview of both languages, a test to their own address,
and "start now", after which the campaign page shows its progress."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.html import format_html

from twentytwo.core.admin_records import RecordAdmin
from twentytwo.outreach.models import LANGUAGES, Campaign, Delivery, Subscriber
from twentytwo.outreach.services import OutreachError
from twentytwo.outreach.services.campaigns import (
    campaign_check,
    campaign_message,
    campaign_progress,
    campaign_start,
    campaign_test_send,
)
from twentytwo.outreach.tasks import campaign_send_task

PREVIEW_ADDRESS = "listener@example.org"


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "purpose", "cities", "subject_en", "body_en", "subject_nl", "body_nl"]

    def clean(self):
        data = super().clean()
        draft = Campaign(**{k: v for k, v in data.items() if k != "cities"})
        try:
            campaign_check(campaign=draft)
        except OutreachError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


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
