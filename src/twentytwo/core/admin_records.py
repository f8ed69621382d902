"""The admin of records kept as they were written (audit rows, registers, releases): staff
may look at them, never add, change or delete one. Every app's records use it."""

from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
