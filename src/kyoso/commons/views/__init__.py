"""Pages of the commons app."""

from __future__ import annotations

from kyoso.commons.views.budgeting import (
    pb_detail,
    pb_export,
    pb_import,
    pb_list,
    pb_tally,
    pb_vote,
)
from kyoso.commons.views.decisions import (
    ballot_from_form,
    decision_board,
    decision_detail,
    decision_list,
    decision_new,
    decision_receipt,
    decision_vote,
)
from kyoso.commons.views.groups import (
    group_action,
    group_detail,
    group_list,
    group_new,
)
from kyoso.commons.views.home import (
    home_section,
    index,
    mypage_section,
)
from kyoso.commons.views.points import (
    help_respond,
    my_points,
    offer_decide,
    payment_confirm,
    payment_new,
    payment_receipt,
    payment_show,
    payment_status,
    reward_rules,
    rewards_leave,
    rewards_opt_in,
    staff_points,
    transparency,
)

__all__ = [
    "ballot_from_form",
    "decision_board",
    "decision_detail",
    "decision_list",
    "decision_new",
    "decision_receipt",
    "decision_vote",
    "group_action",
    "group_detail",
    "group_list",
    "group_new",
    "help_respond",
    "home_section",
    "index",
    "my_points",
    "mypage_section",
    "offer_decide",
    "payment_confirm",
    "payment_new",
    "payment_receipt",
    "payment_show",
    "payment_status",
    "pb_detail",
    "pb_export",
    "pb_import",
    "pb_list",
    "pb_tally",
    "pb_vote",
    "reward_rules",
    "rewards_leave",
    "rewards_opt_in",
    "staff_points",
    "transparency",
]
