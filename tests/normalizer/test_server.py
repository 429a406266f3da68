"""The gRPC service over real servers on free ports and real channels."""

from __future__ import annotations

import functools
import shutil
import threading
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from normalizer.engine import Normalizer
from normalizer.server import State, create_server
from placenorm.v1 import placenorm_pb2 as pb
from tests.conftest import FIXTURES, MINI_SOURCES, TOKEN, auth, start_server

Phase = pb.ReloadProgress.Phase


def _code(call) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as err:
        call()
    return err.value.code(), err.value.details()


def test_normalize_unary(mini_server):
    resp = mini_server.stub.Normalize(pb.NormalizeRequest(query="Shushi", request_id="r1"))
    assert resp.request_id == "r1" and resp.normalized_query == "shushi"
    assert resp.candidates[0].place.id == "geonames:147105"
    assert resp.candidates[0].place.country_name == "Azerbaijan"
    assert resp.candidates[0].match_type == pb.ALTERNATE
    assert resp.gazetteer_version == mini_server.state.engine.version
    assert not resp.candidates[0].place.names  # names only from GetPlace


def test_batch_preserves_order_and_document_mode(mini_server):
    names = ["Yerevan", "Susa", "Stepanakert", "Azerbaijan", "Moscow"]
    req = pb.NormalizeBatchRequest(requests=[pb.NormalizeRequest(query=n) for n in names])
    resp = mini_server.stub.NormalizeBatch(req)
    assert [r.query for r in resp.responses] == names
    req.as_document = True
    resp = mini_server.stub.NormalizeBatch(req)
    assert resp.responses[1].candidates[0].place.id == "geonames:147105"


def test_stream_order_and_bad_item_does_not_end_it(mini_server):
    reqs = [
        pb.NormalizeRequest(query=q, request_id=str(i))
        for i, q in enumerate(["Yerevan", "", "Moscow", "x\x00"])
    ]
    out = list(mini_server.stub.NormalizeStream(iter(reqs)))
    assert [r.request_id for r in out] == ["0", "1", "2", "3"]
    assert out[0].candidates and out[2].candidates
    assert out[1].error.code == "INVALID_ARGUMENT" and "empty" in out[1].error.message
    assert "control character" in out[3].error.message


def _not_utf8(message) -> bytes:
    """`message` on the wire with its string "ab" turned into bytes that are not UTF-8."""
    wire = message.SerializeToString()
    assert wire.count(b"ab") == 1
    return wire.replace(b"ab", b"\xff\xfe")


def _raw(channel, method: str, kind: str = "unary_unary"):
    """A method of the channel that sends and receives bytes as they are."""
    return getattr(channel, kind)(method, request_serializer=None, response_deserializer=None)


