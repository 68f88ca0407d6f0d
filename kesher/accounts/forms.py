"""Forms for signing up, logging in and naming API tokens. They parse what the browser sends;
accounts.services validates and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kesher.accounts.models import User

EMAIL_ERRORS = {
    "required": _("Type your email address."),
    "invalid": _("This is not a valid email address: check it looks like name@example.com."),
}


class SignupForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        error_messages={"required": _("Type your name: at least one letter.")},
        help_text=_("As your team and your contacts know you."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        error_messages={"required": _("Choose a password.")},
        help_text=_("At least 8 characters, not only digits, and not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        error_messages={"required": _("Type the same password again.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error(
                "password2", _("The two passwords differ: type the same password twice.")
            )
        return cleaned


class LoginForm(forms.Form):
    """Django's LoginView form, by email: it offers `get_user()` like AuthenticationForm."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        error_messages={"required": _("Type your password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user_cache: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password:
            user = authenticate(self.request, email=email.lower(), password=password)
            if user is None:
                raise ValidationError(
                    _("Wrong email or password: check both and try again."), code="invalid_login"
                )
            self.user_cache = user  # type: ignore[assignment]
        return cleaned

    def get_user(self) -> User | None:
        return self.user_cache


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        error_messages={"required": _("A name is required: type at least one letter.")},
        help_text=_("What will use it, such as “phone shortcut” or “Zapier”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
