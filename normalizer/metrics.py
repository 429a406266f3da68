"""Prometheus metrics (served on --metrics-port when given).

The metrics are made on first use, and prometheus_client is imported then too: that
library picks how it keeps values (in this process, or in files that several processes
share) when it is imported, so `serve --workers N` can choose files before any worker
counts a call. With files, the process serving /metrics sums every worker's counts.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from normalizer.engine import Normalizer

_SHARED = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's switch to shared files


@dataclass(frozen=True, slots=True)
class _Metrics:
    requests: Any
    latency: Any
    reloads: Any
    places: Any
    names: Any
    version: Any


_metrics: _Metrics | None = None
_served_version = ""
_counting = False  # calls are counted once /metrics is served (or shared for workers)


def _make() -> _Metrics:
    global _metrics
    from prometheus_client import Counter, Gauge, Histogram

    # With shared files a gauge says how to merge the workers' values: the most recent
    # write of a live worker (all serve the same gazetteer once a reload has reached them).
    latest = "livemostrecent"
    _metrics = _Metrics(
        requests=Counter("placenorm_requests", "RPCs by method and status", ["method", "code"]),
        latency=Histogram(
            "placenorm_request_seconds",
            "RPC latency by method",
            ["method"],
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        ),
        reloads=Counter("placenorm_reloads", "Gazetteer reloads by result", ["result"]),
        places=Gauge(
            "placenorm_gazetteer_places",
            "Places in the served gazetteer",
            multiprocess_mode=latest,
        ),
        names=Gauge(
            "placenorm_gazetteer_names",
            "Names in the served gazetteer",
            multiprocess_mode=latest,
        ),
        version=Gauge(
            "placenorm_gazetteer_info",
            "Served gazetteer version (label): 1 served, 0 served before",
            ["version"],
            multiprocess_mode=latest,
        ),
    )
    return _metrics


def observe(method: str, code: str, seconds: float) -> None:
    if not _counting:  # nobody could read the count: the call saves ~4 us
        return
    m = _metrics or _make()
    m.requests.labels(method=method, code=code).inc()
    m.latency.labels(method=method).observe(seconds)


def reloaded(result: str) -> None:
    (_metrics or _make()).reloads.labels(result=result).inc()


def gazetteer(engine: Normalizer) -> None:
    global _served_version
    m = _metrics or _make()
    info = engine.info()
    m.places.set(info.places)
    m.names.set(info.names)
    if _served_version and _served_version != info.version:
        m.version.labels(version=_served_version).set(0)
    m.version.labels(version=info.version).set(1)
    _served_version = info.version


def share_between_processes(directory: Path) -> None:
    """Before forking workers: each keeps its values in files in `directory` (empty), and
    the one serving /metrics sums them. Refused once this process has counted anything."""
    global _counting
    if "prometheus_client" in sys.modules:
        raise RuntimeError("metrics are already kept in this process; share them before use")
    os.environ[_SHARED] = str(directory)
    _counting = True  # in every worker, the ones that do not serve /metrics too


def process_gone(pid: int) -> None:
    """A worker has exited: its live gauges no longer count."""
    if os.environ.get(_SHARED):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


def start(port: int):
    """Serve /metrics on 127.0.0.1:port in a daemon thread; returns the HTTP server."""
    global _counting
    from prometheus_client import REGISTRY, CollectorRegistry, start_http_server

    registry = REGISTRY
    if os.environ.get(_SHARED):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    try:
        server, _thread = start_http_server(port, addr="127.0.0.1", registry=registry)
    except OSError as exc:
        raise OSError(f"metrics port 127.0.0.1:{port}: {exc.strerror or exc}") from None
    _counting = True
    return server
