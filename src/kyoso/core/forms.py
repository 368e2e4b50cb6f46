from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from kyoso.core.errors import DomainError
from kyoso.core.models import City, District, EmailMode


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        help_text=_("At least 8 characters; not only numbers."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    display_name = forms.CharField(
        label=_("Name shown to others"),
        required=False,
        max_length=60,
        help_text=_("You may use a nickname."),
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        min_value=1900,
        help_text=_("Optional. Used only for statistics by age group."),
    )
    district = forms.ModelChoiceField(
        label=_("Where you live"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Prefer not to say"),
    )

    def __init__(self, *args: Any, city: City, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(city=city)  # type: ignore[attr-defined]


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset e-mail through the task queue, so a slow mail server never blocks."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from django.template import loader

        from kyoso.core.tasks import send_email_task

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email_task.enqueue(subject, body, [to_email])


class PreferencesForm(forms.Form):
    display_name = forms.CharField(label=_("Name shown to others"), required=False, max_length=60)
    large_text = forms.BooleanField(label=_("Use large text"), required=False)
    email_mode = forms.ChoiceField(label=_("E-mail for notices"), choices=EmailMode.choices)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def form_error(
    form: forms.BaseForm, exc: DomainError, *, fields: dict[str, str] | None = None
) -> None:
    """Show a service's error on the form field it names (``fields`` renames service fields to
    form fields, e.g. ``{"panel": "panel_file"}``), or on the whole form."""
    name = (fields or {}).get(exc.field or "", exc.field)
    form.add_error(name if name in form.fields else None, exc.message)
