"""Reads of the voice app: ``kyoso.voice.selectors.<name>``."""

from __future__ import annotations

from kyoso.voice.selectors.acceptance import measure_acceptance
from kyoso.voice.selectors.conversations import (
    GroupView,
    MapView,
    conversation_get,
    conversations_list,
    groups_of,
    map_view,
    my_votes,
    next_statement,
    participant_of,
    pending_statements,
    polis_export,
    project_votes,
    statements_count,
)
from kyoso.voice.selectors.dashboard import (
    Dashboard,
    listening_dashboard,
)
from kyoso.voice.selectors.proposals import (
    ViewerState,
    comment_tree,
    proposal_get,
    proposals_list,
    proposals_of,
    proposals_overdue,
    proposals_similar,
    theme_suggest,
    viewer_state,
)
from kyoso.voice.selectors.reports import (
    open311_requests,
    reports_for_map,
    reports_list,
    reports_of,
    services_of,
)
from kyoso.voice.selectors.workshops import (
    ideas_of,
    is_registered,
    registrations_of,
    summary_view,
    workshop_get,
    workshops_list,
)

__all__ = [
    "Dashboard",
    "GroupView",
    "MapView",
    "ViewerState",
    "comment_tree",
    "conversation_get",
    "conversations_list",
    "groups_of",
    "ideas_of",
    "is_registered",
    "listening_dashboard",
    "map_view",
    "measure_acceptance",
    "my_votes",
    "next_statement",
    "open311_requests",
    "participant_of",
    "pending_statements",
    "polis_export",
    "project_votes",
    "proposal_get",
    "proposals_list",
    "proposals_of",
    "proposals_overdue",
    "proposals_similar",
    "registrations_of",
    "reports_for_map",
    "reports_list",
    "reports_of",
    "services_of",
    "statements_count",
    "summary_view",
    "theme_suggest",
    "viewer_state",
    "workshop_get",
    "workshops_list",
]
