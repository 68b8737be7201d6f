"""DCAT (DCAT-AP style) RDF of the catalog and of each data set, as ckanext-dcat serves it.

``/catalog.ttl``, ``/catalog.jsonld``, ``/catalog.xml`` and ``/dataset/<name>.{ttl,jsonld,xml}``.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from .api import resource_url
from .models import Dataset, Resource
from .reference import LICENSES

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "xml": "pretty-xml"}
CONTENT_TYPES = {
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "xml": "application/rdf+xml; charset=utf-8",
}
_FREQUENCIES = {
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "annually": "ANNUAL",
    "irregular": "IRREG",
}


def _graph() -> Graph:
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    return graph


def _add_dataset(graph: Graph, dataset: Dataset, *, base: str) -> URIRef:
    node = URIRef(f"{base}/dataset/{dataset.name}")
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(str(dataset.pk))))
    graph.add((node, DCTERMS.title, Literal(dataset.title, lang="ja")))
    if dataset.notes:
        graph.add((node, DCTERMS.description, Literal(dataset.notes, lang="ja")))
    graph.add((node, DCAT.landingPage, URIRef(f"{base}/opendata/dataset/{dataset.name}/")))
    graph.add((node, DCTERMS.issued, Literal(dataset.created.isoformat(), datatype=XSD.dateTime)))
    graph.add(
        (node, DCTERMS.modified, Literal(dataset.modified.isoformat(), datatype=XSD.dateTime))
    )
    for tag in dataset.tags.all():
        graph.add((node, DCAT.keyword, Literal(tag.name, lang="ja")))
    for group in dataset.groups.all():
        graph.add((node, DCAT.theme, URIRef(f"{base}/group/{group.name}")))
    organization = dataset.organization
    publisher = URIRef(f"{base}/organization/{organization.name}")
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal(organization.title, lang="ja")))
    graph.add((publisher, DCTERMS.identifier, Literal(organization.lgcode)))
    license_ = LICENSES.get(dataset.license_id)
    if license_ is not None:
        graph.add((node, DCTERMS.license, URIRef(license_.url)))
    frequency = _FREQUENCIES.get(dataset.update_frequency)
    if frequency:
        graph.add(
            (
                node,
                DCTERMS.accrualPeriodicity,
                URIRef(f"http://publications.europa.eu/resource/authority/frequency/{frequency}"),
            )
        )
    if dataset.spatial:
        graph.add((node, DCTERMS.spatial, Literal(dataset.spatial, lang="ja")))
    if dataset.temporal_start or dataset.temporal_end:
        period = BNode()
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if dataset.temporal_start:
            graph.add((period, DCAT.startDate, Literal(dataset.temporal_start, datatype=XSD.date)))
        if dataset.temporal_end:
            graph.add((period, DCAT.endDate, Literal(dataset.temporal_end, datatype=XSD.date)))
    if dataset.contact_name or dataset.contact_email:
        contact = BNode()
        graph.add((node, DCAT.contactPoint, contact))
        graph.add((contact, RDF.type, VCARD.Organization))
        if dataset.contact_name:
            graph.add((contact, VCARD.fn, Literal(dataset.contact_name, lang="ja")))
        if dataset.contact_email:
            graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{dataset.contact_email}")))
    if dataset.standard_dataset:
        graph.add((node, DCTERMS.conformsTo, Literal(dataset.standard_dataset, lang="ja")))
    resources: Iterable[Resource] = getattr(
        dataset, "active_resources", None
    ) or dataset.resources.filter(state=Resource.State.ACTIVE)
    for resource in resources:
        _add_distribution(graph, node, resource, base=base)
    return node


def _add_distribution(graph: Graph, dataset_node: URIRef, resource: Resource, *, base: str) -> None:

    node = URIRef(f"{base}/dataset/{resource.dataset.name}/resource/{resource.pk}")
    graph.add((dataset_node, DCAT.distribution, node))
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.title, Literal(resource.name, lang="ja")))
    if resource.description:
        graph.add((node, DCTERMS.description, Literal(resource.description, lang="ja")))
    url = resource_url(None, resource)
    if url.startswith("/"):
        url = base + url
    if url:
        graph.add((node, DCAT.accessURL, URIRef(url)))
        graph.add((node, DCAT.downloadURL, URIRef(url)))
    if resource.format:
        graph.add((node, DCTERMS["format"], Literal(resource.format)))
    if resource.mimetype:
        graph.add((node, DCAT.mediaType, Literal(resource.mimetype)))
    if resource.size is not None:
        graph.add((node, DCAT.byteSize, Literal(resource.size, datatype=XSD.decimal)))
    license_ = LICENSES.get(resource.dataset.license_id)
    if license_ is not None:
        graph.add((node, DCTERMS.license, URIRef(license_.url)))


def catalog_rdf(*, datasets: Iterable[Dataset], base: str, title: str, fmt: str) -> str:
    graph = _graph()
    catalog = URIRef(f"{base}/catalog")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(title, lang="ja")))
    graph.add((catalog, FOAF.homepage, URIRef(f"{base}/opendata/")))
    for dataset in datasets:
        graph.add((catalog, DCAT.dataset, _add_dataset(graph, dataset, base=base)))
    return graph.serialize(format=FORMATS[fmt])


def dataset_rdf(*, dataset: Dataset, base: str, fmt: str) -> str:
    graph = _graph()
    _add_dataset(graph, dataset, base=base)
    return graph.serialize(format=FORMATS[fmt])
