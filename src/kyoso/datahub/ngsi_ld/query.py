"""The NGSI-LD query language (``q``, GS CIM 009 §4.9) parsed into a predicate on stored entities.

Supported: ``;`` (and), ``|`` (or), parentheses, ``==  !=  >  >=  <  <=  =~  !~=``, a bare
attribute (it exists), values that are numbers, ``"strings"``, ``true``/``false``, date-times,
ranges ``a..b`` and lists ``a,b,c``; a path ``attr.sub`` reads a sub-attribute (``observedAt``,
``unitCode`` or a property of a property) and ``attr[key]`` a member of an object value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kyoso.datahub.ngsi_ld.context import ATTRIBUTE_MEMBERS, Context
from kyoso.datahub.ngsi_ld.entity import VALUE_MEMBER
from kyoso.datahub.ngsi_ld.errors import BadRequestData

Attrs = dict[str, dict[str, Any]]
Predicate = Callable[[Attrs], bool]
_OPS = ("==", "!=", ">=", "<=", "!~=", "=~", ">", "<")
MAX_Q = 1000
_collect: ContextVar[set[str] | None] = ContextVar("_collect", default=None)


@dataclass(frozen=True, slots=True)
class _Path:
    attr: str  # IRI
    sub: tuple[str, ...]  # sub-attribute names (core members as is, others IRIs)
    keys: tuple[str, ...]  # [key] members inside an object value


def _parse_path(text: str, context: Context) -> _Path:
    match = re.fullmatch(r"([^\[\]\s<>\"'=;()\\]+)((?:\[[^\[\]]+\])*)", text.strip())
    if not match:
        raise BadRequestData(f"q: bad attribute path {text!r}")
    head, brackets = match.groups()
    parts = head.split(".")
    if not all(parts):
        raise BadRequestData(f"q: bad attribute path {text!r}")
    keys = tuple(re.findall(r"\[([^\[\]]+)\]", brackets))
    subs = tuple(p if p in ATTRIBUTE_MEMBERS else context.expand(p) for p in parts[1:])
    attr = context.expand(parts[0])
    seen = _collect.get()
    if seen is not None:
        seen.add(attr)
    return _Path(attr, subs, keys)


_MISSING = object()


def _resolve(attrs: Attrs, path: _Path) -> Any:
    node: Any = attrs.get(path.attr)
    if node is None:
        return _MISSING
    for name in path.sub:
        if not isinstance(node, dict) or name not in node:
            return _MISSING
        node = node[name]
    if isinstance(node, dict) and "type" in node and node.get("type") in VALUE_MEMBER:
        node = node.get(VALUE_MEMBER[node["type"]])
    for key in path.keys:
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    return node


def _literal(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    if text == "true":
        return True
    if text == "false":
        return False
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            return moment
    except ValueError:
        pass
    return text  # an unquoted string (URIs are often given so)


def _comparable(value: Any, like: Any) -> Any:
    if isinstance(like, datetime) and isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return _MISSING
    if isinstance(value, dict) and "@value" in value:
        return _comparable(value["@value"], like)
    return value


def _compare(value: Any, op: str, target: Any) -> bool:
    if value is _MISSING:
        return False
    if isinstance(value, list) and op in ("==", "!="):
        hit = any(_compare(v, "==", target) for v in value)
        return hit if op == "==" else not hit
    if isinstance(target, tuple):  # a range
        low, high = target
        v = _comparable(value, low)
        try:
            inside = bool(low <= v <= high)
        except TypeError:
            inside = False
        return inside if op == "==" else not inside
    if isinstance(target, list):
        hit = any(_compare(value, "==", t) for t in target)
        return hit if op == "==" else not hit
    v = _comparable(value, target)
    if v is _MISSING:
        return False
    if isinstance(v, bool) != isinstance(target, bool):
        return op == "!="
    try:
        if op == "==":
            return bool(v == target)
        if op == "!=":
            return bool(v != target)
        if op == ">":
            return bool(v > target)
        if op == ">=":
            return bool(v >= target)
        if op == "<":
            return bool(v < target)
        if op == "<=":
            return bool(v <= target)
    except TypeError:
        return False
    return False


def _term(text: str, context: Context) -> Predicate:
    for op in _OPS:
        index = _find_op(text, op)
        if index >= 0:
            return _condition(_parse_path(text[:index], context), op, text[index + len(op) :])
    path = _parse_path(text, context)
    return lambda attrs: _resolve(attrs, path) is not _MISSING


def _condition(path: _Path, op: str, raw: str) -> Predicate:
    if not raw.strip():
        raise BadRequestData(f"q: a value is missing after {op}")
    if op in ("=~", "!~="):
        try:
            pattern = re.compile(_literal(raw) if raw.startswith('"') else raw)
        except re.error:
            raise BadRequestData(f"q: bad regular expression {raw!r}") from None
        negate = op == "!~="

        def match(attrs: Attrs) -> bool:
            value = _resolve(attrs, path)
            hit = isinstance(value, str) and pattern.search(value) is not None
            return hit != negate

        return match
    target: Any
    if ".." in raw and not raw.startswith('"'):
        low, _, high = raw.partition("..")
        target = (_literal(low), _literal(high))
    elif "," in raw and not (raw.startswith('"') and raw.endswith('"') and raw.count('"') == 2):
        target = [_literal(part) for part in _split_list(raw)]
    else:
        target = _literal(raw)
    return lambda attrs: _compare(_resolve(attrs, path), op, target)


def _split_list(raw: str) -> list[str]:
    out, current, quoted = [], "", False
    for ch in raw:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            out.append(current)
            current = ""
        else:
            current += ch
    out.append(current)
    return out


def _find_op(text: str, op: str) -> int:
    quoted = False
    for i in range(len(text)):
        if text[i] == '"':
            quoted = not quoted
        if not quoted and text.startswith(op, i):
            # ">" must not be the start of ">=", "=~" not part of "!~="
            if op in (">", "<") and text.startswith("=", i + 1):
                continue
            if op == "=~" and i > 0 and text[i - 1] == "~":
                continue
            return i
    return -1


def parse_q(q: str, context: Context) -> Predicate:
    """Return a predicate on an entity's stored attributes; raise BadRequestData if ``q`` is bad."""
    if len(q) > MAX_Q:
        raise BadRequestData(f"q is longer than {MAX_Q} characters")
    text = q.strip()
    if not text:
        raise BadRequestData("q is empty")
    predicate, rest = _expression(text, 0, context)
    if rest != len(text):
        raise BadRequestData(f"q: unexpected {text[rest:]!r}")
    return predicate


