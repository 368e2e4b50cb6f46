"""Forms of the vision pages; they only parse input, the services check and save it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City, Membership, Role, User
from kyoso.vision.kpi_providers import providers
from kyoso.vision.models import Axis, Kpi, Measure, Stance, Theme, Vision

DATE = forms.DateInput(attrs={"type": "date"})


def _staff_users(city: City) -> Any:
    ids = Membership.objects.filter(city=city, role__in=[Role.STAFF, Role.ADMIN]).values("user")
    return User.objects.filter(pk__in=ids).order_by("display_name", "email")


class VisionForm(forms.ModelForm):
    class Meta:
        model = Vision
        fields = [
            "title_ja",
            "title_en",
            "future_image_ja",
            "future_image_en",
            "horizon_year",
            "target_state_ja",
            "target_state_en",
            "target_year",
        ]


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = [
            "parent",
            "code",
            "name_ja",
            "name_en",
            "summary_ja",
            "summary_en",
            "target_state_ja",
            "target_state_en",
            "target_year",
            "sort_order",
        ]
        help_texts = {"code": _("Short letters for the web address, e.g. green-industry.")}

    def __init__(self, *args: Any, city: City, **kwargs: Any):
        super().__init__(*args, **kwargs)
        qs = Theme.objects.filter(city=city)
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = qs  # type: ignore[attr-defined]

    def validate_unique(self) -> None:
        """Uniqueness per city is checked by the service."""


def parse_milestones(text: str) -> list[dict[str, str]]:
    """Parse "2025: 120, 2028: 100" into milestone dicts."""
    out = []
    for part in text.replace("、", ",").replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if ":" not in part and "：" not in part:
            raise forms.ValidationError(_("Write each milestone as year: value."))
        year, value = part.replace("：", ":").split(":", 1)
        out.append({"year": year.strip(), "value": value.strip()})
    return out


class KpiForm(forms.ModelForm):
    milestones_text = forms.CharField(
        label=_("Milestones"),
        required=False,
        help_text=_("Interim targets, e.g. 2026: 1200, 2028: 1000"),
    )
    provider_key = forms.ChoiceField(label=_("Provider"), required=False)

    class Meta:
        model = Kpi
        fields = [
            "theme",
            "code",
            "name_ja",
            "name_en",
            "description_ja",
            "description_en",
            "unit",
            "direction",
            "baseline_year",
            "baseline_value",
            "target_year",
            "target_value",
            "source",
            "provider_key",
            "owner",
            "owner_unit",
            "sort_order",
        ]

    def __init__(self, *args: Any, city: City, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(city=city)  # type: ignore[attr-defined]
        self.fields["owner"].queryset = _staff_users(city)  # type: ignore[attr-defined]
        self.fields["provider_key"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (p.key, f"{p.label} ({p.key})") for p in providers()
        ]
        if self.instance.pk and self.instance.milestones:
            self.fields["milestones_text"].initial = ", ".join(
                f"{m['year']}: {m['value']}" for m in self.instance.milestones
            )

    def clean_milestones_text(self) -> list[dict[str, str]]:
        return parse_milestones(self.cleaned_data.get("milestones_text") or "")

    def validate_unique(self) -> None:
        """Uniqueness per city is checked by the service."""

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["milestones"] = data.pop("milestones_text")
        return data


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = [
            "theme",
            "title_ja",
            "title_en",
            "description_ja",
            "description_en",
            "status",
            "owner",
            "owner_unit",
            "start_date",
            "end_date",
            "inputs",
            "activities",
            "outputs",
            "outcomes",
            "impact",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "inputs": forms.Textarea(attrs={"rows": 2}),
            "activities": forms.Textarea(attrs={"rows": 2}),
            "outputs": forms.Textarea(attrs={"rows": 2}),
            "outcomes": forms.Textarea(attrs={"rows": 2}),
            "impact": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, city: City, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(city=city)  # type: ignore[attr-defined]
        self.fields["owner"].queryset = _staff_users(city)  # type: ignore[attr-defined]


class ActualForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)
    month = forms.IntegerField(
        label=_("Month"), min_value=0, max_value=12, initial=0, help_text=_("0 for the whole year")
    )
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=4)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: kpi_code, year, value, note. Year may be 2024 or 2024-04."),
    )


class LinkForm(forms.Form):
    kpi = forms.ModelChoiceField(label=_("KPI"), queryset=Kpi.objects.none())
    expected_change = forms.DecimalField(
        label=_("Expected change"),
        max_digits=16,
        decimal_places=4,
        help_text=_("In the KPI's unit; negative for a decrease."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args: Any, city: City, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kpi"].queryset = Kpi.objects.filter(city=city)  # type: ignore[attr-defined]


class CostForm(forms.Form):
    year = forms.IntegerField(label=_("Fiscal year"), min_value=1900, max_value=2200)
    budget_yen = forms.DecimalField(label=_("Budget (yen)"), min_value=0, decimal_places=0)
    actual_yen = forms.DecimalField(
        label=_("Actual cost (yen)"), min_value=0, decimal_places=0, required=False
    )


class MilestoneForm(forms.Form):
    title_ja = forms.CharField(label=_("Milestone (Japanese)"), max_length=160)
    title_en = forms.CharField(label=_("Milestone (English)"), max_length=200, required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DATE)


class CommentForm(forms.Form):
    stance = forms.ChoiceField(
        label=_("Your view"), choices=Stance.choices, widget=forms.RadioSelect, initial="support"
    )
    body = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class RatingForm(forms.Form):
    axis = forms.ChoiceField(label=_("Perspective"), choices=Axis.choices)
    score = forms.TypedChoiceField(
        label=_("Score"),
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        widget=forms.RadioSelect,
    )
