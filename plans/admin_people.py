"""People, groups and permissions in the admin, in place of django.contrib.auth's own admins (discovered
before this module, as `django.contrib.auth` comes before `plans` in INSTALLED_APPS).

Everything here grants power, so only the platform operator (a superuser) changes it. Anyone else with
staff access reads the people of their organizations: who they are, never the password hash, nor the
flags, groups and permissions that give power. Third-party admins are re-registered platform-only here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, User
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.admin import FiscalCodeInline
from config.admin import PlatformOnlyAdmin, is_platform_operator

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(PlatformOnlyAdmin[User], DjangoUserAdmin):
    person_path = "pk"
    inlines = [FiscalCodeInline]
    read_only_fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email")}),
        (_("Stato"), {"fields": ("is_active", "last_login", "date_joined")}),
    )

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        if is_platform_operator(request):
            return super().get_fieldsets(request, obj)
        return self.read_only_fieldsets

    def get_form(self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any) -> Any:
        if not is_platform_operator(request):
            # Django's user form carries the password hash field, whatever the fieldsets show.
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change=change, **kwargs)


@admin.register(Group)
class GroupAdmin(PlatformOnlyAdmin[Group], DjangoGroupAdmin):  # type: ignore[misc]  # stubs: optional request
    """Groups are the platform's, not an organization's: others see none."""
