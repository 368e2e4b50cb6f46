from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kyoso.health.models import SharePurpose
from kyoso.health.records.fhir_resources import DATA_ITEMS


class VitalsForm(forms.Form):
    """Large, few fields: what an elderly person measures at home, all optional but one."""

    systolic = forms.IntegerField(
        label=_("Blood pressure, upper (mmHg)"),
        required=False,
        min_value=50,
        max_value=300,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    diastolic = forms.IntegerField(
        label=_("Blood pressure, lower (mmHg)"),
        required=False,
        min_value=20,
        max_value=200,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    pulse = forms.IntegerField(
        label=_("Pulse (per minute)"),
        required=False,
        min_value=20,
        max_value=250,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    weight = forms.DecimalField(
        label=_("Weight (kg)"),
        required=False,
        min_value=2,
        max_value=300,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
    )
    steps = forms.IntegerField(
        label=_("Steps today"),
        required=False,
        min_value=0,
        max_value=100000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    glucose = forms.IntegerField(label=_("Blood glucose (mg/dL)"), required=False, min_value=20, max_value=800,
                                 widget=forms.NumberInput(attrs={"inputmode": "numeric"}))  # fmt: skip


class ImportForm(forms.Form):
    file = forms.FileField(label=_("FHIR Bundle (JSON) or blood-pressure monitor CSV"))


class ShareForm(forms.Form):
    provider = forms.ChoiceField(label=_("Clinic, hospital or care provider"), required=False)
    family_email = forms.EmailField(
        label=_("…or a family member or carer (their e-mail)"), required=False
    )
    items = forms.MultipleChoiceField(
        label=_("What to share"),
        choices=list(DATA_ITEMS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.ChoiceField(label=_("For what"), choices=SharePurpose.choices)
    days = forms.IntegerField(label=_("For how many days"), min_value=1, max_value=1098, initial=30)


class FamilyForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the family member who may act for you"))


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class WaitingForm(forms.Form):
    waiting_minutes = forms.IntegerField(
        label=_("Waiting time now (minutes)"), min_value=0, max_value=600
    )


class StatisticForm(forms.Form):
    statistic = forms.ChoiceField(
        label=_("Statistic"),
        choices=[
            ("checkup_participation", _("Annual check-up participation (share)")),
            ("bp_control", _("Blood pressure under control (share)")),
            ("population", _("People in the record (count)")),
        ],
    )
    epsilon = forms.DecimalField(
        label=_("Privacy cost ε"), min_value=0.01, max_value=2, initial=0.5, decimal_places=2
    )


class FhirAppForm(forms.Form):
    name = forms.CharField(label=_("App name"), max_length=80)
    redirect_uris = forms.CharField(
        label=_("Redirect URIs (one a line)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    public = forms.BooleanField(label=_("Public app (PKCE, no secret)"), required=False)
