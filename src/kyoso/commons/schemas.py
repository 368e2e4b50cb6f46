"""API schemas of the commons app."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class GroupOut(Schema):
    id: int
    name: str
    purpose: str
    theme: str
    district: str | None = Field(None, alias="district.code")
    is_open: bool
    created_at: datetime


class GroupRoleOut(Schema):
    id: int
    title: str
    skill: str
    places: int


class GroupDetailOut(GroupOut):
    roles: list[GroupRoleOut]
    member_count: int


class JoinIn(Schema):
    role_id: int | None = Field(None, ge=1, le=2**62)


class DecisionOut(Schema):
    id: int
    title: str
    description: str
    method: str
    electorate: str
    options: list[str]
    opens_at: datetime
    closes_at: datetime
    quorum: int
    board_id: str
    board_length: int
    board_head: str
    threshold: int
    public_key: str


class ResultOut(Schema):
    board_ok: bool
    problems: list[str]
    ballots: int
    quorum_met: bool
    decrypted: bool
    winners: list[str]
    ranking: list[str]
    tallies: dict[str, Any]
    tie_break: str
    seed: str


class DecisionDetailOut(DecisionOut):
    result: ResultOut | None = None


class BoardEntryOut(Schema):
    seq: int
    tracker: str
    ballot: str
    prev_hash: str
    hash: str


class TrackerOut(Schema):
    status: str = Field(..., description="board (sealed onto the board) or pending (next batch)")
    entry: BoardEntryOut | None = None


class BallotIn(Schema):
    ballot: dict[str, Any] | None = Field(
        None,
        description='plain choices, encrypted by the server in memory: plurality {"choice": name}, '
        'approval {"approve": [names]}, score {"scores": {name: n}}, quadratic {"votes": '
        '{name: n}}, ranked {"ranking": [names]}; {} abstains',
    )
    encrypted: dict[str, Any] | None = Field(
        None,
        description="or a ballot encrypted by your own software (election_ballot.encrypt_ballot "
        "under the decision's public_key); its proofs are checked",
    )


class ReceiptOut(Schema):
    code: str = Field(..., description="The short tracking code of the ballot.")
    receipt: dict[str, Any] = Field(
        ..., description="kyoso-ballot-receipt/1, signed with the board key: keep it."
    )


class PbProjectOut(Schema):
    code: str
    title: str
    cost: int


class PbRoundOut(Schema):
    id: int
    title: str
    budget: int
    ballot_type: str
    rule: str
    points_per_voter: int
    max_choices: int
    opens_at: datetime
    closes_at: datetime
    result: dict[str, Any]


class PbRoundDetailOut(PbRoundOut):
    projects: list[PbProjectOut]


class PbBallotIn(Schema):
    choices: dict[str, int] = Field(..., description="project id → points (1 for approval)")


class BalanceOut(Schema):
    account_id: int | None
    balance: int
    available: int


class TransferOut(Schema):
    id: int
    seq: int | None = Field(None, description="Place in the hash chain; null until sealed.")
    debit_account: int = Field(..., alias="debit_account_id")
    credit_account: int = Field(..., alias="credit_account_id")
    amount: int
    kind: str
    status: str
    memo: str
    idempotency_key: str
    created_at: datetime
    hash: str


class GiftIn(Schema):
    to_account: int = Field(..., ge=1, le=2**62)
    amount: int = Field(..., gt=0, le=1_000_000)
    memo: str = Field("", max_length=200)
    idempotency_key: str | None = Field(
        None, min_length=1, max_length=80, description="or the Idempotency-Key header"
    )


class PaymentRequestIn(Schema):
    amount: int = Field(..., gt=0, le=1_000_000)
    memo: str = Field("", max_length=120)


class PaymentRequestOut(Schema):
    code: str
    amount: int
    memo: str
    status: str
    merchant: str = Field(..., alias="merchant.name")
    expires_at: datetime
    transfer_seq: int | None = Field(None, alias="transfer.seq")


class SummaryOut(Schema):
    issued: int
    rewarded: int
    paid_to_shops: int
    redeemed: int
    expired: int
    outstanding: int
    treasury: int


class RewardRuleOut(Schema):
    code: str
    name: str
    reason: str
    points: int
    theme: str
