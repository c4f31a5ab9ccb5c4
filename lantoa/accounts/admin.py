from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from lantoa.accounts.models import User
from lantoa.core.admin import AuditedModelAdmin


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("Lan Tỏa"), {"fields": ("role", "phone", "must_change_password")}),)
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
