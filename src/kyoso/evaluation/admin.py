from django.contrib import admin

from kyoso.core.admin_base import ReadOnlyAdmin
from kyoso.evaluation.models import PortfolioDecision, ReinvestmentPlan, Verification


@admin.register(Verification)
class VerificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "measure", "method", "status", "effect", "p_value", "city"]
    list_filter = ["city", "method", "status"]
    readonly_fields = ["result", "run_at", "created_at"]


@admin.register(PortfolioDecision)
class PortfolioDecisionAdmin(ReadOnlyAdmin):
    list_display = [
        "measure",
        "fiscal_year",
        "recommendation",
        "decision",
        "freed_budget_yen",
        "city",
    ]
    list_filter = ["city", "decision", "fiscal_year"]


@admin.register(ReinvestmentPlan)
class ReinvestmentPlanAdmin(ReadOnlyAdmin):
    list_display = ["measure", "amount_yen", "city", "created_at"]
    list_filter = ["city"]
