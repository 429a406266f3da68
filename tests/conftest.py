"""Shared fixtures: real gazetteer files, real snapshots, real servers on free ports."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import grpc
import pytest

from gazetteer.sources import load_sources
from normalizer.build import build_snapshot, ensure_default
from normalizer.config import ServerConfig
from normalizer.engine import Normalizer
from normalizer.server import State, create_server
from placenorm.v1 import placenorm_pb2_grpc as pb_grpc

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI_SOURCES = [
    str(FIXTURES / n) for n in ("mini.txt", "alternateNamesV2.txt", "admin1CodesASCII.txt")
]
TOKEN = "s3cret-test-token"
T = TypeVar("T")


@pytest.fixture(scope="session")
def mini_snapshot(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("snap") / "mini.snapshot"
    build_snapshot(load_sources(MINI_SOURCES), path)
    return path


@pytest.fixture(scope="session")
def mini_engine(mini_snapshot) -> Normalizer:
    return Normalizer.load(mini_snapshot)


@pytest.fixture(scope="session")
def default_snapshot() -> Path:
    env = os.environ.get("PLACENORM_TEST_SNAPSHOT")
    if env and Path(env).exists():
        return Path(env)
    return ensure_default(ROOT / "data")


@pytest.fixture(scope="session")
def engine(default_snapshot) -> Normalizer:
    return Normalizer.load(default_snapshot)


class RunningServer:
    def __init__(self, server: grpc.Server, port: int, state: State, config: ServerConfig) -> None:
        self.server, self.port, self.state, self.config = server, port, state, config
        self.address = f"127.0.0.1:{port}"
        self.channel = grpc.insecure_channel(self.address)
        self.stub = pb_grpc.NormalizerStub(self.channel)
        self.admin = pb_grpc.GazetteerAdminStub(self.channel)

    def close(self) -> None:
        self.channel.close()
        self.server.stop(0).wait()
        self.state.builds.stop()  # a reload's background answers build, if still running


def start_server(tmp_path: Path, snapshot: Path | None, **overrides) -> RunningServer:
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    config = ServerConfig(
        host="127.0.0.1", port=0, data_dir=data_dir, admin_token=TOKEN, **overrides
    )
    state = State(Normalizer.load(snapshot) if snapshot else None)
    server, port = create_server(config, state)
    server.start()
    return RunningServer(server, port, state, config)


@pytest.fixture
def mini_server(tmp_path, mini_snapshot) -> Iterator[RunningServer]:
    srv = start_server(tmp_path, mini_snapshot)
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def default_server(tmp_path_factory, default_snapshot) -> Iterator[RunningServer]:
    srv = start_server(tmp_path_factory.mktemp("srv"), default_snapshot)
    yield srv
    srv.close()


def auth(token: str = TOKEN) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


def cli(
    *args: str,
    env: dict | None = None,
    input: str | None = None,
    timeout: float = 120,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess:
    """Run the real `placenorm` command as a subprocess."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "normalizer.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=timeout,
        cwd=cwd or ROOT,
    )


def reloadable_data_dir(tmp_path: Path) -> tuple[Path, Path]:
    """A data dir holding the mini sources and places.csv, to reload from, and a file
    with the admin token: (data dir, token file)."""
    data = tmp_path / "data"
    data.mkdir()
    token = tmp_path / "token"
    token.write_text(TOKEN)
    for src in [*MINI_SOURCES, FIXTURES / "places.csv"]:
        shutil.copy(src, data)
    return data, token


def reloadable_workers(snapshot: Path, data: Path, token: Path, *args: str) -> ServerProcess:
    """`placenorm serve` with two workers sharing the port over `snapshot`, reloads from
    `data` (`reloadable_data_dir`) allowed with `token`; `args` are more flags."""
    return ServerProcess(
        "--workers", "2", "--snapshot", str(snapshot), "--data-dir", str(data),
        "--admin-token-file", str(token), *args,
    )  # fmt: skip


def on_fresh_connections(
    address: str, n: int, call: Callable[[Any], T], stub: Callable[[Any], Any] | None = None
) -> list[T]:
    """`call(stub)` on `n` connections of their own (no pooled one is reused): the kernel
    spreads them over the workers sharing the port. The stub is Normalizer's by default."""
    local = [("grpc.use_local_subchannel_pool", 1)]
    out = []
    for _ in range(n):
        with grpc.insecure_channel(address, options=local) as channel:
            out.append(call((stub or pb_grpc.NormalizerStub)(channel)))
    return out


