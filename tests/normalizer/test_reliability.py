"""Nothing crashes it, nothing is lost, no one gets in: bad input, faults, TLS, readers fuzzed."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import signal
import string
import threading
import time
from pathlib import Path

import grpc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gazetteer.sources import load_sources
from gazetteer.validate import SourceError
from normalizer.engine import Normalizer
from placenorm.v1 import placenorm_pb2 as pb
from placenorm.v1 import placenorm_pb2_grpc as pb_grpc
from tests.conftest import (
    FIXTURES,
    MINI_SOURCES,
    TOKEN,
    ServerProcess,
    cli,
    on_fresh_connections,
    reloadable_data_dir,
    reloadable_workers,
    start_server,
)


# ------------------------------------------------------------------ bad input over gRPC
@pytest.mark.parametrize(
    "query",
    [
        "Yere\u200dvan",
        "\u202eYerevan\u202c",
        "Moscow🙂",
        "Москва city",
        "Ереван-Yerevan",
        "ᏣᎳᎩ",
        "a\u0301\u0301\u0301",
    ],
)
def test_odd_but_valid_queries_are_answered(mini_server, query):
    resp = mini_server.stub.Normalize(pb.NormalizeRequest(query=query))
    assert resp.query  # answered, with or without candidates


@pytest.mark.parametrize(
    "query", ["", "   \t ", "\x00", "a\x07b", "🙂🙂🙂", "\u0301", "\u200b\u200b", "x" * (1 << 20)]
)
def test_bad_queries_refused_specifically(mini_server, query):
    with pytest.raises(grpc.RpcError) as err:
        mini_server.stub.Normalize(pb.NormalizeRequest(query=query))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and err.value.details()
    assert mini_server.stub.Normalize(pb.NormalizeRequest(query="Yerevan")).candidates


def test_stream_of_garbage_then_early_close(mini_server):
    def garbage():
        for i in range(200):
            yield pb.NormalizeRequest(
                query=["\x00", "", "🙂", "Yerevan", "x" * 5000][i % 5], limit=[5, -1, 99][i % 3]
            )

    call = mini_server.stub.NormalizeStream(garbage())
    got = []
    for resp in call:
        got.append(resp)
        if len(got) == 50:
            call.cancel()  # the client goes away mid-stream
            break
    assert len(got) == 50 and any(r.error.code for r in got)
    time.sleep(0.1)
    assert mini_server.stub.Normalize(pb.NormalizeRequest(query="Yerevan")).candidates


# ------------------------------------------------------------------ readers fuzzed
_ROW = st.lists(
    st.text(alphabet=string.printable + "ÄəШ\u0301\t", max_size=12), min_size=0, max_size=22
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(_ROW, min_size=1, max_size=6),
    kind=st.sampled_from(["cities.txt", "p.csv", "p.jsonl", "alternateNamesV2.txt"]),
)
def test_readers_never_raise_anything_but_source_error(tmp_path_factory, rows, kind):
    d = tmp_path_factory.mktemp("fuzz")
    path = d / kind
    if kind.endswith(".jsonl"):
        text = "\n".join(
            json.dumps(
                dict(zip(["id", "name", "latitude", "longitude", "alt_names"], r, strict=False))
            )
            for r in rows
        )
    else:
        sep = "," if kind.endswith(".csv") else "\t"
        text = "\n".join(sep.join(c.replace("\n", " ") for c in r) for r in rows)
    path.write_text(text, encoding="utf-8")
    paths = (
        [str(path)] if kind != "alternateNamesV2.txt" else [str(FIXTURES / "mini.txt"), str(path)]
    )
    try:
        result = load_sources(paths)
    except SourceError as exc:
        assert exc.errors and all(":" in e for e in exc.errors)
    else:
        assert result.places


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=300))
def test_random_bytes_are_a_clean_rejection(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "allCountries.zip"
    path.write_bytes(data)
    with pytest.raises(SourceError):
        load_sources([str(path)])


# ------------------------------------------------------------------ reload faults
def _big_geonames(path: Path, n: int) -> None:
    row = (FIXTURES / "mini.txt").read_text(encoding="utf-8").splitlines()[0].split("\t")
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            row[0], row[1] = str(10_000_000 + i), f"Place {i} Testville"
            fh.write("\t".join(row) + "\n")


def _children(pid: int) -> list[int]:
    """Live child processes of `pid` (Linux /proc)."""
    stats = {int(e): _stat(int(e)) for e in os.listdir("/proc") if e.isdigit()}
    return [p for p, fields in stats.items() if fields[:1] != ["Z"] and fields[1:2] == [str(pid)]]


def _alive(pid: int) -> bool:
    """Whether a process runs (exists and is no zombie)."""
    fields = _stat(pid)
    return bool(fields) and fields[0] != "Z"


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the parenthesised command (state, ppid, ...);
    empty when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return []


def test_sigkill_during_reload_then_restart_serves_last_good(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    token = tmp_path / "token"
    token.write_text(TOKEN)
    for src in MINI_SOURCES:
        shutil.copy(src, data)
    _big_geonames(data / "big.txt", 300_000)
    srv = ServerProcess(
        "--data-dir",
        str(data),
        "--admin-token-file",
        str(token),
        "--snapshot",
        str(_mini_snapshot(tmp_path)),
    )
    srv.wait_serving()
    r = cli(
        "reload",
        "mini.txt",
        "alternateNamesV2.txt",
        "--server",
        srv.address,
        "--token-file",
        str(token),
    )
    assert r.returncode == 0, r.stderr
    good = Normalizer.load(data / "current.snapshot").version
    with grpc.insecure_channel(srv.address) as ch:
        call = pb_grpc.GazetteerAdminStub(ch).Reload(
            pb.ReloadRequest(sources=["big.txt"]), metadata=(("authorization", f"Bearer {TOKEN}"),)
        )
        next(call)  # the big reload is under way
        deadline = time.monotonic() + 10
        while not (children := _children(srv.proc.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert children, "no compile child"
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait(timeout=30)
        call.cancel()  # the call's server is gone: end it before its channel closes
    # The compile child dies with its server instead of compiling on for nothing.
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{c}") for c in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(os.path.exists(f"/proc/{c}") for c in children)
    restarted = ServerProcess("--data-dir", str(data))
    try:
        restarted.wait_serving()
        r = cli("info", "--json", "--server", restarted.address)
        assert json.loads(r.stdout)["version"] == good
        leftovers = [
            p.name
            for p in data.iterdir()
            if p.name.endswith(".partial") or p.name == "staging.snapshot"
        ]
        assert leftovers == []  # cleaned at start, never mistaken for a good snapshot
    finally:
        assert restarted.stop() == 0


def _mini_snapshot(tmp_path: Path) -> Path:
    from normalizer.build import build_snapshot

    path = tmp_path / "mini.snapshot"
    build_snapshot(load_sources(MINI_SOURCES), path)
    return path


def test_disk_full_during_reload_changes_nothing(mini_server, monkeypatch):
    from gazetteer import snapshot

    for src in MINI_SOURCES:
        shutil.copy(src, mini_server.config.data_dir)
    old = mini_server.state.engine.version
    real_write = snapshot.write

    def full_disk(path, arrays, meta):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("normalizer.build.snapshot.write", full_disk)
    # Build in this process (the server builds in a child, out of reach of monkeypatch).
    import queue as queue_mod

    from normalizer import server as server_mod

    def build_here(paths, fmt, staging, events):
        out = queue_mod.Queue()
        server_mod._build_job(paths, fmt, str(staging), out)
        real_child_loop(out, events)

    def real_child_loop(out, events):
        while True:
            item = out.get()
            if item[0] == "progress":
                events.put(pb.ReloadProgress.FromString(item[1]))
            elif item[0] == "done":
                return
            else:
                raise OSError(item[2][0], item[4])

    monkeypatch.setattr(server_mod, "_build_in_child", build_here)
    with pytest.raises(grpc.RpcError) as err:
        list(
            mini_server.admin.Reload(
                pb.ReloadRequest(sources=["mini.txt"]),
                metadata=(("authorization", f"Bearer {TOKEN}"),),
            )
        )
    assert err.value.code() in (grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.INTERNAL)
    assert "No space left" in err.value.details()
    monkeypatch.setattr("normalizer.build.snapshot.write", real_write)
    assert mini_server.state.engine.version == old
    assert not (mini_server.config.data_dir / "current.snapshot").exists()


# ------------------------------------------------------------------ TLS and mutual TLS
def _certs(d: Path) -> dict[str, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)

    def make(cn, issuer_key=None, issuer_name=None, ca=False, san=None):
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        b = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(issuer_name or name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if san:
            b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
        cert = b.sign(issuer_key or key, hashes.SHA256())
        pem_key = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return key, name, cert.public_bytes(serialization.Encoding.PEM), pem_key

    ca_key, ca_name, ca_pem, _ = make("placenorm test CA", ca=True)
    _, _, srv_pem, srv_key = make("localhost", ca_key, ca_name, san="localhost")
    _, _, cli_pem, cli_key = make("client", ca_key, ca_name)
    out = {"ca": ca_pem, "srv": srv_pem, "srv_key": srv_key, "cli": cli_pem, "cli_key": cli_key}
    for k, v in out.items():
        (d / f"{k}.pem").write_bytes(v)
    return out


def _tls_server(tmp_path, mini_snapshot, mutual: bool):
    c = _certs(tmp_path)
    return start_server(
        tmp_path,
        mini_snapshot,
        tls_cert=tmp_path / "srv.pem",
        tls_key=tmp_path / "srv_key.pem",
        tls_client_ca=tmp_path / "ca.pem" if mutual else None,
    ), c


def _secure_stub(port, certs, with_client_cert: bool):
    creds = grpc.ssl_channel_credentials(
        certs["ca"],
        certs["cli_key"] if with_client_cert else None,
        certs["cli"] if with_client_cert else None,
    )
    ch = grpc.secure_channel(f"localhost:{port}", creds)
    return ch, pb_grpc.NormalizerStub(ch)


def test_tls(tmp_path, mini_snapshot):
    srv, certs = _tls_server(tmp_path, mini_snapshot, mutual=False)
    try:
        ch, stub = _secure_stub(srv.port, certs, with_client_cert=False)
        with ch:
            assert stub.Normalize(pb.NormalizeRequest(query="Yerevan"), timeout=10).candidates
        with grpc.insecure_channel(f"127.0.0.1:{srv.port}") as plain, pytest.raises(grpc.RpcError):
            pb_grpc.NormalizerStub(plain).Normalize(pb.NormalizeRequest(query="Yerevan"), timeout=5)
        r = cli(
            "normalize",
            "Yerevan",
            "--server",
            f"localhost:{srv.port}",
            "--tls-ca",
            str(tmp_path / "ca.pem"),
        )
        assert r.returncode == 0, r.stderr
    finally:
        srv.close()


def test_mutual_tls_refuses_client_without_certificate(tmp_path, mini_snapshot):
    srv, certs = _tls_server(tmp_path, mini_snapshot, mutual=True)
    try:
        ch, stub = _secure_stub(srv.port, certs, with_client_cert=True)
        with ch:
            assert stub.Normalize(pb.NormalizeRequest(query="Yerevan"), timeout=10).candidates
        ch, stub = _secure_stub(srv.port, certs, with_client_cert=False)
        with ch, pytest.raises(grpc.RpcError) as err:
            stub.Normalize(pb.NormalizeRequest(query="Yerevan"), timeout=5)
        assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        srv.close()


def test_tls_files_that_are_not_a_pem_pair_are_a_usage_error(tmp_path):
    # gRPC itself said only "Failed to bind to address" (server) or that the server could
    # not be reached (client).
    from normalizer.cli import check_tls

    _certs(tmp_path)
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    srv, srv_key, cli_key = (str(tmp_path / f) for f in ("srv.pem", "srv_key.pem", "cli_key.pem"))
    check_tls(srv, srv_key, str(tmp_path / "ca.pem"), ca_flag="--tls-client-ca")  # a good set
    cases = [
        (("serve", "--tls-cert", str(junk), "--tls-key", str(junk)), "pem lib"),
        (("serve", "--tls-cert", srv, "--tls-key", cli_key), "key values mismatch"),
        (
            ("serve", "--tls-cert", srv, "--tls-key", srv_key, "--tls-client-ca", str(junk)),
            f"--tls-client-ca {junk}: no PEM certificate read (no certificate or crl found)",
        ),
        (("normalize", "Yerevan", "--tls-ca", str(junk)), "--tls-ca"),
        (("normalize", "Yerevan", "--tls-key", cli_key), "--tls-cert and --tls-key go together"),
    ]
    for args, said in cases:
        r = cli(*args, "--port" if args[0] == "serve" else "--server", "1")
        assert r.returncode == 2 and r.stderr.count("\n") == 1 and said in r.stderr, r.stderr


# ------------------------------------------------------------------ concurrency
def test_many_concurrent_clients_all_answered(mini_server):
    errors: list[Exception] = []

    def client(i: int) -> None:
        try:
            for _ in range(30):
                mini_server.stub.Normalize(
                    pb.NormalizeRequest(query=["Yerevan", "Susa", "Mosocw"][i % 3]), timeout=10
                )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_workers_share_the_port_and_pick_up_a_reload(tmp_path, mini_snapshot):
    """Two processes on one port (SO_REUSEPORT); a reload through one reaches both."""
    data, token = reloadable_data_dir(tmp_path)
    srv = reloadable_workers(mini_snapshot, data, token)
    try:
        srv.wait_logged("gazetteer serving", count=2)
        old = Normalizer.load(mini_snapshot).version
        r = cli(
            "reload", "mini.txt", "places.csv", "--server", srv.address, "--token-file", str(token)
        )
        assert r.returncode == 0, r.stderr
        new = Normalizer.load(data / "current.snapshot").version
        assert new != old
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            infos = on_fresh_connections(
                srv.address,
                12,
                lambda stub: stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest(), timeout=5),
            )
            versions = {info.version for info in infos}
            if versions == {new}:
                break
            time.sleep(0.5)
        assert versions == {new}
    finally:
        assert srv.stop() == 0


def test_a_reload_reaching_another_worker_while_one_runs_is_refused(tmp_path, mini_snapshot):
    # Workers share the data dir, its staging snapshot and its current one: one reload at
    # a time across them all, not one per process.
    from tests.conftest import auth

    data, token = reloadable_data_dir(tmp_path)
    with (data / "towns.csv").open("w", encoding="utf-8") as fh:  # a reload of some seconds
        fh.write("id,name,latitude,longitude\n")
        fh.writelines(f"t:{i},Town {i},{i % 170 - 85},{i % 350 - 175}\n" for i in range(20_000))
    srv = reloadable_workers(mini_snapshot, data, token, "--no-answers")
    try:
        srv.wait_logged("gazetteer serving", count=2)
        local = [("grpc.use_local_subchannel_pool", 1)]
        with grpc.insecure_channel(srv.address, options=local) as channel:
            first = pb_grpc.GazetteerAdminStub(channel).Reload(
                pb.ReloadRequest(sources=["towns.csv"]), metadata=auth()
            )
            next(first)  # running, the lock held

            def second(admin):
                request = pb.ReloadRequest(sources=["mini.txt"], dry_run=True)
                try:
                    return list(admin.Reload(request, metadata=auth()))[-1].phase
                except grpc.RpcError as exc:
                    return (exc.code().name, "already running" in exc.details())

            said = on_fresh_connections(srv.address, 12, second, pb_grpc.GazetteerAdminStub)
            assert list(first)[-1].phase == pb.ReloadProgress.SWAPPED
        assert said == [("FAILED_PRECONDITION", True)] * 12
    finally:
        assert srv.stop() == 0


def test_cancelled_streams_leave_no_task_behind(mini_server):
    # Each stream reads its requests in a task of its own: a client that goes away
    # mid-stream must leave no task of its stream on the server's event loop.
    import asyncio

    loop = mini_server.server._loop

    def tasks() -> int:
        async def count() -> int:
            return len(asyncio.all_tasks())

        return asyncio.run_coroutine_threadsafe(count(), loop).result(timeout=10)

    def endless():
        while True:
            yield pb.NormalizeRequest(query="Yerevan")

    before = tasks()
    for _ in range(20):
        call = mini_server.stub.NormalizeStream(endless())
        for i, _resp in enumerate(call):
            if i == 100:
                call.cancel()
                break
    deadline = time.monotonic() + 10
    while tasks() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert tasks() <= before
    assert mini_server.stub.Normalize(pb.NormalizeRequest(query="Yerevan")).candidates
