"""Forms of voice's pages; services do the real checks, forms only shape the input."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City, District
from kyoso.voice.models import ModerationMode, ProposalStatus, ServiceType
from kyoso.voice.themes import THEMES


def theme_choices() -> list[tuple[str, Any]]:
    return [("", _("Not sure"))] + [(t.code, t.name_ja) for t in THEMES]


class CityForm(forms.Form):
    def __init__(self, *args: Any, city: City, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.city = city
        if "district" in self.fields:
            field = cast(forms.ModelChoiceField, self.fields["district"])
            field.queryset = District.objects.filter(city=city).order_by("sort_order", "code")


class ProposalForm(CityForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Your proposal"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("What is the problem, and what would you like the city to do?"),
    )
    theme_code = forms.ChoiceField(label=_("Theme"), choices=theme_choices, required=False)
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput(attrs={"id": "pick_lat"}))
    lon = forms.FloatField(required=False, widget=forms.HiddenInput(attrs={"id": "pick_lon"}))
    photo = forms.ImageField(label=_("Photo (optional)"), required=False)
    pseudonym = forms.CharField(
        label=_("Name shown to others (optional)"),
        max_length=60,
        required=False,
        help_text=_("Leave empty to use your name. You can use a nickname instead."),
    )


class ProxyProposalForm(ProposalForm):
    citizen_email = forms.EmailField(
        label=_("E-mail of the citizen"),
        help_text=_("Staff only: the proposal is marked as entered on their behalf."),
    )


class ResponseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[c for c in ProposalStatus.choices if c[0] != ProposalStatus.OPEN],
    )
    text = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("A reason is required when the proposal is declined."),
    )


class MeasureLinkForm(forms.Form):
    measure_ref = forms.CharField(label=_("Measure code"), max_length=60)
    title = forms.CharField(label=_("Measure"), max_length=200)
    url = forms.CharField(label=_("Link (optional)"), max_length=300, required=False)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    pseudonym = forms.CharField(
        label=_("Name shown to others (optional)"), max_length=60, required=False
    )


class ReportForm(CityForm):
    service_code = forms.ChoiceField(label=_("What kind of problem?"))
    description = forms.CharField(
        label=_("What is wrong?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    address_string = forms.CharField(
        label=_("Address or landmark"),
        max_length=200,
        required=False,
        help_text=_("Tap the map to place a pin, or write the address."),
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput(attrs={"id": "pick_lat"}))
    lon = forms.FloatField(required=False, widget=forms.HiddenInput(attrs={"id": "pick_lon"}))
    photo = forms.ImageField(label=_("Photo (optional)"), required=False)

    def __init__(self, *args: Any, city: City, **kwargs: Any):
        super().__init__(*args, city=city, **kwargs)
        field = cast(forms.ChoiceField, self.fields["service_code"])
        field.choices = [
            (s.code, s.name_ja) for s in ServiceType.objects.filter(city=city, is_active=True)
        ]


class ConversationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    moderation = forms.ChoiceField(label=_("Moderation"), choices=ModerationMode.choices)
    theme_code = forms.ChoiceField(label=_("Theme"), choices=theme_choices, required=False)
    seeds = forms.CharField(
        label=_("Seed statements (one per line)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )


class WorkshopForm(CityForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    place = forms.CharField(label=_("Place"), max_length=120)
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=10000, initial=30)
    accessibility_notes = forms.CharField(
        label=_("Accessibility"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    theme_code = forms.ChoiceField(label=_("Theme"), choices=theme_choices, required=False)


class IdeaForm(forms.Form):
    text = forms.CharField(label=_("Idea (sticky note)"), max_length=300)
    dot_votes = forms.IntegerField(
        label=_("Dot votes"), min_value=0, max_value=1000, initial=0, required=False
    )
    citizen_email = forms.EmailField(
        label=_("From a paper form or phone call: e-mail of the citizen (optional)"), required=False
    )
    is_proxy = forms.BooleanField(label=_("Entered on behalf (paper or phone)"), required=False)