def test_malformed_messages_refused_as_invalid_argument(mini_server):
    # Strings not UTF-8 and broken wire formats come from hand-rolled clients: each call
    # is refused with INVALID_ARGUMENT naming the message, not UNKNOWN or INTERNAL.
    old = mini_server.state.engine.version
    cases = [
        ("Normalizer/Normalize", _not_utf8(pb.NormalizeRequest(query="ab")), "NormalizeRequest"),
        ("Normalizer/Normalize", b"\xff\xff\xff", "Wire format was corrupt"),
        (
            "Normalizer/NormalizeBatch",
            _not_utf8(pb.NormalizeBatchRequest(requests=[pb.NormalizeRequest(query="ab")])),
            "NormalizeBatchRequest",
        ),
        ("Normalizer/GetPlace", _not_utf8(pb.GetPlaceRequest(id="ab")), "GetPlaceRequest"),
    ]
    for method, wire, says in cases:
        call = _raw(mini_server.channel, f"/placenorm.v1.{method}")
        code, details = _code(functools.partial(call, wire, timeout=10))
        assert code == grpc.StatusCode.INVALID_ARGUMENT, (method, details)
        assert says in details and details.startswith("request is not a valid placenorm.v1.")
    reload = _raw(mini_server.channel, "/placenorm.v1.GazetteerAdmin/Reload", "unary_stream")
    code, details = _code(
        lambda: list(reload(_not_utf8(pb.ReloadRequest(sources=["ab"])), metadata=auth()))
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "ReloadRequest" in details
    upload = _raw(mini_server.channel, "/placenorm.v1.GazetteerAdmin/Upload", "stream_stream")
    chunks = [
        pb.UploadChunk(filename="places.jsonl", data=b"{}").SerializeToString(),
        _not_utf8(pb.UploadChunk(filename="ab")),
    ]
    code, details = _code(lambda: list(upload(iter(chunks), metadata=auth())))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "UploadChunk" in details
    assert mini_server.state.engine.version == old
    assert not list((mini_server.config.data_dir / "uploads").iterdir())
    # The server goes on answering on the same channel.
    resp = mini_server.stub.Normalize(pb.NormalizeRequest(query="Shushi"))
    assert resp.candidates[0].place.id == "geonames:147105"


def test_refusals_quote_a_long_value_cut_short(mini_server):
    # A refusal's message travels in the trailers, which the client caps (8 KB): one that
    # quoted a 100,000-character value whole reached the client as RESOURCE_EXHAUSTED.
    long = "x" * 100_000
    calls = [
        (lambda: mini_server.stub.GetPlace(pb.GetPlaceRequest(id=long)), "NOT_FOUND"),
        (
            lambda: mini_server.stub.Normalize(
                pb.NormalizeRequest(query="Susa", country_codes=[long])
            ),
            "INVALID_ARGUMENT",
        ),
        (
            lambda: list(
                mini_server.admin.Reload(pb.ReloadRequest(sources=["/" + long]), metadata=auth())
            ),
            "PERMISSION_DENIED",
        ),
    ]
    for call, status in calls:
        code, details = _code(call)
        assert code.name == status and "characters)" in details and len(details) < 200
    # Whatever else a message quotes (here the missing file's path) is cut at 2,000.
    code, details = _code(
        lambda: list(mini_server.admin.Reload(pb.ReloadRequest(sources=[long]), metadata=auth()))
    )
    assert code.name == "FAILED_PRECONDITION" and len(details) <= 2000
    assert details.endswith("characters)")


def test_stream_answers_a_malformed_message_as_one_bad_item(mini_server):
    stream = _raw(mini_server.channel, "/placenorm.v1.Normalizer/NormalizeStream", "stream_stream")
    wires = [
        pb.NormalizeRequest(query="Yerevan", request_id="0").SerializeToString(),
        _not_utf8(pb.NormalizeRequest(query="ab", request_id="1")),
        pb.NormalizeRequest(query="Moscow", request_id="2").SerializeToString(),
    ]
    out = [pb.NormalizeResponse.FromString(w) for w in stream(iter(wires), timeout=10)]
    assert [r.request_id for r in out] == ["0", "", "2"]
    assert out[0].candidates and out[2].candidates
    assert out[1].error.code == "INVALID_ARGUMENT" and "UTF-8" in out[1].error.message
    assert out[1].gazetteer_version == mini_server.state.engine.version


def test_stream_answers_in_order_while_requests_keep_coming(mini_server):
    # More requests than the server answers ahead of its writes, mixed hits, misses and
    # refusals, sent by a producer slower than the server: every answer, in order.
    queries = ["Yerevan", "Susa", "", "Nakhichevan", "Qqqqzzz", "Шуша", "Moscow"]

    def requests():
        for i in range(1000):
            if i % 250 == 0:
                time.sleep(0.05)
            yield pb.NormalizeRequest(query=queries[i % len(queries)], request_id=str(i))

    out = list(mini_server.stub.NormalizeStream(requests()))
    assert [r.request_id for r in out] == [str(i) for i in range(1000)]
    assert [r.query for r in out[:7]] == queries
    assert out[5].candidates[0].place.id == "geonames:147105"
    assert out[2].error.code == "INVALID_ARGUMENT" and not out[3].error.code


def test_get_place_and_info(mini_server):
    place = mini_server.stub.GetPlace(pb.GetPlaceRequest(id="geonames:147105"))
    assert place.name == "Shusha" and any(
        n.text == "Շուշի" and n.language == "hy" for n in place.names
    )
    info = mini_server.stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest())
    assert info.places == 13 and info.version and info.loaded_at


