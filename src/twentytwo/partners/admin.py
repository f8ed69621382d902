"""Staff's side of partners: organisations and their rights, invitations, the CSV import of
rights, and the records (releases, membership changes, monthly reports) as written."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twentytwo.core.admin_records import RecordAdmin
from twentytwo.partners.forms import InviteForm, RightsImportForm
from twentytwo.partners.models import (
    ApiToken,
    Invitation,
    Membership,
    MembershipEvent,
    MonthlyReport,
    Organisation,
    Release,
    TrackRights,
)
from twentytwo.partners.services.organisations import RightsImportError, rights_import
from twentytwo.partners.services.people import PeopleError, invitation_create
from twentytwo.partners.services.tokens import token_revoke

FORM_TEMPLATE = "admin/partners/form.html"


def _form_page(request, model_admin, *, form, title, obj=None, status=200, result=None):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "form": form,
        "original": obj,
        "result": result,
    }
    return TemplateResponse(request, FORM_TEMPLATE, context, status=status)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "created_at")
    readonly_fields = ("user", "role", "created_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # People join by invitation only, so that every change is recorded.
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "slug", "monthly_epsilon")
    list_filter = ("kind",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]
    readonly_fields = ("curator",)
    change_form_template = "admin/partners/organisation_change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.invite_view)
        return [
            path("<int:pk>/invite/", view, name="partners_organisation_invite"),
            *super().get_urls(),
        ]

    def invite_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        organisation = get_object_or_404(Organisation, pk=pk)
        if not request.user.has_perm("partners.add_invitation"):
            return HttpResponse(status=403)
        form = InviteForm(request.POST or None)
        title = _("Invite someone to %(name)s") % {"name": organisation.name}
        if request.method == "POST" and form.is_valid():
            try:
                _invitation, link = invitation_create(
                    organisation=organisation,
                    role=form.cleaned_data["role"],
                    email=form.cleaned_data["email"],
                    actor=request.user,
                    absolute_url=request.build_absolute_uri,
                )
            except PeopleError as exc:
                form.add_error(None, str(exc.message))
            else:
                return _form_page(
                    request, self, form=InviteForm(), title=title, obj=organisation, result=link
                )
        status = 400 if request.method == "POST" else 200
        return _form_page(request, self, form=form, title=title, obj=organisation, status=status)


@admin.register(TrackRights)
class TrackRightsAdmin(admin.ModelAdmin):
    list_display = ("track", "organisation", "set_at", "set_by")
    list_filter = ("organisation",)
    search_fields = ("track__title", "track__artist", "track__label", "organisation__name")
    autocomplete_fields = ("track", "organisation")
    readonly_fields = ("set_at", "set_by")
    change_list_template = "admin/partners/trackrights_change_list.html"

    def save_model(self, request, obj, form, change):
        obj.set_at = timezone.now()
        obj.set_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="partners_trackrights_import"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra = {"import_url": reverse("admin:partners_trackrights_import")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("partners.add_trackrights"):
            return HttpResponse(status=403)
        form = RightsImportForm(request.POST or None, request.FILES or None)
        title = _("Import rights holders from CSV")
        if request.method == "POST" and form.is_valid():
            try:
                outcome = rights_import(data=form.cleaned_data["file"].read(), actor=request.user)
            except RightsImportError as exc:
                for error in exc.errors:
                    form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(tracks)d tracks from %(lines)d lines: %(each)s. Nothing else changed.")
                    % {
                        "tracks": outcome.tracks,
                        "lines": outcome.lines,
                        "each": ", ".join(f"{k} {v}" for k, v in outcome.by_organisation.items()),
                    },
                )
                return _form_page(request, self, form=RightsImportForm(), title=title)
        status = 400 if request.method == "POST" else 200
        return _form_page(request, self, form=form, title=title, status=status)


@admin.register(Invitation)
class InvitationAdmin(RecordAdmin):
    list_display = ("organisation", "role", "email", "created_at", "expires_at", "accepted_at")
    list_filter = ("organisation", "role")


@admin.register(MembershipEvent)
class MembershipEventAdmin(RecordAdmin):
    list_display = ("at", "organisation", "action", "role", "member", "actor")
    list_filter = ("organisation", "action")


@admin.register(Release)
class ReleaseAdmin(RecordAdmin):
    list_display = ("at", "organisation", "channel", "person", "token", "epsilon_spent")
    list_filter = ("organisation", "channel")
    date_hierarchy = "at"


@admin.register(ApiToken)
class ApiTokenAdmin(RecordAdmin):
    list_display = ("name", "organisation", "prefix", "created_at", "expires_at", "revoked_at")
    list_filter = ("organisation",)
    exclude = ("digest",)
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"), permissions=["view"])
    def revoke(self, request, queryset):
        for token in queryset:
            token_revoke(token=token)
        self.message_user(request, _("Revoked."))


@admin.register(MonthlyReport)
class MonthlyReportAdmin(RecordAdmin):
    """How each month's reports went: pending (waiting for final listening), sent, failed."""

    list_display = ("month", "organisation", "status", "recipients", "error", "finished_at")
    list_filter = ("status", "month")
