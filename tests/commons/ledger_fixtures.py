"""Helpers shared by the ledger tests: a small economy with funded citizen accounts."""

from __future__ import annotations

from dataclasses import dataclass

from kyoso.commons.models import AccountKind, LedgerAccount
from kyoso.commons.services import ledger
from kyoso.core.models import City
from tests.core.factories import MembershipFactory


@dataclass
class Economy:
    issuer: LedgerAccount
    treasury: LedgerAccount
    people: list[LedgerAccount]


def economy(city: City, *, people: int = 3, funds: int = 1000) -> Economy:
    issuer = ledger.system_account(city=city, kind=AccountKind.ISSUER)
    treasury = ledger.system_account(city=city, kind=AccountKind.TREASURY)
    ledger.transfer_create(
        city=city, debit=issuer, credit=treasury, amount=funds * people * 10,
        idempotency_key="seed-issue", kind="issue",
    )  # fmt: skip
    accounts = []
    for n in range(people):
        user = MembershipFactory(city=city).user
        account = ledger.account_open(city=city, user=user)
        ledger.transfer_create(
            city=city, debit=treasury, credit=account, amount=funds,
            idempotency_key=f"seed-{n}", kind="reward",
        )  # fmt: skip
        accounts.append(account)
    ledger.journal_seal(city=city)
    return Economy(issuer, treasury, accounts)