@pytest.mark.parametrize(
    ("request_", "code", "text"),
    [
        (pb.NormalizeRequest(query=""), grpc.StatusCode.INVALID_ARGUMENT, "query is empty"),
        (
            pb.NormalizeRequest(query="Susa", limit=500),
            grpc.StatusCode.INVALID_ARGUMENT,
            "limit 500",
        ),
        (pb.NormalizeRequest(query="Susa", limit=-3), grpc.StatusCode.INVALID_ARGUMENT, "limit -3"),
        (
            pb.NormalizeRequest(query="Susa", country_codes=["ZZ"]),
            grpc.StatusCode.INVALID_ARGUMENT,
            "'ZZ'",
        ),
        (
            pb.NormalizeRequest(query="Susa", feature_classes=["Q"]),
            grpc.StatusCode.INVALID_ARGUMENT,
            "'Q'",
        ),
        (pb.NormalizeRequest(query="a" * 1000), grpc.StatusCode.INVALID_ARGUMENT, "at most 256"),
        (pb.NormalizeRequest(query="\u0301"), grpc.StatusCode.INVALID_ARGUMENT, "no letters"),
        (
            pb.NormalizeRequest(query="x" * (1 << 20)),
            grpc.StatusCode.INVALID_ARGUMENT,
            "at most 256",
        ),
    ],
)
def test_refusals_have_specific_status(mini_server, request_, code, text):
    got, details = _code(lambda: mini_server.stub.Normalize(request_))
    assert got == code and text in details
    assert mini_server.stub.Normalize(
        pb.NormalizeRequest(query="Yerevan")
    ).candidates  # still serving


def test_not_found_and_batch_too_large_and_message_too_large(mini_server):
    assert (
        _code(lambda: mini_server.stub.GetPlace(pb.GetPlaceRequest(id="geonames:1")))[0]
        == grpc.StatusCode.NOT_FOUND
    )
    big = pb.NormalizeBatchRequest(requests=[pb.NormalizeRequest(query="Susa")] * 10_001)
    code, details = _code(lambda: mini_server.stub.NormalizeBatch(big))
    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED and "at most 10000" in details
    huge = pb.NormalizeBatchRequest(requests=[pb.NormalizeRequest(query="y" * 200)] * 100_000)
    assert (
        _code(lambda: mini_server.stub.NormalizeBatch(huge))[0]
        == grpc.StatusCode.RESOURCE_EXHAUSTED
    )


def test_batch_deadline_stops_work(tmp_path, mini_snapshot):
    srv = start_server(tmp_path, mini_snapshot, max_batch=100_000)
    try:
        big = pb.NormalizeBatchRequest(
            requests=[pb.NormalizeRequest(query=f"Yerevxn{i}") for i in range(20_000)]
        )
        code, _ = _code(lambda: srv.stub.NormalizeBatch(big, timeout=0.05))
        assert code == grpc.StatusCode.DEADLINE_EXCEEDED
    finally:
        srv.close()


def test_health_transitions_and_reflection(tmp_path, mini_snapshot):
    srv = start_server(tmp_path, None)
    try:
        health = health_pb2_grpc.HealthStub(srv.channel)
        status = health.Check(
            health_pb2.HealthCheckRequest(service="placenorm.v1.Normalizer")
        ).status
        assert status == health_pb2.HealthCheckResponse.NOT_SERVING
        code, details = _code(lambda: srv.stub.Normalize(pb.NormalizeRequest(query="Susa")))
        assert code == grpc.StatusCode.UNAVAILABLE and "no gazetteer loaded" in details
        stream = srv.stub.NormalizeStream(iter([pb.NormalizeRequest(query="Susa")]))
        code, details = _code(lambda: list(stream))
        assert code == grpc.StatusCode.UNAVAILABLE and "no gazetteer loaded" in details
        srv.state.swap(Normalizer.load(mini_snapshot))
        assert (
            health.Check(health_pb2.HealthCheckRequest(service="")).status
            == health_pb2.HealthCheckResponse.SERVING
        )
        refl = reflection_pb2_grpc.ServerReflectionStub(srv.channel)
        resp = next(
            refl.ServerReflectionInfo(
                iter([reflection_pb2.ServerReflectionRequest(list_services="")])
            )
        )
        names = {s.name for s in resp.list_services_response.service}
        assert {
            "placenorm.v1.Normalizer",
            "placenorm.v1.GazetteerAdmin",
            "grpc.health.v1.Health",
        } <= names
    finally:
        srv.close()


