"""Forms of the mobility pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyoso.mobility.models import CrowdingLevel


class StopSearchForm(forms.Form):
    q = forms.CharField(label=_("Stop or station name"), max_length=80, required=False)


class JourneyForm(forms.Form):
    # Suggestions as you type come from page-local place-search.js (an ARIA combobox).
    origin = forms.CharField(
        label=_("From (stop, station, facility or district)"),
        max_length=80,
        widget=forms.TextInput(attrs={"data-place-search": "", "autocomplete": "off"}),
    )
    destination = forms.CharField(
        label=_("To (stop, station, facility or district)"),
        max_length=80,
        widget=forms.TextInput(attrs={"data-place-search": "", "autocomplete": "off"}),
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Leave at"), widget=forms.TimeInput(attrs={"type": "time"}))
    until = forms.TimeField(
        label=_("Or any departure until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Leave empty for the earliest arrival."),
    )
    max_transfers = forms.IntegerField(
        label=_("Changes at most"), min_value=0, max_value=5, initial=3
    )
    wheelchair = forms.BooleanField(label=_("Wheelchair accessible only"), required=False)
    walk = forms.ChoiceField(
        label=_("Walking pace when changing"),
        choices=[
            ("standard", _("Standard (1.2 m/s)")),
            ("elderly", _("Slower (0.9 m/s)")),
            ("wheelchair", _("Wheelchair (0.8 m/s)")),
        ],
        initial="standard",
        required=False,
    )


class FeedUploadForm(forms.Form):
    file = forms.FileField(label=_("GTFS feed (zip)"))
    operator_name = forms.CharField(
        label=_("Operator"),
        max_length=120,
        required=False,
        help_text=_("A new feed replaces the active feed of the same operator."),
    )


class CrowdingForm(forms.Form):
    facility = forms.ChoiceField(label=_("Facility"))
    waiting_minutes = forms.IntegerField(
        label=_("Waiting time (minutes)"), min_value=0, max_value=600, required=False
    )
    crowding = forms.ChoiceField(
        label=_("Crowding"),
        choices=[("", _("not given")), *CrowdingLevel.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    valid_minutes = forms.IntegerField(
        label=_("Valid for (minutes)"), min_value=5, max_value=1440, initial=120
    )


class RidershipUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Ridership CSV"),
        help_text=_("Columns: date,route_id,stop_id,hour,boardings,alightings"),
    )


class SupplyDemandForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    capacity = forms.IntegerField(
        label=_("Seats per vehicle"), min_value=1, max_value=2000, initial=60
    )


class DemandBookingForm(forms.Form):
    """A demand ride: from a named place (or a point picked on the map) to a named place."""

    service = forms.ChoiceField(label=_("Service"))
    origin = forms.ChoiceField(label=pgettext_lazy("demand ride", "From"))
    origin_lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    origin_lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    destination = forms.ChoiceField(label=pgettext_lazy("demand ride", "To"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Pick me up from"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("You are picked up at this time or within the service's window after it."),
    )
    passengers = forms.IntegerField(label=_("Passengers"), min_value=1, max_value=8, initial=1)
    wheelchair = forms.BooleanField(label=_("One of us uses a wheelchair"), required=False)
    note = forms.CharField(label=_("Note for the driver"), max_length=200, required=False)
    rider_email = forms.EmailField(
        label=_("Rider's e-mail (booking for a citizen)"),
        required=False,
        help_text=_("Staff only: the citizen you book for on the phone."),
    )


class FlexUploadForm(forms.Form):
    file = forms.FileField(label=_("GTFS-Flex zip"))
    operator_name = forms.CharField(label=_("Operator"), max_length=120, required=False)


class DispatchDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
