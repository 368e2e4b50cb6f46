from django.urls import path

from kyoso.commons.views import budgeting, decisions, groups, home, points

urlpatterns = [
    path("", home.index, name="index"),
    # community points
    path("points/", points.my_points, name="points"),
    path("points/rewards/", points.reward_rules, name="reward_rules"),
    path("points/transparency/", points.transparency, name="transparency"),
    path("points/opt-in/", points.rewards_opt_in, name="rewards_opt_in"),
    path("points/leave/", points.rewards_leave, name="rewards_leave"),
    path("points/offers/<int:offer_id>/", points.offer_decide, name="offer_decide"),
    path("points/help/<int:request_id>/", points.help_respond, name="help_respond"),
    path("points/staff/", points.staff_points, name="staff_points"),
    path("pay/new/", points.payment_new, name="payment_new"),
    path("pay/<str:code>/", points.payment_confirm, name="payment_confirm"),
    path("pay/<str:code>/show/", points.payment_show, name="payment_show"),
    path("pay/<str:code>/status/", points.payment_status, name="payment_status"),
    path("pay/<str:code>/receipt/", points.payment_receipt, name="payment_receipt"),
    # decisions
    path("decisions/", decisions.decision_list, name="decisions"),
    path("decisions/new/", decisions.decision_new, name="decision_new"),
    path("decisions/<int:decision_id>/", decisions.decision_detail, name="decision_detail"),
    path("decisions/<int:decision_id>/vote/", decisions.decision_vote, name="decision_vote"),
    path(
        "decisions/<int:decision_id>/receipt/", decisions.decision_receipt, name="decision_receipt"
    ),
    path("decisions/<int:decision_id>/board/", decisions.decision_board, name="decision_board"),
    path("decisions/<int:decision_id>/record/", decisions.decision_record, name="decision_record"),
    path(
        "decisions/<int:decision_id>/trustee/", decisions.decision_trustee, name="decision_trustee"
    ),
    # groups
    path("groups/", groups.group_list, name="groups"),
    path("groups/new/", groups.group_new, name="group_new"),
    path("groups/<int:group_id>/", groups.group_detail, name="group_detail"),
    path("groups/<int:group_id>/do/", groups.group_action, name="group_action"),
    # participatory budgeting
    path("budget/", budgeting.pb_list, name="pb_list"),
    path("budget/import/", budgeting.pb_import, name="pb_import"),
    path("budget/<int:round_id>/", budgeting.pb_detail, name="pb_detail"),
    path("budget/<int:round_id>/vote/", budgeting.pb_vote, name="pb_vote"),
    path("budget/<int:round_id>/tally/", budgeting.pb_tally, name="pb_tally"),
    path("budget/<int:round_id>/export.pb", budgeting.pb_export, name="pb_export"),
]