def free_port() -> int:
    """A port nobody listens on now (the server binds it right after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """`placenorm serve` in a subprocess; the port is read from its "serving on" line."""

    def __init__(self, *args: str, env: dict | None = None) -> None:
        port = [] if "--port" in args else ["--port", str(free_port())]
        self.args = [*port, *args]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "normalizer.cli", "serve", *port, *args],
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
        )
        self.lines: list[str] = []
        # The log is read from the start by a thread of its own: a full stderr pipe would
        # block the server mid-call, and a server that never says where it listens must
        # fail the test, not hang it. The reader closes the pipe at its end (a compile
        # child orphaned by SIGKILL may hold it open a while; closing it from here would
        # wait for that).
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()
        serving = self._logged(r"serving on [\d.]+:(\d+)", 1, timeout=60)
        self.port = int(serving[0].group(1)) if serving else 0
        if not self.port:
            self.proc.terminate()  # SIGTERM, which a parent of workers passes on to them
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            raise RuntimeError("server did not start: " + "".join(self.lines))
        self.address = f"127.0.0.1:{self.port}"

    def _drain(self) -> None:
        with contextlib.suppress(ValueError, OSError):
            for line in self.proc.stderr:
                self.lines.append(line)
        with contextlib.suppress(ValueError, OSError):
            self.proc.stderr.close()

    def _logged(self, pattern: str, count: int, timeout: float) -> list[re.Match]:
        """The matches of `pattern` in the log's lines once `count` are there, or those
        there are when `timeout` seconds pass or the server has exited and its log is
        read to the end."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for line in list(self.lines) if (m := re.search(pattern, line))]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            if self.proc.poll() is not None and not self._drainer.is_alive():
                return found
            time.sleep(0.02)

    def wait_logged(self, text: str, count: int = 1, timeout: float = 60) -> None:
        """Until `count` lines of the log hold `text` ("gazetteer serving" once per worker)."""
        if len(self._logged(re.escape(text), count, timeout)) < count:
            raise TimeoutError(f"{text!r} not logged {count} times: " + "".join(self.lines))

    def wait_serving(self, timeout: float = 60) -> None:
        from grpc_health.v1 import health_pb2, health_pb2_grpc

        # A channel of its own for every attempt: the process-wide subchannel pool may
        # still hold a connection to an earlier server on this port, backing off after
        # its death, and a connection wedged before the server answered (seen about once
        # in twenty runs: the server idle and SERVING, the health calls timing out) must
        # not be waited on again.
        local = [("grpc.use_local_subchannel_pool", 1)]
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            with grpc.insecure_channel(self.address, options=local) as ch:
                try:
                    resp = health_pb2_grpc.HealthStub(ch).Check(
                        health_pb2.HealthCheckRequest(service=""), timeout=3, wait_for_ready=True
                    )
                except grpc.RpcError as exc:
                    last = f"{exc.code().name}: {exc.details()}"
                    time.sleep(0.1)
                    continue
            last = health_pb2.HealthCheckResponse.ServingStatus.Name(resp.status)
            if resp.status == health_pb2.HealthCheckResponse.SERVING:
                return
            time.sleep(0.1)
        code = self.proc.poll()
        self._kill_with_stacks()  # alive but not serving: its stacks say where it waits
        raise TimeoutError(
            f"server never became SERVING (exit {code}, last health answer {last}; "
            f"args {' '.join(self.args)}): " + "".join(self.lines)
        )

    def _kill_with_stacks(self) -> None:
        """Kill the server; if it is still alive, first have it print every thread's
        stack to its log (SIGUSR1, faulthandler), so a hung server explains itself."""
        import signal

        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGUSR1)
            time.sleep(1)
        self.proc.kill()
        self.proc.wait(timeout=30)

    def stop(self, sig=None) -> int:
        import signal

        self.proc.send_signal(sig or signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._kill_with_stacks()
            self._drainer.join(timeout=10)  # the stacks in the log before it is read
            raise TimeoutError(
                f"server did not stop within 30 s of {sig or signal.SIGTERM!r} "
                f"(args {' '.join(self.args)}): " + "".join(self.lines)
            ) from None
        finally:
            self._drainer.join(timeout=10)
