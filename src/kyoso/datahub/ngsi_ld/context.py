"""JSON-LD @context for NGSI-LD without the network: term ↔ IRI maps from vendored files.

NGSI-LD names attributes and types by IRI; a request's @context (a ``Link`` header or an
``@context`` member) says which IRI a short name stands for. Kyoso never fetches a context: it
knows the NGSI-LD core context and the Smart Data Models subject contexts it ships in
``contexts/`` (see SOURCE.md there), and answers ``LdContextNotAvailable`` for any other URL.
Inline contexts (objects) are used as given. Only term definitions are read (``@id`` of a term,
compact IRIs with a prefix); that is all NGSI-LD needs to name attributes and types.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kyoso.datahub.ngsi_ld.errors import BadRequestData, LdContextNotAvailable

CONTEXT_DIR = Path(__file__).with_name("contexts")
CORE_CONTEXT_URL = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"
DEFAULT_VOCAB = "https://uri.etsi.org/ngsi-ld/default-context/"
NGSI_LD = "https://uri.etsi.org/ngsi-ld/"
JSONLD_REL = "http://www.w3.org/ns/json-ld#context"
SDM_SUBJECTS = (
    "Environment",
    "GreenEnergy",
    "KeyPerformanceIndicator",
    "Parking",
    "Streetlighting",
    "Transportation",
    "Weather",
)


def _known_urls() -> dict[str, str]:
    urls = {
        CORE_CONTEXT_URL: "ngsi-ld-core-context-v1.8.jsonld",
        "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld": (
            "ngsi-ld-core-context-v1.8.jsonld"
        ),
        "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld": (
            "ngsi-ld-core-context-v1.9.jsonld"
        ),
    }
    for subject in SDM_SUBJECTS:
        name = f"sdm-{subject}.jsonld"
        repo = f"smart-data-models/dataModel.{subject}"
        urls[f"https://raw.githubusercontent.com/{repo}/master/context.jsonld"] = name
        urls[f"https://smart-data-models.github.io/dataModel.{subject}/context.jsonld"] = name
    return urls


KNOWN_CONTEXTS = _known_urls()
# Members of an entity and of an attribute that NGSI-LD defines itself: never expanded.
ENTITY_MEMBERS = frozenset(
    {"id", "type", "@context", "scope", "createdAt", "modifiedAt", "deletedAt"}
)
ATTRIBUTE_MEMBERS = frozenset(
    {
        "type",
        "value",
        "object",
        "observedAt",
        "unitCode",
        "datasetId",
        "languageMap",
        "vocab",
        "json",
        "valueList",
        "objectList",
        "createdAt",
        "modifiedAt",
        "instanceId",
        "lang",
    }
)


@cache
def _document_terms(url: str) -> dict[str, str]:
    name = KNOWN_CONTEXTS.get(url)
    if name is None:
        raise LdContextNotAvailable(
            f"@context {url} is not one Kyoso holds offline (it never fetches one); "
            "use the NGSI-LD core context, a Smart Data Models subject context or an inline "
            "@context object"
        )
    document = json.loads((CONTEXT_DIR / name).read_text(encoding="utf-8"))
    return _terms_of(document.get("@context", {}))


def _terms_of(context: Any) -> dict[str, str]:
    if isinstance(context, str):
        return _document_terms(context)
    if isinstance(context, list):
        merged: dict[str, str] = {}
        for item in context:
            merged.update(_terms_of(item))
        return merged
    if not isinstance(context, dict):
        raise BadRequestData("@context must be a URL, an object or a list of them")
    raw: dict[str, str] = {}
    for term, definition in context.items():
        if term.startswith("@"):
            continue
        if isinstance(definition, dict):
            definition = definition.get("@id", term if ":" in term else None)
        if isinstance(definition, str) and not definition.startswith("@"):
            raw[term] = definition
    # Resolve compact IRIs (``ngsi-ld:location``) against prefixes of the same context.
    resolved = {}
    for term, iri in raw.items():
        prefix, sep, suffix = iri.partition(":")
        if sep and not suffix.startswith("//") and prefix in raw:
            iri = raw[prefix] + suffix
        resolved[term] = iri
    return resolved


@dataclass(frozen=True)
class Context:
    """Terms of the core context plus those of the request's own @context."""

    terms: dict[str, str]
    reverse: dict[str, str]
    source: tuple[str, ...] | None  # the @context to hand back (URLs), None if inline

    def expand(self, term: str) -> str:
        iri = self.terms.get(term)
        if iri is not None:
            return iri
        prefix, sep, suffix = term.partition(":")
        if sep:
            if not suffix.startswith("//") and prefix in self.terms:
                return self.terms[prefix] + suffix
            return term  # already an absolute IRI (urn:, https:)
        return DEFAULT_VOCAB + term

    def compact(self, iri: str) -> str:
        term = self.reverse.get(iri)
        if term is not None:
            return term
        if iri.startswith(DEFAULT_VOCAB):
            return iri[len(DEFAULT_VOCAB) :]
        return iri

    def as_jsonld(self) -> list[Any] | str:
        """The @context to put in a response body."""
        if self.source:
            urls = [u for u in self.source if u != CORE_CONTEXT_URL]
            return [*urls, CORE_CONTEXT_URL] if urls else CORE_CONTEXT_URL
        return CORE_CONTEXT_URL


def _key(context: Any) -> str:
    return json.dumps(context, sort_keys=True, ensure_ascii=False)


@cache
def _context_from_key(key: str) -> Context:
    user = json.loads(key)
    core = _document_terms(CORE_CONTEXT_URL)
    terms = dict(_terms_of(user)) if user is not None else {}
    terms.update(core)  # the core context is @protected: a user context cannot redefine it
    reverse: dict[str, str] = {}
    for term, iri in terms.items():
        # Prefer the shortest term for an IRI, and never a prefix such as "ngsi-ld".
        if iri.endswith(("/", "#")):
            continue
        if iri not in reverse or len(term) < len(reverse[iri]):
            reverse[iri] = term
    urls: list[str] = []
    for item in user if isinstance(user, list) else [user]:
        if isinstance(item, str):
            urls.append(item)
        elif item is not None:
            return Context(terms, reverse, None)
    return Context(terms, reverse, tuple(urls))


def context_for(user_context: Any | None) -> Context:
    """Return the Context of a request whose own @context is ``user_context`` (or None)."""
    if _context_from_key.cache_info().currsize > 256:
        _context_from_key.cache_clear()  # inline contexts vary; keep the cache bounded
    return _context_from_key(_key(user_context))


_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")


def context_from_link(header: str) -> str | None:
    """Return the URL of the JSON-LD context named in a ``Link`` header, if any."""
    for match in _LINK.finditer(header or ""):
        params = match.group(2)
        if "rel" in params and JSONLD_REL in params:
            return match.group(1).strip()
    return None


def link_header(context: Context) -> str:
    jsonld = context.as_jsonld()
    url = jsonld if isinstance(jsonld, str) else jsonld[0]
    return f'<{url}>; rel="{JSONLD_REL}"; type="application/ld+json"'
