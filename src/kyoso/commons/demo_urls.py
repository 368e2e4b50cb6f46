"""Ids of the demo city for commons' URL patterns (see ``kyoso.core.url_catalogue``)."""

from __future__ import annotations

from kyoso.commons.algorithms.election_ballot import tracker_code
from kyoso.commons.models import (
    BoardEntry,
    Decision,
    Group,
    HelpRequest,
    PaymentRequest,
    PbRound,
    RewardOffer,
)
from kyoso.core.models import City
from kyoso.core.url_catalogue import first_kwargs


def demo_url_kwargs(city: City) -> dict[str, dict[str, object]]:
    payment = first_kwargs(PaymentRequest.objects.filter(city=city), code="code")
    decision = first_kwargs(Decision.objects.filter(city=city), decision_id="pk")
    group = first_kwargs(Group.objects.filter(city=city), group_id="pk")
    budget = first_kwargs(PbRound.objects.filter(city=city), round_id="pk")
    kwargs: dict[str, dict[str, object]] = {
        "commons:offer_decide": first_kwargs(RewardOffer.objects.filter(city=city), offer_id="pk"),
        "commons:help_respond": first_kwargs(
            HelpRequest.objects.filter(city=city), request_id="pk"
        ),
        "api:tracker_lookup": _tracker(city),
        "api:get_payment_request": payment,
        "api:pay_payment_request": payment,
    }
    for name in ("payment_confirm", "payment_show", "payment_status", "payment_receipt"):
        kwargs[f"commons:{name}"] = payment
    for name in (
        "decision_detail",
        "decision_vote",
        "decision_receipt",
        "decision_board",
        "decision_record",
        "decision_trustee",
    ):
        kwargs[f"commons:{name}"] = decision
    for name in ("get_decision", "decision_board", "decision_record", "cast_ballot"):
        kwargs[f"api:{name}"] = decision
    for name in ("group_detail", "group_action"):
        kwargs[f"commons:{name}"] = group
    for name in ("get_group", "join_group", "leave_group"):
        kwargs[f"api:{name}"] = group
    for name in ("pb_detail", "pb_vote", "pb_tally", "pb_export"):
        kwargs[f"commons:{name}"] = budget
    for name in ("get_budget", "budget_ballot", "budget_export"):
        kwargs[f"api:{name}"] = budget
    return kwargs


def _tracker(city: City) -> dict[str, object]:
    """The first ballot on a demo board, by the tracking code its voter was given."""
    entry = BoardEntry.objects.filter(city=city).order_by("decision_id", "seq").first()
    if entry is None:
        return {}
    return {"decision_id": entry.decision_id, "code": tracker_code(entry.tracker)}
