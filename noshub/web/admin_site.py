"""The admin site: Django's, opened to NOS Hub's administrator role as well as to Django staff,
so that an administrator reaches the people's lifecycle profiles (organisation, nation) it sets
(issue 19). Inside, each model admin still decides what a person may see or change: the role is
not the superuser."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from noshub.catalogue.roles import ADMINISTRATOR, roles


def may_enter(user) -> bool:
    return bool(user.is_active and (user.is_staff or ADMINISTRATOR in roles(user)))


class LoginForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)  # an inactive account is refused
        if not may_enter(user):
            raise ValidationError(
                self.error_messages["invalid_login"], code="invalid_login", params={"username": self.username_field.verbose_name}
            )


class AdminSite(admin.AdminSite):
    login_form = LoginForm

    def has_permission(self, request) -> bool:
        return may_enter(request.user)