def test_admin_not_served_without_token(tmp_path, mini_snapshot):
    from normalizer.config import ServerConfig

    state = State(Normalizer.load(mini_snapshot))
    server, port = create_server(ServerConfig(port=0, data_dir=tmp_path), state)
    server.start()
    try:
        from placenorm.v1 import placenorm_pb2_grpc as pb_grpc

        with grpc.insecure_channel(f"127.0.0.1:{port}") as ch:
            admin = pb_grpc.GazetteerAdminStub(ch)
            code, _ = _code(
                lambda: list(admin.Reload(pb.ReloadRequest(sources=["x"]), metadata=auth()))
            )
            assert code == grpc.StatusCode.UNIMPLEMENTED
    finally:
        server.stop(0)


def _stage(srv, *names: str) -> list[str]:
    for src in names or MINI_SOURCES:
        shutil.copy(src, srv.config.data_dir)
    return [p.rsplit("/", 1)[-1] for p in (names or MINI_SOURCES)]


@pytest.mark.parametrize(
    ("metadata", "code"),
    [
        ((), grpc.StatusCode.UNAUTHENTICATED),
        (auth("wrong"), grpc.StatusCode.PERMISSION_DENIED),
        ((("authorization", f"Basic {TOKEN}"),), grpc.StatusCode.PERMISSION_DENIED),
    ],
)
def test_admin_auth(mini_server, metadata, code):
    srcs = _stage(mini_server)
    got, _ = _code(
        lambda: list(mini_server.admin.Reload(pb.ReloadRequest(sources=srcs), metadata=metadata))
    )
    assert got == code
    got, _ = _code(
        lambda: list(
            mini_server.admin.Upload(
                iter([pb.UploadChunk(filename="a.csv", data=b"x")]), metadata=metadata
            )
        )
    )
    assert got == code


@pytest.mark.parametrize("source", ["../etc/passwd", "/etc/passwd", "link/passwd"])
def test_reload_paths_confined_to_data_dir(mini_server, source):
    (mini_server.config.data_dir / "link").symlink_to("/etc")
    code, details = _code(
        lambda: list(mini_server.admin.Reload(pb.ReloadRequest(sources=[source]), metadata=auth()))
    )
    assert code == grpc.StatusCode.PERMISSION_DENIED and "data dir" in details


def test_reload_and_upload_name_files_as_the_client_did(mini_server):
    # Not by the server's absolute paths (its data dir, an upload's temporary directory),
    # and a file name no file system takes is refused as such, not as an internal error.
    def reload(*sources: str):
        return lambda: list(
            mini_server.admin.Reload(pb.ReloadRequest(sources=list(sources)), metadata=auth())
        )

    def upload(name: str, data: bytes = b"id,name,latitude,longitude\nz:1,Zed,1,1\n"):
        chunk = pb.UploadChunk(filename=name, data=data)
        return lambda: list(mini_server.admin.Upload(iter([chunk]), metadata=auth()))

    root = str(mini_server.config.data_dir.resolve())
    for call, status, said in [
        (reload("nope.csv"), "FAILED_PRECONDITION", "nope.csv: no such file"),
        (reload("a\x00b.csv"), "INVALID_ARGUMENT", "source 'a\\x00b.csv' holds a control"),
        (upload("a\x00b.csv"), "INVALID_ARGUMENT", "bad upload file name 'a\\x00b.csv'"),
        (upload("x" * 300 + ".csv"), "INVALID_ARGUMENT", "bad upload file name 'xxx"),
        (upload("places"), "FAILED_PRECONDITION", "places: cannot tell the format"),
        (upload("bad.csv", b"id,name,latitude,longitude\nz:1,Zed,100,1\n"), "FAILED_PRECONDITION",
         "bad.csv:2: latitude 100.0 out of range"),
    ]:  # fmt: skip
        code, details = _code(call)
        assert code.name == status and details.startswith(said) and root not in details, details


