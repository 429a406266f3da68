"""Prometheus metrics (served on --metrics-port when given)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import Counter, Gauge, Histogram, start_http_server

if TYPE_CHECKING:
    from normalizer.engine import Normalizer

requests = Counter("placenorm_requests", "RPCs by method and status", ["method", "code"])
latency = Histogram(
    "placenorm_request_seconds",
    "RPC latency by method",
    ["method"],
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
reloads = Counter("placenorm_reloads", "Gazetteer reloads by result", ["result"])
places = Gauge("placenorm_gazetteer_places", "Places in the served gazetteer")
names = Gauge("placenorm_gazetteer_names", "Names in the served gazetteer")
version = Gauge("placenorm_gazetteer_info", "Served gazetteer version (label)", ["version"])


def observe(method: str, code: str, seconds: float) -> None:
    requests.labels(method=method, code=code).inc()
    latency.labels(method=method).observe(seconds)


def gazetteer(engine: Normalizer) -> None:
    info = engine.info()
    places.set(info.places)
    names.set(info.names)
    version.clear()
    version.labels(version=info.version).set(1)


def start(port: int):
    """Serve /metrics on 127.0.0.1:port in a daemon thread; returns the HTTP server."""
    try:
        server, _thread = start_http_server(port, addr="127.0.0.1")
    except OSError as exc:
        raise OSError(f"metrics port 127.0.0.1:{port}: {exc.strerror or exc}") from None
    return server
