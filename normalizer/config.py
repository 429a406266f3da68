"""Server configuration, read once into a frozen value (flags override environment)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Environment variables (documented in README.md); flags of `placenorm serve` win.
ENV = {
    "host": "PLACENORM_HOST",
    "port": "PLACENORM_PORT",
    "data_dir": "PLACENORM_DATA_DIR",
    "snapshot": "PLACENORM_SNAPSHOT",
    "admin_token": "PLACENORM_ADMIN_TOKEN",
    "metrics_port": "PLACENORM_METRICS_PORT",
    "log_format": "PLACENORM_LOG_FORMAT",
    "workers": "PLACENORM_WORKERS",
    "server_model": "PLACENORM_SERVER_MODEL",
}


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 50051
    data_dir: Path = Path("data")
    snapshot: Path | None = None  # serve this file; default: the last reload, else the built-in
    admin_token: str | None = None  # admin service is off without one
    threads: int = 8
    server_model: str = "aio"  # or "threads": grpc.aio event loop vs a thread-pool server
    workers: int = 1  # processes sharing the port (SO_REUSEPORT) and the snapshot file
    max_batch: int = 10_000
    max_message_bytes: int = 16 * 1024 * 1024
    max_upload_bytes: int = 2 * 1024 * 1024 * 1024
    grace_seconds: float = 10.0
    metrics_port: int | None = None
    log_format: str = "plain"  # or "json"
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_client_ca: Path | None = None  # set: mutual TLS, clients must present a certificate
    watch_seconds: float = 1.0  # how often workers look for a newer snapshot file
    answers: bool = True  # use precomputed answers, built in the background when missing
    build_answers: bool = True  # this process starts that build (workers leave it to the parent)

    @property
    def current_snapshot(self) -> Path:
        """Where a successful reload persists its snapshot (served again after restart)."""
        return self.data_dir / "current.snapshot"


def read_token(token_file: str | None) -> str | None:
    """Token from a file (its first line), else the environment; None if neither. It goes
    in an HTTP/2 header, so it must be printable ASCII without spaces."""
    if token_file:
        lines = Path(token_file).read_text(encoding="utf-8").strip().splitlines()
        if not lines:
            raise ValueError(f"{token_file}: empty admin token file")
        token, where = lines[0].strip(), token_file
    else:
        token, where = os.environ.get(ENV["admin_token"], "").strip(), ENV["admin_token"]
        if not token:
            return None
    if not (token.isascii() and token.isprintable()) or " " in token:
        raise ValueError(f"{where}: the token must be printable ASCII without spaces")
    return token
