"""Precomputed answers (normalizer/answers.py): the same answers as the ranking, a side
file that is ignored when stale, built by the command line and by a serving server."""

from __future__ import annotations

import random
import shutil
import time

import pytest

from gazetteer import snapshot
from normalizer import answers
from normalizer.answers import Answers, answers_path, build_answers
from normalizer.engine import Normalizer
from normalizer.errors import QueryError
from placenorm.v1 import placenorm_pb2 as pb
from placenorm.v1 import placenorm_pb2_grpc as pb_grpc
from tests.conftest import MINI_SOURCES, TOKEN, ServerProcess, auth, cli, on_fresh_connections


def _sample(engine: Normalizer, n: int, seed: int) -> set[str]:
    rng = random.Random(seed)
    names = engine._names
    return {names[rng.randrange(len(names))] for _ in range(n)}


@pytest.fixture(scope="module")
def default_answers(tmp_path_factory, default_snapshot) -> tuple[Normalizer, Normalizer, set[str]]:
    """The default gazetteer computing, and answering 400 sampled names from a table."""
    computed = Normalizer.load(default_snapshot, answers=False)
    sample = _sample(computed, 400, seed=11)
    out = tmp_path_factory.mktemp("answers") / "sample.answers"
    build_answers(default_snapshot, out, workers=2, only=sample)
    table = Answers.open(out, computed.version)
    assert table is not None
    fast = Normalizer(snapshot.read(default_snapshot), answers=table)
    return computed, fast, sample


def test_precomputed_answers_are_the_ranked_answers(default_answers):
    computed, fast, sample = default_answers
    answered = 0
    for name in sorted(sample):
        text = computed.clean(name)
        for limit, min_score in ((1, 0.0), (5, 0.0), (10, 0.0), (5, 0.5)):
            found = fast.answers.result(fast, text, limit, min_score)
            if found is None:
                continue  # a name that is not a query as it stands ("A  B")
            answered += 1
            assert found == computed.normalize(name, limit=limit, min_score=min_score), name
    assert answered >= 4 * 380  # nearly every sampled name is in the table


def test_names_outside_the_table_and_other_options_are_computed(default_answers):
    computed, fast, sample = default_answers
    name = next(n for n in sorted(sample) if fast.answers.result(fast, n, 5, 0.0))
    assert fast.answers.result(fast, name, answers.KEPT + 1, 0.0) is None
    assert fast.normalize(name, limit=answers.KEPT + 1) == computed.normalize(
        name, limit=answers.KEPT + 1
    )
    absent = "Shusha"
    if absent in sample:
        pytest.skip("the sample holds the probe name")
    assert fast.answers.result(fast, absent, 5, 0.0) is None
    assert fast.normalize(absent) == computed.normalize(absent)
    assert fast.normalize(absent).best.place.id == "geonames:147105"


def test_every_name_of_a_small_gazetteer(tmp_path, mini_snapshot):
    path = tmp_path / "mini.snapshot"
    shutil.copy(mini_snapshot, path)
    build_answers(path, workers=1)
    fast = Normalizer.load(path)
    computed = Normalizer.load(path, answers=False)
    assert fast.answers is not None and fast.answers.count > 20
    assert fast.info().precomputed_answers == fast.answers.count
    assert computed.info().precomputed_answers == 0
    for name in sorted({computed._names[i] for i in range(len(computed._names))}):
        try:
            expected = computed.normalize(name)
        except QueryError:
            with pytest.raises(QueryError):
                fast.normalize(name)
            continue
        assert fast.normalize(name) == expected, name


def test_stale_answers_are_ignored(tmp_path, mini_snapshot, monkeypatch):
    path = tmp_path / "mini.snapshot"
    shutil.copy(mini_snapshot, path)
    version = snapshot.read_header(path)["version"]
    out = build_answers(path, workers=1)
    assert Answers.open(out, version) is not None
    # Another snapshot's answers (a reload replaced the file they were built for).
    assert Answers.open(out, "0" * 16) is None
    # Answers of another engine (the code changed since they were built).
    monkeypatch.setattr(answers, "engine_fingerprint", lambda: "f" * 16)
    assert Answers.open(out, version) is None
    assert Normalizer.load(path).answers is None


def test_answers_command(tmp_path, mini_snapshot):
    path = tmp_path / "mini.snapshot"
    shutil.copy(mini_snapshot, path)
    run = cli("answers", "--snapshot", str(path), "--workers", "1")
    assert run.returncode == 0, run.stderr
    assert answers_path(path).exists()
    assert "names=" in run.stderr and "Traceback" not in run.stderr
    again = cli("answers", "--snapshot", str(path))  # current: nothing to do
    assert again.returncode == 0 and "names=" in again.stderr

    missing = cli("answers", "--snapshot", str(tmp_path / "none.snapshot"))
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0 and "no such snapshot" in missing.stderr

    broken = tmp_path / "broken.snapshot"
    broken.write_bytes(b"not a snapshot, though long enough for a header")
    bad = cli("answers", "--snapshot", str(broken))
    assert bad.returncode == 4 and "Traceback" not in bad.stderr
    assert "not a placenorm snapshot" in bad.stderr


