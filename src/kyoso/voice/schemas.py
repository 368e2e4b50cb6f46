"""API schemas of voice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class ProposalOut(Schema):
    id: int
    title: str
    body: str
    theme_code: str
    district: str | None = Field(None, alias="district.code")
    lat: float | None
    lon: float | None
    public_name: str
    status: str
    support_count: int
    is_proxy: bool
    response_due_at: datetime | None
    created_at: datetime


class ProposalIn(Schema):
    title: str = Field(..., min_length=1, max_length=120)
    body: str = Field(..., min_length=1, max_length=5000)
    theme_code: str = Field("", max_length=40)
    district: str = Field("", max_length=40, description="District code")
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    pseudonym: str = Field("", max_length=60)


class ResponseIn(Schema):
    status: str = Field(..., pattern="^(under_review|accepted|in_progress|done|declined)$")
    text: str = Field("", max_length=5000)


class ResponseOut(Schema):
    id: int
    status: str
    text: str
    created_at: datetime


class CommentIn(Schema):
    body: str = Field(..., min_length=1, max_length=2000)
    parent: int | None = Field(None, ge=1, le=2**62)
    pseudonym: str = Field("", max_length=60)


class CommentOut(Schema):
    id: int
    parent_id: int | None
    public_name: str
    body: str
    is_hidden: bool
    created_at: datetime
    edited_at: datetime | None


class ConversationOut(Schema):
    id: int
    title: str
    question: str
    moderation: str
    is_open: bool
    participant_count: int
    vote_count: int
    map_computed_at: datetime | None


class StatementOut(Schema):
    id: int
    text: str
    is_seed: bool
    status: str


class StatementIn(Schema):
    text: str = Field(..., min_length=1, max_length=280)


class VoteIn(Schema):
    statement: int = Field(..., ge=1, le=2**62)
    value: int = Field(..., ge=-1, le=1, description="agree = 1, pass = 0, disagree = -1")


class VoteOut(Schema):
    statement: int
    value: int
    point: list[float] | None = Field(None, description="Your (x, y) on the current map")


class MapOut(Schema):
    computed_at: datetime
    n_participants: int
    groups: list[dict[str, Any]]
    consensus: list[dict[str, Any]]
    points: list[list[float]]


class WorkshopOut(Schema):
    id: int
    title: str
    description: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    registration_open: bool
    accessibility_notes: str
    theme_code: str
    summary: dict[str, Any]


class IdeaOut(Schema):
    id: int
    text: str
    vote_count: int
    is_proxy: bool
