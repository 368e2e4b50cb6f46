"""DCAT-AP descriptions of a dataset as an rdflib graph (no Django, no context fetched).

The view passes plain values; the graph is serialised as Turtle or as JSON-LD with an inline
``@context`` of the prefixes, so no client or server needs the network to read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, XSD

FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
MEDIA_TYPES = {"CSV": "text/csv", "JSON": "application/json"}
PREFIXES = {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "rdfs": RDFS, "xsd": XSD}


@dataclass
class Distribution:
    uri: str
    title: str
    download_url: str
    format: str


@dataclass
class DatasetDescription:
    uri: str
    identifier: str
    title: str
    description: str
    landing_page: str
    issued: datetime | None
    modified: datetime
    frequency: str
    keywords: Sequence[str]
    licence_uri: str
    licence_title: str
    publisher_name: str
    theme: str = ""
    language: str = "ja"
    distributions: list[Distribution] = field(default_factory=list)


def dcat_graph(d: DatasetDescription) -> Graph:
    """Return the DCAT-AP graph of one dataset and its distributions."""
    g = Graph()
    for prefix, namespace in PREFIXES.items():
        g.bind(prefix, namespace)
    ds = URIRef(d.uri)
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.identifier, Literal(d.identifier)))
    g.add((ds, DCTERMS.title, Literal(d.title, lang=d.language)))
    if d.description:
        g.add((ds, DCTERMS.description, Literal(d.description, lang=d.language)))
    g.add((ds, DCAT.landingPage, URIRef(d.landing_page)))
    if d.issued:
        g.add((ds, DCTERMS.issued, Literal(d.issued.isoformat(), datatype=XSD.dateTime)))
    g.add((ds, DCTERMS.modified, Literal(d.modified.isoformat(), datatype=XSD.dateTime)))
    g.add((ds, DCTERMS.accrualPeriodicity, FREQUENCY[d.frequency]))
    g.add(
        (
            ds,
            DCTERMS.language,
            URIRef("http://publications.europa.eu/resource/authority/language/JPN"),
        )
    )
    for keyword in d.keywords:
        g.add((ds, DCAT.keyword, Literal(keyword, lang=d.language)))
    if d.theme:
        g.add((ds, DCAT.theme, Literal(d.theme)))
    publisher = BNode()
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(d.publisher_name, lang=d.language)))
    licence: URIRef | BNode = URIRef(d.licence_uri) if d.licence_uri else BNode()
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    g.add((licence, RDFS.label, Literal(d.licence_title)))
    for dist in d.distributions:
        node = URIRef(dist.uri)
        g.add((ds, DCAT.distribution, node))
        g.add((node, RDF.type, DCAT.Distribution))
        g.add((node, DCTERMS.title, Literal(dist.title, lang=d.language)))
        g.add((node, DCAT.accessURL, URIRef(dist.download_url)))
        g.add((node, DCAT.downloadURL, URIRef(dist.download_url)))
        g.add((node, DCTERMS.format, FILE_TYPE[dist.format]))
        g.add(
            (
                node,
                DCAT.mediaType,
                URIRef(f"https://www.iana.org/assignments/media-types/{MEDIA_TYPES[dist.format]}"),
            )
        )
        g.add((node, DCTERMS.license, licence))
    return g


def dcat_turtle(d: DatasetDescription) -> str:
    return dcat_graph(d).serialize(format="turtle")


def dcat_jsonld(d: DatasetDescription) -> str:
    context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    return dcat_graph(d).serialize(format="json-ld", context=context, indent=2)
