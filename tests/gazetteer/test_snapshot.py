"""Snapshot files: round trip, versioning, corruption and truncation detected, atomic writes."""

from __future__ import annotations

import os

import numpy as np
import pytest

from gazetteer import snapshot
from gazetteer.snapshot import SnapshotError


def _write(path, **meta):
    arrays = {
        "a": np.arange(10, dtype=np.int64),
        "s.blob": np.frombuffer(b"abc", dtype=np.uint8),
        "s.offsets": np.array([0, 1, 3], dtype=np.int64),
        "empty": np.zeros(0, dtype=np.int32),
    }
    return snapshot.write(path, arrays, {"counts": {}, **meta})


def test_round_trip_and_version_is_content_hash(tmp_path):
    v1 = _write(tmp_path / "a.snap")
    v2 = _write(tmp_path / "b.snap", sources=["other description"])
    assert v1 == v2  # same data, same version
    snap = snapshot.read(tmp_path / "a.snap")
    assert snap.version == v1 and snap.meta["schema"] == snapshot.SCHEMA
    assert snap.arrays["a"].tolist() == list(range(10))
    assert snap.strings("s")[1] == "bc" and snap.arrays["empty"].size == 0
    assert not snap.arrays["a"].flags.writeable  # memory-mapped read-only, shareable


def test_truncated_file_is_refused(tmp_path):
    path = tmp_path / "a.snap"
    _write(path)
    data = path.read_bytes()
    path.write_bytes(data[:-70])
    with pytest.raises(SnapshotError, match="truncated"):
        snapshot.read(path)
    path.write_bytes(data[:10])
    with pytest.raises(SnapshotError, match="truncated"):
        snapshot.read(path)


def test_corrupt_payload_is_refused(tmp_path):
    path = tmp_path / "a.snap"
    _write(path)
    data = bytearray(path.read_bytes())
    data[-65] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(SnapshotError, match="corrupt"):
        snapshot.read(path)


def test_other_schema_is_refused_with_instructions(tmp_path):
    path = tmp_path / "a.snap"
    _write(path)
    data = bytearray(path.read_bytes())
    data[8] = snapshot.SCHEMA + 1
    path.write_bytes(bytes(data))
    with pytest.raises(SnapshotError, match="rebuild it with `placenorm build`"):
        snapshot.read(path)


def test_not_a_snapshot(tmp_path):
    path = tmp_path / "a.snap"
    path.write_bytes(b"hello world, this is not a snapshot at all")
    with pytest.raises(SnapshotError, match="not a placenorm snapshot"):
        snapshot.read(path)
    with pytest.raises(SnapshotError, match="no such snapshot"):
        snapshot.read(tmp_path / "missing.snap")


def test_failed_write_leaves_old_file_and_no_partial(tmp_path, monkeypatch):
    path = tmp_path / "a.snap"
    old = _write(path)

    real_fsync = os.fsync

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        _write(path, sources=["new"], counts={"x": 1})
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert snapshot.read(path).version == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.snap"]  # no .partial left behind
