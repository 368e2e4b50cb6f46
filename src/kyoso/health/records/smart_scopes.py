"""SMART on FHIR scopes: ``patient/Observation.rs``, ``user/*.read``, ``launch/patient``, …

Both the v1 (``read``/``write``/``*``) and v2 (``cruds`` letters) forms are understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCOPE_RE = re.compile(r"^(patient|user|system)/(\*|[A-Z][A-Za-z]+)\.(read|write|\*|[cruds]+)$")
OTHER_SCOPES = frozenset({"openid", "fhirUser", "launch/patient", "offline_access", "profile"})


@dataclass(frozen=True)
class ResourceScope:
    context: str  # patient or user
    resource_type: str  # or "*"
    actions: frozenset[str]  # subset of c r u d s


def parse(scope_text: str) -> tuple[list[ResourceScope], list[str]]:
    """Return the resource scopes and the other scopes; ValueError names an unknown scope."""
    resource_scopes: list[ResourceScope] = []
    others: list[str] = []
    for raw in scope_text.split():
        if raw in OTHER_SCOPES:
            others.append(raw)
            continue
        match = SCOPE_RE.match(raw)
        if not match or match.group(1) == "system":
            raise ValueError(f"unsupported scope {raw!r}")
        context, kind, perm = match.groups()
        actions = {"read": "rs", "write": "cud", "*": "cruds"}.get(perm, perm)
        resource_scopes.append(ResourceScope(context, kind, frozenset(actions)))
    return resource_scopes, others


def allows(
    scopes: list[ResourceScope], *, resource_type: str, action: str, context: str | None = None
) -> bool:
    """Return whether a scope permits ``action`` (c, r, u, d or s) on ``resource_type``."""
    return any(
        s.resource_type in ("*", resource_type)
        and action in s.actions
        and (context is None or s.context == context)
        for s in scopes
    )