def test_reload_swaps_and_persists(mini_server, tmp_path):
    old = mini_server.state.engine.version
    csv = FIXTURES / "places.csv"
    srcs = _stage(mini_server, *MINI_SOURCES, str(csv))
    events = list(mini_server.admin.Reload(pb.ReloadRequest(sources=srcs), metadata=auth()))
    phases = [e.phase for e in events]
    assert phases[-1] == Phase.SWAPPED and Phase.VALIDATED in phases and Phase.BUILDING in phases
    assert events[-1].version != old and events[-1].places == 15
    assert (
        mini_server.stub.Normalize(pb.NormalizeRequest(query="North Depot")).candidates[0].place.id
        == "depot:1"
    )
    assert (mini_server.config.data_dir / "current.snapshot").exists()
    # A restart serves the reloaded data: a new server on the same data dir.
    from normalizer.server import initial_snapshot

    assert Normalizer.load(initial_snapshot(mini_server.config)).version == events[-1].version


def test_failed_reload_changes_nothing(mini_server):
    old = mini_server.state.engine.version
    bad = mini_server.config.data_dir / "bad.csv"
    bad.write_text("id,name,latitude,longitude\n1,A,1,2\n2,B,95,2\n3,,1,1\n", encoding="utf-8")
    code, details = _code(
        lambda: list(
            mini_server.admin.Reload(pb.ReloadRequest(sources=["bad.csv"]), metadata=auth())
        )
    )
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    assert "bad.csv:3: latitude 95.0 out of range" in details and "bad.csv:4: empty name" in details
    assert mini_server.state.engine.version == old
    assert not (mini_server.config.data_dir / "current.snapshot").exists()
    code, details = _code(
        lambda: list(
            mini_server.admin.Reload(pb.ReloadRequest(sources=["missing.txt"]), metadata=auth())
        )
    )
    assert code == grpc.StatusCode.FAILED_PRECONDITION and "no such file" in details


def test_dry_run_validates_only(mini_server):
    old = mini_server.state.engine.version
    srcs = _stage(mini_server, str(FIXTURES / "places.jsonl"))
    events = list(
        mini_server.admin.Reload(pb.ReloadRequest(sources=srcs, dry_run=True), metadata=auth())
    )
    assert events[-1].phase == Phase.DRY_RUN_OK and events[-1].places == 2
    assert mini_server.state.engine.version == old


def test_upload_and_cap(tmp_path, mini_snapshot):
    srv = start_server(tmp_path, mini_snapshot, max_upload_bytes=4096)
    try:
        data = (FIXTURES / "places.jsonl").read_bytes()
        chunks = [
            pb.UploadChunk(filename="places.jsonl", data=data[:50]),
            pb.UploadChunk(data=data[50:]),
        ]
        events = list(srv.admin.Upload(iter(chunks), metadata=auth()))
        assert events[0].phase == Phase.RECEIVING and events[-1].phase == Phase.SWAPPED
        assert (
            srv.stub.Normalize(pb.NormalizeRequest(query="Camp Alpha")).candidates[0].place.id
            == "camp:7"
        )
        big = [
            pb.UploadChunk(filename="big.csv", data=b"x" * 3000),
            pb.UploadChunk(data=b"x" * 3000),
        ]
        code, details = _code(lambda: list(srv.admin.Upload(iter(big), metadata=auth())))
        assert code == grpc.StatusCode.RESOURCE_EXHAUSTED and "4096" in details
        assert not list((srv.config.data_dir / "uploads").iterdir())  # temp files removed
    finally:
        srv.close()


