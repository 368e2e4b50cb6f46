"""Reads of the commons app: ``kyoso.commons.selectors.<name>``."""

from __future__ import annotations

from kyoso.commons.selectors.acceptance import measure_acceptance
from kyoso.commons.selectors.decisions import (
    DecisionCheck,
    board_of,
    ceremony_for,
    decision_check,
    decision_get,
    decisions_of,
    election_record,
    tracker_find,
    trustee_next_step,
    trustees_of,
)
from kyoso.commons.selectors.groups import (
    group_get,
    groups_search,
)
from kyoso.commons.selectors.ledger import (
    LedgerReport,
    account_of,
    balance_of,
    ledger_verify,
    lots_of,
    merchants_of,
    payment_request_get,
    transfers_of,
)
from kyoso.commons.selectors.transparency import (
    MyHours,
    PointsSummary,
    hours_of,
    points_summary,
)

__all__ = [
    "DecisionCheck",
    "LedgerReport",
    "MyHours",
    "PointsSummary",
    "account_of",
    "balance_of",
    "board_of",
    "ceremony_for",
    "decision_check",
    "decision_get",
    "decisions_of",
    "election_record",
    "group_get",
    "groups_search",
    "hours_of",
    "ledger_verify",
    "lots_of",
    "measure_acceptance",
    "merchants_of",
    "payment_request_get",
    "points_summary",
    "tracker_find",
    "transfers_of",
    "trustee_next_step",
    "trustees_of",
]