def _expression(text: str, i: int, context: Context) -> tuple[Predicate, int]:
    """Parse ``term (op term)*`` where op is ``;`` or ``|`` (``;`` binds tighter)."""
    ors: list[list[Predicate]] = [[]]
    while True:
        if i < len(text) and text[i] == "(":
            inner, i = _expression(text, i + 1, context)
            if i >= len(text) or text[i] != ")":
                raise BadRequestData("q: missing )")
            i += 1
            ors[-1].append(inner)
        else:
            j, quoted = i, False
            while j < len(text):
                ch = text[j]
                if ch == '"':
                    quoted = not quoted
                elif not quoted and ch in ";|)":
                    break
                j += 1
            if j == i:
                raise BadRequestData(f"q: expected a condition at position {i}")
            ors[-1].append(_term(text[i:j], context))
            i = j
        if i >= len(text) or text[i] == ")":
            break
        if text[i] == "|":
            ors.append([])
        i += 1
    groups = [list(g) for g in ors]

    def evaluate(attrs: Attrs) -> bool:
        return any(all(p(attrs) for p in group) for group in groups)

    return evaluate, i


def prefilter_conditions(q: str, context: Context) -> list[tuple[str, str, Any]]:
    """Return ``(attribute IRI, op, literal)`` of the top-level conditions of an and-only ``q``
    that compare an attribute's value with a number or a string, for a database to narrow the
    candidates first (the predicate of ``parse_q`` stays the judge)."""
    text = q.strip()
    if "|" in text or "(" in text:
        return []
    out = []
    for part in text.split(";"):
        for op in ("==", ">=", "<=", ">", "<"):
            index = _find_op(part, op)
            if index < 0:
                continue
            path = _parse_path(part[:index], context)
            raw = part[index + len(op) :]
            target = _literal(raw) if ".." not in raw and "," not in raw else None
            numeric = isinstance(target, int | float) and not isinstance(target, bool)
            if (
                not path.sub
                and not path.keys
                and (numeric or (op == "==" and isinstance(target, str)))
            ):
                out.append((path.attr, op, target))
            break
    return out


def q_attributes(q: str, context: Context) -> set[str]:
    """Return the IRIs of the attributes ``q`` reads (all a predicate needs of an entity)."""
    seen: set[str] = set()
    token = _collect.set(seen)
    try:
        parse_q(q, context)
    finally:
        _collect.reset(token)
    return seen