def test_second_reload_refused_while_first_runs(mini_server):
    srcs = _stage(mini_server)
    first = mini_server.admin.Reload(pb.ReloadRequest(sources=srcs), metadata=auth())
    next(first)  # the first reload is running and holds the lock
    code, details = _code(
        lambda: list(mini_server.admin.Reload(pb.ReloadRequest(sources=srcs), metadata=auth()))
    )
    assert code == grpc.StatusCode.FAILED_PRECONDITION and "already running" in details
    assert list(first)[-1].phase == Phase.SWAPPED


def test_reload_under_load_no_failed_calls(mini_server):
    srcs = _stage(mini_server, *MINI_SOURCES, str(FIXTURES / "places.csv"))
    versions: set[str] = set()
    failures: list[Exception] = []
    stop = threading.Event()

    def hammer():
        while not stop.is_set():
            try:
                r = mini_server.stub.Normalize(pb.NormalizeRequest(query="Yerevan"), timeout=5)
                assert r.candidates[0].place.id == "geonames:616052"
                versions.add(r.gazetteer_version)
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                failures.append(exc)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    events = list(mini_server.admin.Reload(pb.ReloadRequest(sources=srcs), metadata=auth()))
    time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join()
    assert not failures
    assert events[-1].version in versions and len(versions) == 2


NODE_DIR = FIXTURES.parent / "node"


