"""Staff's forms of the open-data catalogue."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kyoso.core.registry import DATA_GENERATORS
from kyoso.datahub.models import Access, Licence, ResourceFormat, UpdateFrequency


class DatasetForm(forms.Form):
    slug = forms.SlugField(label=_("name in URLs"), max_length=100)
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(label=_("description"), widget=forms.Textarea, required=False)
    licence = forms.ChoiceField(label=_("licence"), choices=Licence.choices)
    update_frequency = forms.ChoiceField(
        label=_("update frequency"), choices=UpdateFrequency.choices, initial="MONTHLY"
    )
    keywords = forms.CharField(
        label=_("keywords"), required=False, help_text=_("Separate words with commas.")
    )
    access = forms.ChoiceField(label=_("access"), choices=Access.choices)
    derived_from_people = forms.BooleanField(label=_("derived from people"), required=False)
    min_cell_size = forms.IntegerField(label=_("minimum cell size"), min_value=2, initial=10)
    generator = forms.ChoiceField(label=_("generated from"), choices=())
    format = forms.ChoiceField(label=_("format"), choices=ResourceFormat.choices)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["generator"].choices = [  # type: ignore[attr-defined]
            (g.key, g.label) for g in DATA_GENERATORS.entries()
        ]
