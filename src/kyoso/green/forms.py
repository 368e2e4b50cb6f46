"""Forms of the green pages (plain Japanese labels through the catalogue)."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyoso.core.models import District
from kyoso.green.accounting.gases import VEHICLE_TYPES, known_gases
from kyoso.green.models import JSIC_CHOICES, Category, Disclosure, FactorKind
from kyoso.green.models.companies import GRID_AREAS


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=120)
    jsic = forms.ChoiceField(label=_("Industry"), choices=JSIC_CHOICES)
    employees = forms.IntegerField(label=_("Employees"), min_value=0, initial=0)
    sales_million_yen = forms.DecimalField(
        label=_("Annual sales (million yen)"),
        min_value=0,
        max_digits=12,
        decimal_places=1,
        initial=0,
    )
    corporate_number = forms.CharField(
        label=_("Corporate number (法人番号, optional)"), max_length=13, required=False
    )
    fiscal_year_start_month = forms.IntegerField(
        label=_("First month of your fiscal year"), min_value=1, max_value=12, initial=4
    )


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Site name (as written in your spreadsheet)"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    district: forms.ModelChoiceField[District] = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False
    )
    grid_area = forms.ChoiceField(label=_("Grid area"), choices=GRID_AREAS, required=False)
    roof_area_m2 = forms.IntegerField(
        label=_("Roof area free for solar panels (m²)"), min_value=0, initial=0
    )

    def __init__(self, *args: object, districts: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]


class ActivityForm(forms.Form):
    site = forms.ChoiceField(label=_("Site"))
    month = forms.DateField(
        label=_("Month of the bill"),
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    category = forms.ChoiceField(label=_("What the bill is for"), choices=Category.choices)
    quantity = forms.DecimalField(
        label=_("Amount used"), min_value=0, max_digits=16, decimal_places=4
    )
    unit = forms.CharField(
        label=_("Unit (kWh, 千m3, L, kL, kg, t, GJ, km, 円)"), max_length=12, required=False
    )
    supplier = forms.CharField(
        label=_("Supplier number (登録番号, e.g. A0269)"),
        max_length=10,
        required=False,
        help_text=_("On your electricity or gas bill. Leave empty if you do not know."),
    )
    menu = forms.CharField(label=_("Menu (e.g. メニューM(残差))"), max_length=200, required=False)
    detail = forms.CharField(
        label=_("Refrigerant, vehicle type or Scope 3 item"),
        max_length=60,
        required=False,
        help_text=_("Refrigerants: %(gases)s. Vehicles: %(vehicles)s.")
        % {"gases": ", ".join(known_gases()), "vehicles": ", ".join(VEHICLE_TYPES)},
    )

    def __init__(self, *args: object, sites: list[tuple[int, str]] = (), **kwargs: object) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["site"].choices = sites  # type: ignore[attr-defined]


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet of bills (CSV, UTF-8 or Shift_JIS)"),
        help_text=_("Columns: 月, 拠点, 種別, 数量, 単位, 登録番号, メニュー, 詳細"),
    )


class DisclosureForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Who may see our CO2"), choices=Disclosure.choices, widget=forms.RadioSelect
    )
    secretariat = forms.BooleanField(
        label=_("The consortium secretariat may enter our data for us"), required=False
    )


class InviteForm(forms.Form):
    company = forms.CharField(
        label=_("Company to invite (registered name or corporate number)"), max_length=120
    )


class InvitationAnswerForm(forms.Form):
    invitation = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")])
    secretariat_may_enter = forms.BooleanField(
        label=_("The consortium secretariat may enter our data for us"), required=False
    )


class PlanForm(forms.Form):
    budget_yen = forms.IntegerField(
        label=_("Budget for investment (yen)"), min_value=0, initial=10_000_000, required=False
    )


class AdoptForm(forms.Form):
    key = forms.CharField(max_length=30)


class VisionLinkForm(forms.Form):
    """Link an adopted measure to one of the city's vision measures (empty: unlink)."""

    measure = forms.IntegerField(widget=forms.HiddenInput)
    vision_measure = forms.TypedChoiceField(
        label=_("The city's measure it serves"),
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(
        self,
        *args: object,
        choices: Sequence[tuple[int, str]] = (),
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        none = ("", pgettext_lazy("no vision measure", "None"))
        self.fields["vision_measure"].choices = [none, *choices]  # type: ignore[attr-defined]


class EvLeaseForm(forms.Form):
    started = forms.DateField(
        label=_("Start month"),
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    vehicles = forms.IntegerField(label=_("Vehicles changed to EVs"), min_value=1)
    km_per_vehicle_year = forms.IntegerField(
        label=_("km per vehicle a year"), min_value=0, initial=15000
    )
    ice_km_per_litre = forms.DecimalField(
        label=_("Fuel economy of the old vehicle (km/L)"),
        min_value=1,
        max_digits=5,
        decimal_places=1,
        initial=13,
    )
    lease_yen_per_vehicle_month = forms.IntegerField(
        label=_("EV lease a month (yen)"), min_value=0, initial=45000
    )


class EstimateForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=1990, max_value=2100)
    t_co2 = forms.DecimalField(
        label=_("Industrial CO2 of the city (t-CO2, 自治体排出量カルテ)"),
        min_value=0,
        max_digits=14,
        decimal_places=1,
    )


class FactorUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Which list"), choices=FactorKind.choices)
    file = forms.FileField(label=_("The official file (denki.txt or a TSV)"))
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year it applies to (empty: read from the file)"),
        required=False,
        min_value=2000,
        max_value=2100,
    )


class WeatherUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Hourly weather of one year (EPW, or CSV with time, ghi, dni, dhi, temp_air)")
    )
    source = forms.CharField(
        label=_("Where the data comes from (publisher, station, licence)"), max_length=300
    )


class TargetForm(forms.Form):
    base_year = forms.IntegerField(label=_("Base year (fiscal)"), min_value=1990, max_value=2100)
    target_year = forms.IntegerField(
        label=_("Target year (fiscal)"), min_value=1991, max_value=2100
    )
    percent = forms.DecimalField(
        label=_("Reduction (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=1
    )
    specified_emitter = forms.BooleanField(
        label=_("We are a specified emitter (特定排出者) under the reporting system"),
        required=False,
    )
