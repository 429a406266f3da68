"""Compile sources into a snapshot file; keep the built-in default snapshot current."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from gazetteer import snapshot
from gazetteer.sources import SourceSet
from normalizer.index import build_arrays

__all__ = ["build_snapshot", "ensure_default", "fold_fingerprint"]

# What decides a snapshot's keys besides its data: the folding code and its tables.
_FOLD_PACKAGES = ("unidecode", "pykakasi", "pypinyin")

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]


@functools.cache
def fold_fingerprint() -> str:
    """Changes whenever the same names could be keyed differently: the folding and
    indexing code, and the versions of the transliteration packages."""
    from normalizer import index, text

    h = hashlib.sha256()
    for pkg in _FOLD_PACKAGES:
        h.update(f"{pkg}={metadata.version(pkg)};".encode())
    for mod in (text, index):
        h.update(Path(mod.__file__).read_bytes())
    return h.hexdigest()[:16]


def build_snapshot(
    sources: SourceSet,
    path: str | os.PathLike[str],
    *,
    fingerprint: str = "",
    progress: Progress | None = None,
) -> str:
    """Compile and write atomically; returns the new version."""
    t0 = time.perf_counter()
    if progress:
        progress("index", len(sources.places), 0)
    arrays, tables = build_arrays(sources.places)
    meta = {
        "sources": sources.description,
        "fingerprint": fingerprint,
        "fold": fold_fingerprint(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": {
            "places": len(sources.places),
            "names": int(arrays["name.place"].size),
            "keys": int(arrays["fkey.offsets"].size - 1),
        },
        "tables": tables,
    }
    if progress:
        progress("write", len(sources.places), 0)
    version = snapshot.write(path, arrays, meta)
    log.info(
        "snapshot built path=%s version=%s places=%d seconds=%.1f",
        path,
        version,
        len(sources.places),
        time.perf_counter() - t0,
    )
    return version


def ensure_default(data_dir: str | os.PathLike[str], *, progress: Progress | None = None) -> Path:
    """Build the default snapshot if it is missing or its inputs changed; return its path."""
    from gazetteer.default import build_default, default_snapshot_path, inputs_fingerprint

    path = default_snapshot_path(data_dir)
    fingerprint = inputs_fingerprint()
    if path.exists():
        try:
            if snapshot.read_header(path).get("fingerprint") == fingerprint:
                return path
        except snapshot.SnapshotError as exc:
            log.warning("rebuilding default snapshot: %s", exc)
    build_snapshot(build_default(progress), path, fingerprint=fingerprint, progress=progress)
    return path
