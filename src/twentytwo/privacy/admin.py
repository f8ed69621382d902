"""The privacy officer's admin: policy versions, the request queue, the registers, processors.

Every write goes through the services: an admin save, action or form calls the same
function the tests call. Records that must not be edited (choices, audit events,
registers) are shown read-only; releases are made through a form that downloads the data
and writes the register row in the same transaction."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from twentytwo.core.admin_records import RecordAdmin
from twentytwo.privacy import forms as privacy_forms
from twentytwo.privacy.models import (
    Affiliate,
    AffiliateShare,
    AuditEvent,
    ConsentChoice,
    DataRequest,
    DataRequestEvent,
    LegalDisclosure,
    MarketingChoice,
    PolicyNoticeSeen,
    PolicyVersion,
    Processor,
)
from twentytwo.privacy.selectors.requests import data_request_is_overdue
from twentytwo.privacy.services import PrivacyError
from twentytwo.privacy.services import policy as services
from twentytwo.privacy.services.releases import affiliate_share_release, legal_disclosure_release
from twentytwo.privacy.services.requests import (
    data_request_extend,
    data_request_note_add,
    data_request_receive,
    data_request_status_change,
)

ACTION_FORM_TEMPLATE = "core/admin/form.html"


def _action_form(request, model_admin, *, form, title, obj=None, status=200):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "form": form,
        "original": obj,
    }
    return TemplateResponse(request, ACTION_FORM_TEMPLATE, context, status=status)


def _json_download(payload: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(payload, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    form = privacy_forms.PolicyVersionForm
    list_display = ["number", "effective_on", "published", "published_at", "published_by"]
    ordering = ["-number"]
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.published:
            return ["number", *self.form.Meta.fields, "published_at", "published_by"]
        return ["number", "published", "published_at", "published_by"]

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.published and super().has_delete_permission(request)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in self.form.Meta.fields}
        if change:
            saved = services.policy_version_draft_update(version=obj, **fields)
        else:
            saved = services.policy_version_draft_create(**fields)
        obj.pk, obj.number = saved.pk, saved.number

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request, queryset):
        for version in queryset.order_by("number"):
            try:
                services.policy_version_publish(version=version, by=request.user)
            except PrivacyError as error:
                self.message_user(request, f"Version {version.number}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"Version {version.number} is published.")


@admin.register(ConsentChoice)
class ConsentChoiceAdmin(RecordAdmin):
    list_display = ["consent_id", "user", "method", "audience_statistics", "advertising",
                    "policy_version", "chosen_at"]  # fmt: skip
    list_filter = ["method", "advertising", "audience_statistics"]
    search_fields = ["consent_id"]


@admin.register(MarketingChoice)
class MarketingChoiceAdmin(RecordAdmin):
    list_display = ["user", "subscribed", "method", "policy_version", "chosen_at"]
    list_filter = ["method", "subscribed"]


@admin.register(PolicyNoticeSeen)
class PolicyNoticeSeenAdmin(RecordAdmin):
    list_display = ["user", "version", "seen_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdmin):
    list_display = ["occurred_at", "kind", "subject_user_id", "actor", "actor_user_id"]
    list_filter = ["kind", "actor"]
    search_fields = ["=subject_user_id"]
    date_hierarchy = "occurred_at"


@admin.register(Processor)
class ProcessorAdmin(admin.ModelAdmin):
    list_display = ["name", "purpose", "location", "contract_reference", "active_from",
                    "active_until"]  # fmt: skip
    search_fields = ["name"]


@admin.register(Affiliate)
class AffiliateAdmin(admin.ModelAdmin):
    list_display = ["name", "agreement_reference", "committed_on", "active_from", "active_until"]
    search_fields = ["name"]


class ReleaseRegisterAdmin(RecordAdmin):
    """A register: read-only rows, and a form that makes a release and writes its row."""

    change_list_template = "admin/privacy/register_change_list.html"
    release_form: type = None
    release_title = ""

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_release"
        view = self.admin_site.admin_view(self.release_view)
        return [path("release/", view, name=name), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        opts = self.model._meta
        extra = {
            "release_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_release"),
            "release_title": self.release_title,
        }
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def release_allowed(self, request: HttpRequest) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}")

    def release_view(self, request: HttpRequest) -> HttpResponse:
        if not self.release_allowed(request):
            return HttpResponse(status=403)
        form = self.release_form(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                return self.release(request, form.cleaned_data)
            except PrivacyError as error:
                form.add_error(None, str(error))
        status = 400 if request.method == "POST" else 200
        return _action_form(request, self, form=form, title=self.release_title, status=status)

    def release(self, request: HttpRequest, data: dict) -> HttpResponse:
        raise NotImplementedError


@admin.register(LegalDisclosure)
class LegalDisclosureAdmin(ReleaseRegisterAdmin):
    list_display = ["released_at", "requested_by", "legal_basis", "subject_user_id",
                    "released_by"]  # fmt: skip
    list_filter = ["legal_basis"]
    search_fields = ["requested_by", "request_reference", "=subject_user_id"]
    release_form = privacy_forms.LegalDisclosureForm
    release_title = _("Release data to an authority")

    def release(self, request, data):
        disclosure, payload = legal_disclosure_release(
            released_by=request.user,
            requested_by=data["requested_by"],
            request_reference=data["request_reference"],
            request_received_on=data["request_received_on"],
            legal_basis=data["legal_basis"],
            legal_basis_detail=data["legal_basis_detail"],
            user_id=data["user_id"],
            subject_description=data["subject_description"],
            fields=data["released_fields"],
            released=data["released"],
        )
        if not payload:
            self.message_user(request, _("The disclosure is recorded in the register."))
            return HttpResponseRedirect(reverse("admin:privacy_legaldisclosure_changelist"))
        return _json_download(payload, f"disclosure-{disclosure.pk}.json")


@admin.register(AffiliateShare)
class AffiliateShareAdmin(ReleaseRegisterAdmin):
    list_display = ["shared_at", "affiliate", "transaction_reference", "subject_user_id",
                    "shared_by"]  # fmt: skip
    list_filter = ["affiliate"]
    search_fields = ["transaction_reference", "=subject_user_id"]
    release_form = privacy_forms.AffiliateShareForm
    release_title = _("Share data with an affiliate for one transaction")

    def release(self, request, data):
        payloads = []
        share = affiliate_share_release(
            affiliate=data["affiliate"],
            transaction_reference=data["transaction_reference"],
            user_id=data["user_id"],
            fields=data["shared_fields"],
            deliver=payloads.append,
            shared_by=request.user,
            description=data["description"],
        )
        return _json_download(payloads[0], f"share-{share.pk}.json")


class DataRequestEventInline(admin.TabularInline):
    model = DataRequestEvent
    fields = ["at", "by", "action", "from_status", "to_status", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("overdue")), ("open", _("open, in time"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        open_requests = queryset.exclude(status__in=DataRequest.CLOSED_STATUSES)
        if self.value() == "overdue":
            return open_requests.filter(due_on__lt=today)
        if self.value() == "open":
            return open_requests.filter(due_on__gte=today)
        return queryset


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    """The queue of e-mailed requests, soonest due first, overdue ones marked."""

    list_display = ["requester_email", "kind", "received_on", "deadline", "status"]
    list_filter = [OverdueFilter, "status", "kind"]
    search_fields = ["requester_email", "requester_name"]
    ordering = ["due_on", "id"]
    inlines = [DataRequestEventInline]
    change_form_template = "admin/privacy/datarequest_change_form.html"

    class Media:
        css = {"all": ["privacy/admin.css"]}

    def get_inlines(self, request, obj=None):
        # A request being entered has no trail yet.
        return [] if obj is None else self.inlines

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = privacy_forms.DataRequestReceiveForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return privacy_forms.DataRequestReceiveForm.Meta.fields
        return [*privacy_forms.DataRequestReceiveForm.Meta.fields, "due_on", "extension_months",
                "extension_reason", "status", "closed_at", "created_at", "created_by"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("answer due"), ordering="due_on")
    def deadline(self, obj: DataRequest):
        extended = f" (+{obj.extension_months})" if obj.extension_months else ""
        if data_request_is_overdue(obj):
            return format_html(
                '<span class="privacy-overdue">{}{} · {}</span>', obj.due_on, extended, _("overdue")
            )
        return f"{obj.due_on}{extended}"

    def save_model(self, request, obj, form, change):
        # The form has checked what the service refuses.
        saved = data_request_receive(by=request.user, **form.cleaned_data)
        obj.pk = saved.pk

    def get_urls(self):
        steps = [
            ("status", self.status_view),
            ("extend", self.extend_view),
            ("note", self.note_view),
        ]
        return [
            path(
                f"<int:object_id>/{step}/",
                self.admin_site.admin_view(view),
                name=f"privacy_datarequest_{step}",
            )
            for step, view in steps
        ] + super().get_urls()

    def _step(self, request, object_id, *, form_class, title, act):
        if not self.has_view_permission(request) or not request.user.has_perm(
            "privacy.change_datarequest"
        ):
            return HttpResponse(status=403)
        obj = get_object_or_404(DataRequest, pk=object_id)
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                act(obj, form.cleaned_data)
            except PrivacyError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, _("The request is updated."))
                return HttpResponseRedirect(
                    reverse("admin:privacy_datarequest_change", args=[obj.pk])
                )
        status = 400 if request.method == "POST" else 200
        return _action_form(request, self, form=form, title=title, obj=obj, status=status)

    def status_view(self, request, object_id):
        return self._step(
            request,
            object_id,
            form_class=privacy_forms.DataRequestStatusForm,
            title=_("Change the status"),
            act=lambda obj, data: data_request_status_change(
                request=obj, to_status=data["to_status"], note=data["note"], by=request.user
            ),
        )

    def extend_view(self, request, object_id):
        return self._step(
            request,
            object_id,
            form_class=privacy_forms.DataRequestExtendForm,
            title=_("Extend the time to answer"),
            act=lambda obj, data: data_request_extend(
                request=obj,
                extension_months=data["extension_months"],
                reason=data["reason"],
                by=request.user,
            ),
        )

    def note_view(self, request, object_id):
        return self._step(
            request,
            object_id,
            form_class=privacy_forms.DataRequestNoteForm,
            title=_("Add a note"),
            act=lambda obj, data: data_request_note_add(
                request=obj, note=data["note"], by=request.user
            ),
        )
