from django.contrib import admin
from django.db import transaction

from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log, snapshot


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin edits write the same audit rows as the services do."""

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj)._default_manager.filter(pk=obj.pk).first()) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        audit_log(
            actor=request.user,
            action=AuditLog.Action.UPDATE if change else AuditLog.Action.CREATE,
            obj=obj,
            before=before,
            after=snapshot(obj),
            verb="admin_edit",
            source="admin",
        )

    @transaction.atomic
    def save_formset(self, request, form, formset, change):
        befores = {
            f.instance.pk: snapshot(type(f.instance)._default_manager.filter(pk=f.instance.pk).first())
            for f in formset.forms
            if f.instance.pk
        }
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_log(
                actor=request.user,
                action=AuditLog.Action.DELETE,
                obj=obj,
                before=snapshot(obj),
                verb="admin_delete",
                source="admin",
            )
            obj.delete()
        for obj in instances:
            existed = obj.pk in befores
            obj.save()
            audit_log(
                actor=request.user,
                action=AuditLog.Action.UPDATE if existed else AuditLog.Action.CREATE,
                obj=obj,
                before=befores.get(obj.pk, {}),
                after=snapshot(obj),
                verb="admin_edit",
                source="admin",
            )
        formset.save_m2m()

    @staticmethod
    def _audit_delete(request, obj):
        audit_log(
            actor=request.user,
            action=AuditLog.Action.DELETE,
            obj=obj,
            before=snapshot(obj),
            verb="admin_delete",
            source="admin",
        )

    @transaction.atomic
    def delete_model(self, request, obj):
        self._audit_delete(request, obj)
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._audit_delete(request, obj)
        super().delete_queryset(request, queryset)


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "verb", "target_type", "target_repr"]
    list_filter = ["action", "target_type", "source"]
    search_fields = ["target_repr", "actor_name", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
