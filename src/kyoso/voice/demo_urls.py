"""Ids of the demo city for voice's URL patterns (see ``kyoso.core.url_catalogue``)."""

from __future__ import annotations

from kyoso.core.models import City
from kyoso.core.url_catalogue import first_kwargs
from kyoso.voice.models import (
    Comment,
    Conversation,
    Idea,
    Proposal,
    Report,
    ServiceType,
    Workshop,
)


def demo_url_kwargs(city: City) -> dict[str, dict[str, object]]:
    proposals = Proposal.objects.filter(city=city)
    proposal = first_kwargs(proposals, pk="pk")
    conversations = Conversation.objects.filter(city=city)
    conversation = first_kwargs(conversations, pk="pk")
    workshops = Workshop.objects.filter(city=city)
    workshop = first_kwargs(workshops, pk="pk")
    idea = first_kwargs(Idea.objects.filter(city=city), pk="workshop_id", idea_id="pk")
    report = first_kwargs(Report.objects.filter(city=city, is_hidden=False), pk="pk")
    open311_report = first_kwargs(
        Report.objects.filter(city=city, is_hidden=False),
        request_id="pk",
        token="token",  # noqa: S106
    )
    service = first_kwargs(ServiceType.objects.filter(city=city), code="code")
    open311 = {
        "voice_open311_service": service,
        "voice_open311_request": {"request_id": open311_report.get("request_id", "")},
        "voice_open311_token": {"token": open311_report.get("token", "")},
    }
    kwargs: dict[str, dict[str, object]] = {
        **{name.replace("open311_", "open311_city_"): v for name, v in open311.items()},
        **open311,
        "voice:comment_edit": first_kwargs(Comment.objects.filter(city=city), comment_id="pk"),
        "voice:report": report,
        "voice:staff_report_update": report,
        "voice:conversation_export": {**conversation, "name": "comments.csv"},
        "voice:idea_vote": idea,
        "api:get_proposal": first_kwargs(proposals, proposal_id="pk"),
        "api:get_conversation": first_kwargs(conversations, conversation_id="pk"),
        "api:list_ideas": first_kwargs(workshops, workshop_id="pk"),
    }
    for name in ("proposal", "proposal_support", "proposal_follow", "proposal_respond",
                 "proposal_link_measure", "comment_new"):  # fmt: skip
        kwargs[f"voice:{name}"] = proposal
    for name in ("conversation", "conversation_vote", "statement_new", "conversation_map",
                 "conversation_toggle", "conversation_import"):  # fmt: skip
        kwargs[f"voice:{name}"] = conversation
    for name in ("workshop", "workshop_register", "idea_new", "workshop_summarize",
                 "workshop_summary", "workshop_csv"):  # fmt: skip
        kwargs[f"voice:{name}"] = workshop
    for name in ("support_proposal", "withdraw_support", "respond_proposal", "list_comments",
                 "create_comment"):  # fmt: skip
        kwargs[f"api:{name}"] = kwargs["api:get_proposal"]
    for name in ("list_statements", "add_statement", "cast_vote", "get_map"):
        kwargs[f"api:{name}"] = kwargs["api:get_conversation"]
    kwargs["api:register_workshop"] = kwargs["api:list_ideas"]
    return kwargs
