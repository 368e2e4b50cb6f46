"""Forms of the evaluation pages; they only parse input, the services check and save it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City
from kyoso.evaluation.models import Method, PortfolioDecision, Recommendation
from kyoso.vision.models import Kpi, Measure, Theme


class VerificationForm(forms.Form):
    measure = forms.ModelChoiceField(label=_("Measure"), queryset=Measure.objects.none())
    kpi = forms.ModelChoiceField(
        label=_("KPI"),
        queryset=Kpi.objects.none(),
        required=False,
        help_text=_("Before/after uses this KPI's yearly values unless you upload data."),
    )
    title = forms.CharField(label=_("Title"), max_length=160)
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    treatment_time = forms.FloatField(
        label=_("First year with the measure"),
        help_text=_("The first period in which the measure was in effect."),
    )
    treated = forms.CharField(
        label=_("Treated unit(s)"),
        required=False,
        max_length=400,
        help_text=_(
            "The unit name(s) in the data that had the measure; separate several by commas."
        ),
    )
    panel_file = forms.FileField(
        label=_("Data (CSV)"),
        required=False,
        help_text=_("Columns unit, time, outcome: one row per unit and period."),
    )

    def __init__(self, *args: Any, city: City, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = Measure.objects.filter(city=city)  # type: ignore[attr-defined]
        self.fields["kpi"].queryset = Kpi.objects.filter(city=city)  # type: ignore[attr-defined]

    def parameters(self) -> dict[str, Any]:
        data = self.cleaned_data
        params: dict[str, Any] = {"treatment_time": data["treatment_time"]}
        treated = [t.strip() for t in (data.get("treated") or "").split(",") if t.strip()]
        if data["method"] == Method.DID:
            params["treated"] = treated
        elif data["method"] == Method.SYNTHETIC_CONTROL:
            params["treated"] = treated[0] if treated else ""
        return params


class DecisionForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2200)
    decision = forms.ChoiceField(label=_("Decision"), choices=Recommendation.choices)
    reasons = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    freed_budget_yen = forms.DecimalField(
        label=_("Budget freed (yen)"), min_value=0, decimal_places=0, required=False, initial=0
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].initial = timezone.localdate().year


class ReinvestmentForm(forms.Form):
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none())
    title_ja = forms.CharField(label=_("Title of the new measure (Japanese)"), max_length=160)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    description_ja = forms.CharField(
        label=_("What it will do"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    amount_yen = forms.DecimalField(label=_("Amount (yen)"), min_value=1, decimal_places=0)
    decisions = forms.ModelMultipleChoiceField(
        label=_("Decisions that freed the budget"),
        queryset=PortfolioDecision.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, city: City, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(city=city)  # type: ignore[attr-defined]
        self.fields["decisions"].queryset = PortfolioDecision.objects.filter(  # type: ignore[attr-defined]
            city=city, freed_budget_yen__gt=0
        ).select_related("measure")