def test_node_client_calls_normalize_from_the_proto_alone(mini_server):
    """A Node.js client built only from proto/ (grpc-js + proto-loader) gets the same answer."""
    import json
    import subprocess

    node = shutil.which("node")
    if node is None or not (NODE_DIR / "node_modules" / "@grpc" / "grpc-js").exists():
        pytest.skip(
            "node or tests/node/node_modules missing (make test installs them when npm exists)"
        )
    out = subprocess.run(
        [node, str(NODE_DIR / "client.js"), mini_server.address, "Susa", "Stepanakert", "Yerevan"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    resp = json.loads(out.stdout)
    assert resp["candidates"][0]["place"]["id"] == "geonames:147105"
    assert resp["candidates"][0]["match_type"] in ("ALTERNATE", "EXACT")
    bad = subprocess.run(
        [node, str(NODE_DIR / "client.js"), mini_server.address, ""],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1 and bad.stderr.startswith("3 ")  # INVALID_ARGUMENT


@pytest.mark.parametrize("mode", ["decoded", "encoded"])
def test_node_stream_load_generator_gets_every_answer(mini_server, tmp_path, mode):
    """The benchmark's Node.js stream load, both ways: every answer arrives, none fails
    (encoded mode decodes one answer in 256 and checks it is its query's)."""
    if shutil.which("node") is None or not (NODE_DIR / "node_modules" / "@grpc").exists():
        pytest.skip("node or tests/node/node_modules missing")
    from tests.bench.service import node_stream_load

    names = ["Susa", "Stepanakert", "Yerevan", "Shusha  ", "Naxcivan"] * 60
    got = node_stream_load(mini_server.address, names, tmp_path, seconds=1, streams=2, mode=mode)
    rate, p50, p99, failed = got
    assert failed == 0 and rate > 0 and p50 <= p99


def test_metrics_endpoint_counts_calls(tmp_path, mini_snapshot):
    import socket
    import urllib.request

    from normalizer import metrics

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = start_server(tmp_path, mini_snapshot)
    try:
        http = metrics.start(port)
        srv.stub.Normalize(pb.NormalizeRequest(query="Yerevan"))
        with pytest.raises(grpc.RpcError):
            srv.stub.Normalize(pb.NormalizeRequest(query=""))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
            body = resp.read().decode()
        http.shutdown()
        http.server_close()
        assert 'placenorm_requests_total{code="OK",method="Normalize"}' in body
        assert 'placenorm_requests_total{code="INVALID_ARGUMENT",method="Normalize"}' in body
        assert "placenorm_request_seconds_bucket" in body
    finally:
        srv.close()


def test_thread_pool_server_answers_and_maps_errors(mini_snapshot, tmp_path):
    """The thread-pool model (kept for the concurrency benchmark) serves the same logic."""
    from tests.conftest import ServerProcess

    srv = ServerProcess(
        "--server-model",
        "threads",
        "--snapshot",
        str(mini_snapshot),
        "--data-dir",
        str(tmp_path),
    )
    try:
        srv.wait_serving()
        local = [("grpc.use_local_subchannel_pool", 1)]  # no connection left from a past server
        with grpc.insecure_channel(srv.address, options=local) as ch:
            from placenorm.v1 import placenorm_pb2_grpc as pb_grpc

            stub = pb_grpc.NormalizerStub(ch)
            assert (
                stub.Normalize(pb.NormalizeRequest(query="Shushi")).candidates[0].place.id
                == "geonames:147105"
            )
            code, details = _code(lambda: stub.Normalize(pb.NormalizeRequest(query="")))
            assert code == grpc.StatusCode.INVALID_ARGUMENT and "empty" in details
            out = list(
                stub.NormalizeStream(
                    iter([pb.NormalizeRequest(query="Yerevan"), pb.NormalizeRequest()])
                )
            )
            assert out[0].candidates and out[1].error.code == "INVALID_ARGUMENT"
            wire = _not_utf8(pb.NormalizeRequest(query="ab"))
            call = _raw(ch, "/placenorm.v1.Normalizer/Normalize")
            code, details = _code(lambda: call(wire, timeout=10))
            assert code == grpc.StatusCode.INVALID_ARGUMENT and "UTF-8" in details
            stream = _raw(ch, "/placenorm.v1.Normalizer/NormalizeStream", "stream_stream")
            out = [pb.NormalizeResponse.FromString(w) for w in stream(iter([wire]), timeout=10)]
            assert out[0].error.code == "INVALID_ARGUMENT"
    finally:
        assert srv.stop() == 0


def test_batch_answers_a_bad_item_with_an_error_and_the_rest_normally(mini_server):
    names = ["Yerevan", "", "Moscow", "a\x00b"]
    req = pb.NormalizeBatchRequest(
        requests=[pb.NormalizeRequest(query=n, request_id=str(i)) for i, n in enumerate(names)]
    )
    for as_document in (False, True):
        req.as_document = as_document
        out = mini_server.stub.NormalizeBatch(req).responses
        assert [r.request_id for r in out] == ["0", "1", "2", "3"]
        assert out[0].candidates and out[2].candidates
        assert out[1].error.code == "INVALID_ARGUMENT" and "empty" in out[1].error.message
        assert "control character" in out[3].error.message


def test_repeated_bare_names_reuse_responses_until_a_reload(tmp_path, mini_snapshot):
    from gazetteer.sources import load_sources
    from normalizer.build import build_snapshot
    from normalizer.config import ServerConfig
    from normalizer.server import NormalizerLogic
    from tests.conftest import MINI_SOURCES

    state = State(Normalizer.load(mini_snapshot))
    logic = NormalizerLogic(state, ServerConfig(data_dir=tmp_path))
    first = logic.normalize(pb.NormalizeRequest(query="Shushi"))
    assert logic.normalize(pb.NormalizeRequest(query="Shushi")) is first
    tagged = logic.stream_item(pb.NormalizeRequest(query="Shushi", request_id="r1"))
    assert tagged.request_id == "r1" and first.request_id == ""
    assert tagged.candidates == first.candidates
    # Any other option takes the full path (and is not answered from the bare entry).
    hinted = logic.normalize(pb.NormalizeRequest(query="Shushi", country_codes=["AZ"]))
    assert hinted is not first and hinted.candidates[0].place.country_code == "AZ"
    # A reload: the next answer comes from the new gazetteer.
    other = tmp_path / "other.snapshot"
    places = list(load_sources(MINI_SOURCES).places)
    places.remove(next(p for p in places if p.id != "geonames:147105"))
    from gazetteer.sources import SourceSet

    build_snapshot(SourceSet(places=places, description=["smaller"]), other)
    fresh = Normalizer.load(other)
    state.swap(fresh)
    # The names served recently were answered once by the new gazetteer before the swap.
    assert fresh._memo.cache_info().currsize >= 1
    again = logic.normalize(pb.NormalizeRequest(query="Shushi"))
    assert fresh._memo.cache_info().hits >= 1
    assert again.gazetteer_version == state.engine.version != first.gazetteer_version


def test_a_swapped_out_gazetteer_is_released(tmp_path, mini_snapshot):
    """Caches of the servicer and engine must not keep an old gazetteer (and its mapped
    file) alive after a reload."""
    import gc
    import weakref

    from normalizer.config import ServerConfig
    from normalizer.server import NormalizerLogic

    old = Normalizer.load(mini_snapshot)
    state = State(old)
    logic = NormalizerLogic(state, ServerConfig(data_dir=tmp_path))
    for name in ("Shushi", "Shusa", "Yerevan"):
        logic.normalize(pb.NormalizeRequest(query=name))
        logic.stream_item(pb.NormalizeRequest(query=name, request_id="x"))
        logic.normalize(pb.NormalizeRequest(query=name, country_codes=["AZ"]))
    gone = weakref.ref(old)
    del old
    state.swap(Normalizer.load(mini_snapshot))
    logic.normalize(pb.NormalizeRequest(query="Yerevan"))
    gc.collect()
    assert gone() is None


def test_a_snapshot_keyed_by_another_folding_is_served_with_a_warning(
    tmp_path, mini_snapshot, monkeypatch, caplog
):
    from gazetteer.sources import load_sources
    from normalizer import build, server
    from normalizer.config import ServerConfig
    from tests.conftest import MINI_SOURCES

    def serve(path):
        caplog.clear()
        config = ServerConfig(data_dir=tmp_path, snapshot=path)
        state = State(None)
        server.load_initial(state, config)
        return state, [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]

    state, warnings = serve(mini_snapshot)
    assert state.engine is not None and not warnings
    old = tmp_path / "old.snapshot"
    monkeypatch.setattr(build, "fold_fingerprint", lambda: "0123456789abcdef")
    build.build_snapshot(load_sources(MINI_SOURCES), old)
    monkeypatch.undo()
    state, warnings = serve(old)
    assert state.engine.normalize("Shushi").best.place.id == "geonames:147105"
    assert any("another version of the name folding" in w for w in warnings)


def test_server_start_builds_the_name_readers(mini_snapshot, tmp_path):
    """The Chinese and Japanese readers are loaded before the gazetteer is served, not by
    the first query that needs one (a fresh process: nothing loaded them before)."""
    import subprocess
    import sys

    code = f"""
from pathlib import Path
from normalizer import text
from normalizer.config import ServerConfig
from normalizer.server import State, load_initial
assert text._pinyin.cache_info().currsize == 0
config = ServerConfig(data_dir=Path({str(tmp_path)!r}), snapshot=Path({str(mini_snapshot)!r}))
load_initial(State(), config)
print(text._pinyin.cache_info().currsize, text._kakasi.cache_info().currsize)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "1"]


def test_a_gazetteer_is_prepared_before_it_serves(mini_snapshot):
    # Tables otherwise built by the first typo are built before the swap.
    engine = Normalizer.load(mini_snapshot)
    assert engine.index._by_initial is None
    State().swap(engine)
    assert engine.index._by_initial is not None


def test_a_replacement_worker_leaves_a_reload_in_progress_alone(tmp_path, mini_snapshot):
    # A worker forked in place of a dead one must not clean the data dir: a sibling may
    # be writing its staging snapshot. A server starting afresh does clean it.
    import time

    from normalizer.config import ServerConfig
    from normalizer.server import load_initial

    config = ServerConfig(data_dir=tmp_path, snapshot=mini_snapshot, answers=False)
    work = [tmp_path / "staging.snapshot", tmp_path / "default.snapshot.partial"]
    for path in work:
        path.write_bytes(b"being written")
    load_initial(State(), config, joining=time.time_ns())
    assert all(path.exists() for path in work)
    load_initial(State(), config)
    assert not any(path.exists() for path in work)
