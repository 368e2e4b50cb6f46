"""Trustees for tests: the key ceremony and decryption run as the trustee tool would.

Secrets stay in a dict held by the test (as a trustee's file would stay on their computer).
"""

from __future__ import annotations

from typing import Any

from kyoso.commons.algorithms import election_trustee as et
from kyoso.commons.models import Decision
from kyoso.commons.selectors.decisions import ceremony_for
from kyoso.commons.services import decisions
from kyoso.core.models import City, User


class Committee:
    def __init__(self, city: City, decision: Decision, users: list[User]) -> None:
        self.city, self.decision, self.users = city, decision, users
        self.secrets: dict[int, dict[str, Any]] = {}

    def output(self, user: User, step: str) -> dict[str, Any]:
        self.decision.refresh_from_db()
        c = ceremony_for(self.decision, user)
        assert c is not None
        if step == "announce":
            self.secrets[user.pk], out = et.announce(c["election_id"], c["index"], c["threshold"])
            return out
        secret = self.secrets[user.pk]
        ann = {t["index"]: t["announce"] for t in c["trustees"]}
        deals = {t["index"]: t["deal"] for t in c["trustees"] if t["deal"]}
        if step == "deal":
            return et.deal(secret, ann)
        if step == "confirm":
            return et.confirm(secret, ann, deals, c["threshold"])
        return et.decrypt(secret, c["decrypt"]["ciphertexts"], c["decrypt"]["positions"])

    def step(self, user: User, step: str) -> None:
        out = self.output(user, step)
        decisions.trustee_submit(
            city=self.city, decision=self.decision, actor=user, step=step, message=out
        )

    def ceremony(self) -> Decision:
        for step in ("announce", "deal", "confirm"):
            for u in self.users:
                self.step(u, step)
        self.decision.refresh_from_db()
        return self.decision

    def decrypt(self, users: list[User] | None = None) -> Decision:
        for u in users or self.users[: self.decision.threshold]:
            self.step(u, "decrypt")
        self.decision.refresh_from_db()
        return self.decision