def test_server_builds_and_attaches_answers(tmp_path, mini_snapshot):
    """A server whose snapshot has no answers serves at once, builds them in the
    background and answers from them once they are ready: the answers computed."""
    import grpc

    path = tmp_path / "mini.snapshot"
    shutil.copy(mini_snapshot, path)
    computed = Normalizer.load(path, answers=False)
    names = sorted({computed._names[i] for i in range(len(computed._names))})
    server = ServerProcess(
        "--snapshot", str(path), "--data-dir", str(tmp_path / "data"), "--workers", "1"
    )
    try:
        server.wait_serving()
        with grpc.insecure_channel(server.address) as channel:
            stub = pb_grpc.NormalizerStub(channel)
            deadline = time.monotonic() + 120
            info = stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest(), timeout=10)
            while info.precomputed_answers == 0 and time.monotonic() < deadline:
                time.sleep(0.5)
                info = stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest(), timeout=10)
            assert info.precomputed_answers > 20, "".join(server.lines)
            for name in names:
                try:
                    expected = computed.normalize(name)
                except QueryError:
                    continue
                got = stub.Normalize(pb.NormalizeRequest(query=name), timeout=10)
                assert [c.place.id for c in got.candidates] == [
                    c.place.id for c in expected.candidates
                ], name
                assert [c.score for c in got.candidates] == pytest.approx(
                    [c.score for c in expected.candidates], abs=1e-6
                ), name
        assert answers_path(path).exists()
        assert any("answers attached" in line for line in server.lines)
    finally:
        assert server.stop() == 0


def test_a_reloaded_gazetteer_gets_its_answers(tmp_path, mini_snapshot):
    """After a reload the new snapshot has no answers: they are built in the background
    (from a reload's thread, beside gRPC's) and attached."""
    import grpc

    data = tmp_path / "data"
    data.mkdir()
    token = tmp_path / "token"
    token.write_text(TOKEN)
    for src in MINI_SOURCES[:2]:
        shutil.copy(src, data)
    path = tmp_path / "mini.snapshot"
    shutil.copy(mini_snapshot, path)
    build_answers(path, workers=1)
    server = ServerProcess(
        "--snapshot", str(path), "--data-dir", str(data), "--admin-token-file", str(token)
    )
    try:
        server.wait_serving()
        with grpc.insecure_channel(server.address) as channel:
            stub = pb_grpc.NormalizerStub(channel)
            first = stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest(), timeout=10)
            assert first.precomputed_answers > 20  # built before the start: used at once
            events = list(
                pb_grpc.GazetteerAdminStub(channel).Reload(
                    pb.ReloadRequest(sources=["mini.txt"]), metadata=auth(), timeout=60
                )
            )
            assert events[-1].phase == pb.ReloadProgress.Phase.SWAPPED
            deadline = time.monotonic() + 120
            info = stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest(), timeout=10)
            while info.precomputed_answers == 0 and time.monotonic() < deadline:
                time.sleep(0.5)
                info = stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest(), timeout=10)
            assert info.version != first.version
            assert 0 < info.precomputed_answers < first.precomputed_answers, "".join(server.lines)
        assert answers_path(data / "current.snapshot").exists()
    finally:
        assert server.stop() == 0


def test_no_answers_flag(tmp_path, mini_snapshot):
    """`--no-answers` ranks every name: answers present are not used, none are built."""
    import grpc

    path = tmp_path / "mini.snapshot"
    shutil.copy(mini_snapshot, path)
    build_answers(path, workers=1)
    server = ServerProcess(
        "--snapshot", str(path), "--data-dir", str(tmp_path / "data"), "--no-answers"
    )
    try:
        server.wait_serving()
        with grpc.insecure_channel(server.address) as channel:
            stub = pb_grpc.NormalizerStub(channel)
            time.sleep(1.5)  # a watcher pass, which would attach them
            info = stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest(), timeout=10)
            assert info.precomputed_answers == 0
            assert stub.Normalize(pb.NormalizeRequest(query="Shusha"), timeout=10).candidates
    finally:
        assert server.stop() == 0


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_the_background_build_ends_with_its_server(tmp_path, default_snapshot, how):
    """A build of the default gazetteer's answers takes minutes: a server stopped (or
    killed) meanwhile leaves no build running beside its restart."""
    import signal

    from tests.normalizer.test_reliability import _alive, _children

    path = tmp_path / "default.snapshot"
    shutil.copy(default_snapshot, path)  # no answers beside the copy
    server = ServerProcess("--snapshot", str(path), "--data-dir", str(tmp_path / "data"))
    try:
        server.wait_serving(timeout=120)
        deadline = time.monotonic() + 30
        while not (builders := _children(server.proc.pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert builders, "no background build"
        with open(f"/proc/{builders[0]}/cmdline", "rb") as fh:
            assert b"answers" in fh.read()
    finally:
        server.stop(getattr(signal, how))
    deadline = time.monotonic() + 15
    while any(_alive(b) for b in builders) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(b) for b in builders)
    assert not answers_path(path).exists()


def test_workers_share_the_parents_build(tmp_path, mini_snapshot):
    """With several worker processes the parent builds the answers once and every
    worker attaches them."""

    path = tmp_path / "mini.snapshot"
    shutil.copy(mini_snapshot, path)
    server = ServerProcess(
        "--snapshot", str(path), "--data-dir", str(tmp_path / "data"), "--workers", "2"
    )
    try:
        assert any("serving on" in line and "(2 workers)" in line for line in server.lines)
        server.wait_logged("gazetteer serving", count=2)
        deadline = time.monotonic() + 120
        counts: list[int] = []
        while time.monotonic() < deadline:
            infos = on_fresh_connections(
                server.address,
                8,
                lambda stub: stub.GetGazetteerInfo(
                    pb.GetGazetteerInfoRequest(), timeout=10, wait_for_ready=True
                ),
            )
            counts = [info.precomputed_answers for info in infos]
            if min(counts) > 0:
                break
            time.sleep(0.5)
        assert min(counts) > 20, counts
        server.wait_logged("answers attached", count=2)
    finally:
        code = server.stop()
    attached = [line for line in server.lines if "answers attached" in line]
    assert len(attached) == 2, "".join(server.lines)  # each worker, once
    assert code == 0
