"""One versioned snapshot file: named numpy arrays behind a JSON header, memory-mapped.

Layout (little-endian):

    MAGIC (8 bytes) | schema u32 | reserved u32 | header length u64 | header JSON | pad
    array sections, each 64-byte aligned

The header lists every section (offset, dtype, shape), the payload size and its SHA-256;
the version is the first 16 hex digits of that hash, so identical data has one version.
Reading maps the file read-only: processes serving the same file share its pages, and
nothing is parsed per record, so load time does not grow with the number of names.
Files are written to a temporary name in the same directory, fsynced, then renamed:
a crash or a full disk never leaves a partial file under the final name.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import struct
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["SCHEMA", "Snapshot", "SnapshotError", "StringTable", "pack_strings", "read", "write"]

MAGIC = b"PLCNRM\x00\x01"
SCHEMA = 4
_PREFIX = struct.Struct("<8sIIQ")
_ALIGN = 64


class SnapshotError(Exception):
    """The file is not a snapshot we can serve (corrupt, truncated, other schema)."""


def pack_strings(strings: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """UTF-8 blob + int64 offsets (n + 1)."""
    encoded = [s.encode("utf-8") for s in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


class StringTable:
    """Read view over a packed string column."""

    __slots__ = ("_blob", "_offsets", "_mv", "_omv")

    def __init__(self, blob: np.ndarray, offsets: np.ndarray) -> None:
        self._blob = blob
        self._offsets = offsets
        self._mv = memoryview(blob) if blob.size else memoryview(b"")
        # Indexing a memoryview yields Python ints, several times faster than numpy scalars.
        self._omv = memoryview(np.ascontiguousarray(offsets, dtype=np.int64))

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i: int) -> str:
        o = self._omv
        return str(self._mv[o[i] : o[i + 1]], "utf-8")

    def many(self, idx: Sequence[int]) -> list[str]:
        idx = np.asarray(idx, dtype=np.int64)
        starts, ends = self._offsets[idx].tolist(), self._offsets[idx + 1].tolist()
        mv = self._mv
        return [str(mv[a:b], "utf-8") for a, b in zip(starts, ends, strict=True)]


@dataclass
class Snapshot:
    path: str
    meta: dict[str, Any]
    arrays: dict[str, np.ndarray]
    size: int
    _mmap: mmap.mmap | None = field(default=None, repr=False)

    @property
    def version(self) -> str:
        return self.meta["version"]

    def strings(self, name: str) -> StringTable:
        return StringTable(self.arrays[f"{name}.blob"], self.arrays[f"{name}.offsets"])


def write(path: str | os.PathLike[str], arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> str:
    """Write atomically; return the version (content hash)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sections: dict[str, list[Any]] = {}
    offset = 0
    digest = hashlib.sha256()
    order = sorted(arrays)
    for name in order:
        arr = np.ascontiguousarray(arrays[name])
        arrays[name] = arr
        sections[name] = [offset, arr.dtype.str, list(arr.shape)]
        offset += _pad(arr.nbytes)
    payload_size = offset
    for name in order:
        arr = arrays[name]
        digest.update(memoryview(arr).cast("B") if arr.nbytes else b"")
        digest.update(b"\x00" * (_pad(arr.nbytes) - arr.nbytes))
    version = digest.hexdigest()[:16]
    header = dict(
        meta,
        schema=SCHEMA,
        version=version,
        sections=sections,
        payload_size=payload_size,
        payload_sha256=digest.hexdigest(),
    )
    header_bytes = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
    start = _pad(_PREFIX.size + len(header_bytes))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_PREFIX.pack(MAGIC, SCHEMA, 0, len(header_bytes)))
            fh.write(header_bytes)
            fh.write(b"\x00" * (start - _PREFIX.size - len(header_bytes)))
            for name in order:
                arr = arrays[name]
                if arr.nbytes:
                    fh.write(memoryview(arr).cast("B"))
                fh.write(b"\x00" * (_pad(arr.nbytes) - arr.nbytes))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return version


def read_header(path: str | os.PathLike[str]) -> dict[str, Any]:
    with open(path, "rb") as fh:
        prefix = fh.read(_PREFIX.size)
        header = _parse_prefix(str(path), prefix, fh.read)
    return header


def read(path: str | os.PathLike[str], *, verify: bool = True) -> Snapshot:
    """Map a snapshot read-only. `verify` checks the payload hash (detects corruption)."""
    path = str(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - the mmap outlives the with-block otherwise
    except FileNotFoundError:
        raise SnapshotError(f"{path}: no such snapshot; build one with `placenorm build`") from None
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot open: {exc.strerror}") from None
    with fh:
        size = os.fstat(fh.fileno()).st_size
        if size < _PREFIX.size:
            raise SnapshotError(f"{path}: truncated ({size} bytes); rebuild it")
        mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    pos = 0

    def take(n: int) -> bytes:
        nonlocal pos
        chunk = mm[pos : pos + n]
        pos += n
        return chunk

    header = _parse_prefix(path, take(_PREFIX.size), take)
    start = _pad(pos)
    if size < start + header["payload_size"]:
        raise SnapshotError(
            f"{path}: truncated: {size} bytes, expected "
            f"{start + header['payload_size']}; rebuild it"
        )
    if verify:
        digest = hashlib.sha256(memoryview(mm)[start : start + header["payload_size"]]).hexdigest()
        if digest != header["payload_sha256"]:
            raise SnapshotError(f"{path}: corrupt (content hash mismatch); rebuild it")
    arrays = {}
    for name, (offset, dtype, shape) in header["sections"].items():
        count = int(np.prod(shape)) if shape else 1
        arrays[name] = np.frombuffer(
            mm, dtype=np.dtype(dtype), count=count, offset=start + offset
        ).reshape(shape)
    return Snapshot(path=path, meta=header, arrays=arrays, size=size, _mmap=mm)


def _parse_prefix(path: str, prefix: bytes, take) -> dict[str, Any]:
    if len(prefix) < _PREFIX.size:
        raise SnapshotError(f"{path}: truncated header; rebuild it")
    magic, schema, _, header_len = _PREFIX.unpack(prefix)
    if magic != MAGIC:
        raise SnapshotError(f"{path}: not a placenorm snapshot")
    if schema != SCHEMA:
        raise SnapshotError(
            f"{path}: snapshot schema {schema}, this placenorm reads schema {SCHEMA}; "
            "rebuild it with `placenorm build` (or `make run` for the default)"
        )
    raw = take(header_len)
    if len(raw) < header_len:
        raise SnapshotError(f"{path}: truncated header; rebuild it")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SnapshotError(f"{path}: corrupt header; rebuild it") from None


def _pad(n: int) -> int:
    return (n + _ALIGN - 1) // _ALIGN * _ALIGN
