"""Prometheus metrics: requests, latency, names and transactions screened, index size, refused requests.

With several worker processes each keeps its own counters; ``proscribe serve``
points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder before the workers start,
and ``/metrics`` then adds up every worker's files, so a scrape sees the whole
service whichever worker answers it. Routes are labelled by their template
(``/entities/{entity_id}``), never by the raw path, to keep series bounded.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter("proscribe_http_requests_total", "HTTP requests answered.", ["method", "route", "status"])
LATENCY = Histogram(
    "proscribe_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
SCREENED = Counter("proscribe_screened_names_total", "Names screened through the API.", ["endpoint"])
TRANSACTIONS = Counter(
    "proscribe_transactions_screened_total",
    "Transactions answered through the API (replays too), by decision.",
    ["decision"],
)
REFUSED = Counter("proscribe_http_refused_total", "Requests refused before reaching a route.", ["reason"])
INDEX_ENTITIES = Gauge(
    "proscribe_index_entities", "Entities in the loaded screening index.", multiprocess_mode="livemax"
)


def render() -> tuple[bytes, str]:
    """The exposition text for a scrape, and its content type."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
