from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "kyoso.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from kyoso.core.registry import (
            KPI_STATUSES,
            MEASURE_SECTIONS,
            KpiStatusSource,
            Module,
            PageSection,
            register_module,
        )
        from kyoso.evaluation.acceptance import register_acceptance_source

        register_acceptance_source(
            "vision",
            _("共感, comments and ratings"),
            "kyoso.evaluation.acceptance.vision_acceptance",
        )
        # What vision's pages show of evaluation, without vision importing evaluation.
        KPI_STATUSES.register(
            "evaluation",
            KpiStatusSource("evaluation", "kyoso.evaluation.selectors.kpi_statuses"),
        )
        MEASURE_SECTIONS.register(
            "evaluation",
            PageSection("evaluation", "kyoso.evaluation.sections.measure_section", order=10),
        )
        register_module(
            Module(
                app_label=self.label,
                label=_("Results"),
                url_name="evaluation:index",
                description=_(
                    "How our KPIs are doing, what the measures achieved, and what we decided."
                ),
                order=15,
                staff_links=(
                    (_("Portfolio review"), "evaluation:portfolio"),
                    (_("New effect verification"), "evaluation:verification_new"),
                ),
            )
        )
