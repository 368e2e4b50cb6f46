"""URLs of voice: pages under /<city_slug>/voice/, Open311 per city and at /open311/v2/."""

from __future__ import annotations

from django.urls import path

from kyoso.voice import open311
from kyoso.voice.views import conversations, home, moderation, proposals, reports, workshops

urlpatterns = [
    path("", home.index, name="index"),
    path("dashboard/", home.dashboard, name="dashboard"),
    path("proposals/", proposals.proposal_list, name="proposals"),
    path("proposals/new/", proposals.proposal_new, name="proposal_new"),
    path("proposals/similar/", proposals.proposal_similar, name="proposal_similar"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/support/", proposals.proposal_support, name="proposal_support"),
    path("proposals/<int:pk>/follow/", proposals.proposal_follow, name="proposal_follow"),
    path("proposals/<int:pk>/respond/", proposals.proposal_respond, name="proposal_respond"),
    path(
        "proposals/<int:pk>/measures/",
        proposals.proposal_link_measure,
        name="proposal_link_measure",
    ),
    path("proposals/<int:pk>/comments/", proposals.comment_create, name="comment_new"),
    path("comments/<int:comment_id>/edit/", proposals.comment_edit, name="comment_edit"),
    path("reports/", reports.reports_map, name="reports"),
    path("reports/points.geojson", reports.reports_points, name="reports_points"),
    path("reports/new/", reports.report_new, name="report_new"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("staff/reports/", reports.staff_reports, name="staff_reports"),
    path("staff/reports/<int:pk>/", reports.staff_report_update, name="staff_report_update"),
    path("staff/open311-clients/", reports.open311_client_new, name="open311_client_new"),
    path("conversations/", conversations.conversation_list, name="conversations"),
    path("conversations/new/", conversations.conversation_new, name="conversation_new"),
    path("conversations/<int:pk>/", conversations.conversation_detail, name="conversation"),
    path("conversations/<int:pk>/vote/", conversations.conversation_vote, name="conversation_vote"),
    path("conversations/<int:pk>/statements/", conversations.statement_new, name="statement_new"),
    path("conversations/<int:pk>/map/", conversations.conversation_map, name="conversation_map"),
    path(
        "conversations/<int:pk>/open/",
        conversations.conversation_toggle,
        name="conversation_toggle",
    ),
    path(
        "conversations/<int:pk>/import/",
        conversations.conversation_import,
        name="conversation_import",
    ),
    path(
        "conversations/<int:pk>/export/<str:name>",
        conversations.conversation_export,
        name="conversation_export",
    ),
    path("workshops/", workshops.workshop_list, name="workshops"),
    path("workshops/new/", workshops.workshop_new, name="workshop_new"),
    path("workshops/<int:pk>/", workshops.workshop_detail, name="workshop"),
    path("workshops/<int:pk>/register/", workshops.workshop_register, name="workshop_register"),
    path("workshops/<int:pk>/ideas/", workshops.idea_new, name="idea_new"),
    path("workshops/<int:pk>/ideas/<int:idea_id>/vote/", workshops.idea_vote, name="idea_vote"),
    path("workshops/<int:pk>/summarize/", workshops.workshop_summarize, name="workshop_summarize"),
    path("workshops/<int:pk>/summary/", workshops.workshop_summary, name="workshop_summary"),
    path("workshops/<int:pk>/ideas.csv", workshops.workshop_csv, name="workshop_csv"),
    path("moderation/", moderation.queue, name="moderation"),
    path("moderation/flag/", moderation.flag, name="flag"),
    path("moderation/act/", moderation.act, name="moderate"),
    path("moderation/appeal/", moderation.appeal, name="appeal"),
]

city_urlpatterns = open311.patterns("open311/v2/", "voice_open311_city_")
root_urlpatterns = open311.patterns("open311/v2/", "voice_open311_")
