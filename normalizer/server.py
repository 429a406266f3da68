"""gRPC service: Normalizer, GazetteerAdmin, health and reflection.

The servicers are thin: they convert messages (normalizer.convert), call the engine,
and map domain errors to one gRPC status each (`_STATUS`). The served gazetteer is one
reference (`State.engine`) swapped whole after a reload has been built and validated
aside, so readers never wait and never see half a gazetteer.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import gc
import hmac
import logging
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Awaitable, Callable, Iterator
from concurrent import futures
from pathlib import Path

import grpc
from google.protobuf.message import DecodeError
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from gazetteer.snapshot import SnapshotError
from gazetteer.sources import FORMATS, load_sources
from gazetteer.validate import SourceError
from normalizer import convert, metrics
from normalizer.answers import Answers, answers_path, current, spawn_builder
from normalizer.build import build_snapshot, ensure_default, fold_fingerprint
from normalizer.config import ServerConfig
from normalizer.engine import Normalizer
from normalizer.errors import NotReady, PlaceNotFound, QueryError, shown
from normalizer.text import load_readers
from placenorm.v1 import placenorm_pb2 as pb
from placenorm.v1 import placenorm_pb2_grpc as pb_grpc

__all__ = ["State", "create_server", "serve"]

log = logging.getLogger(__name__)

NORMALIZER = pb.DESCRIPTOR.services_by_name["Normalizer"].full_name
ADMIN = pb.DESCRIPTOR.services_by_name["GazetteerAdmin"].full_name
Phase = pb.ReloadProgress.Phase
_BARE = frozenset({"query", "request_id"})
STREAM_AHEAD = 64  # answers a stream computes ahead of its writes (back-pressure bound)
_SIGNAL_POLL_SECONDS = 0.5  # how soon a signal taken by another thread is acted on
_RESTARTS_PER_MINUTE = 5  # workers replaced after dying on their own, before giving up


class BatchTooLarge(Exception):
    pass


class ReloadBusy(Exception):
    pass


class PathRefused(Exception):
    pass


class UploadTooLarge(Exception):
    pass


class MalformedMessage(QueryError):
    """A request message that does not parse (a string that is not UTF-8, a broken wire
    format). The service's parsers return it as a value instead of raising: grpc would
    answer a parser's exception with UNKNOWN or INTERNAL and end a stream over one bad
    message, where a call should be refused with INVALID_ARGUMENT and a stream item
    answered with its own error."""


def _parser(message_type) -> Callable[[bytes], object]:
    parse = message_type.FromString
    name = message_type.DESCRIPTOR.full_name

    def parse_or_refuse(data: bytes):
        try:
            return parse(data)
        except DecodeError as exc:
            reason = str(exc).rpartition("': ")[2] or "malformed"
            return MalformedMessage(f"request is not a valid {name}: {reason}")

    return parse_or_refuse


def _has_control(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" for c in text)


def _parsed(message):
    """The request, or its MalformedMessage raised."""
    if isinstance(message, MalformedMessage):
        raise message
    return message


_HANDLERS = {
    (False, False): grpc.unary_unary_rpc_method_handler,
    (False, True): grpc.unary_stream_rpc_method_handler,
    (True, False): grpc.stream_unary_rpc_method_handler,
    (True, True): grpc.stream_stream_rpc_method_handler,
}


def add_servicer(server, service: str, servicer) -> None:
    """Serve `servicer` as placenorm.v1.<service>, as the generated
    add_<service>Servicer_to_server does, but with the parsers of `_parser`."""
    descriptor = pb.DESCRIPTOR.services_by_name[service]
    handlers = {
        method.name: _HANDLERS[method.client_streaming, method.server_streaming](
            getattr(servicer, method.name),
            request_deserializer=_parser(getattr(pb, method.input_type.name)),
            response_serializer=getattr(pb, method.output_type.name).SerializeToString,
        )
        for method in descriptor.methods
    }
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler(descriptor.full_name, handlers),)
    )
    server.add_registered_method_handlers(descriptor.full_name, handlers)


class Deadline(Exception):
    pass


# One error map: domain exception -> gRPC status. Nothing escapes as UNKNOWN.
_STATUS: tuple[tuple[type[BaseException], grpc.StatusCode], ...] = (
    (QueryError, grpc.StatusCode.INVALID_ARGUMENT),
    (PlaceNotFound, grpc.StatusCode.NOT_FOUND),
    (NotReady, grpc.StatusCode.UNAVAILABLE),
    (BatchTooLarge, grpc.StatusCode.RESOURCE_EXHAUSTED),
    (UploadTooLarge, grpc.StatusCode.RESOURCE_EXHAUSTED),
    (ReloadBusy, grpc.StatusCode.FAILED_PRECONDITION),
    (SourceError, grpc.StatusCode.FAILED_PRECONDITION),
    (SnapshotError, grpc.StatusCode.FAILED_PRECONDITION),
    (PathRefused, grpc.StatusCode.PERMISSION_DENIED),
    (Deadline, grpc.StatusCode.DEADLINE_EXCEEDED),
)


MAX_DETAILS = 2000  # characters of a status message (trailers: clients cap them at 8 KB)


def status_for(exc: BaseException) -> tuple[grpc.StatusCode, str]:
    code, message = _status_for(exc)
    if len(message) > MAX_DETAILS:
        message = message[: MAX_DETAILS - 40] + f"... ({len(message)} characters)"
    return code, message


def _status_for(exc: BaseException) -> tuple[grpc.StatusCode, str]:
    if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError):
        import errno

        code = (
            grpc.StatusCode.RESOURCE_EXHAUSTED
            if exc.errno == errno.ENOSPC
            else grpc.StatusCode.FAILED_PRECONDITION
        )
        return code, f"cannot write the new snapshot: {exc.strerror or exc}; nothing changed"
    for kind, code in _STATUS:
        if isinstance(exc, kind):
            message = str(exc)
            if isinstance(exc, SourceError) and len(exc.errors) > 1:
                message = "source rejected: " + "; ".join(exc.errors[:10])
                if exc.total > 10:
                    message += f" (and {exc.total - 10} more)"
            return code, message
    return grpc.StatusCode.INTERNAL, f"internal error: {type(exc).__name__}"


def _rpc(method: str, *, streaming: bool = False) -> Callable:
    """Time the call, count it by status, and map domain errors to statuses."""

    def deco(fn: Callable) -> Callable:
        def fail(context: grpc.ServicerContext, exc: BaseException, start: float) -> None:
            code, message = status_for(exc)
            if code is grpc.StatusCode.INTERNAL:
                log.exception("rpc=%s failed", method)
            metrics.observe(method, code.name, time.perf_counter() - start)
            context.abort(code, message)

        if streaming:

            @functools.wraps(fn)
            def stream_wrapper(self, request, context):
                start = time.perf_counter()
                try:
                    # Each stream's messages are parsed where they are read (stream_item,
                    # _receive), a Reload's request in reload_events, which aio calls too.
                    yield from fn(self, request, context)
                except Exception as exc:  # noqa: BLE001 - mapped to a status in one place
                    if _is_abort(exc):
                        raise
                    fail(context, exc, start)
                else:
                    metrics.observe(method, "OK", time.perf_counter() - start)

            return stream_wrapper

        @functools.wraps(fn)
        def wrapper(self, request, context):
            start = time.perf_counter()
            try:
                out = fn(self, _parsed(request), context)
            except Exception as exc:  # noqa: BLE001 - mapped to a status in one place
                if _is_abort(exc):
                    raise
                fail(context, exc, start)
            metrics.observe(method, "OK", time.perf_counter() - start)
            return out

        return wrapper

    return deco


def _is_abort(exc: BaseException) -> bool:
    # grpc's sync server signals context.abort() with a bare Exception subclass.
    return type(exc).__module__.startswith("grpc")


class State:
    """The served gazetteer. Readers take `engine` once per call; reloads replace it."""

    def __init__(self, engine: Normalizer | None = None) -> None:
        self.engine = engine
        self.reload_lock = threading.Lock()
        self.health: health.HealthServicer | None = None
        self.failed = False  # the initial gazetteer could not be loaded
        # Names asked recently (set by the servicer): a new gazetteer answers them once
        # before it is swapped in, so the first calls after a reload find warm caches.
        self.recent: Callable[[], list[str]] | None = None
        self.builds = AnswerBuilds()

    def require(self) -> Normalizer:
        engine = self.engine
        if engine is None:
            raise NotReady("no gazetteer loaded yet; the server is starting (see health)")
        return engine

    def swap(self, engine: Normalizer) -> None:
        engine.prepare()  # the first calls after the swap find the first-use tables built
        if self.recent is not None and self.engine is not None:
            for text in self.recent():
                with contextlib.suppress(QueryError):
                    engine.normalize(text)
        old = self.engine
        self.engine = engine  # one reference assignment: calls in flight keep the old one
        # The collector's full passes would walk the engine's half million long-lived
        # objects (tables, readers) again and again: ~50 ms each, seven in 3,000
        # first-asked names, measured. Frozen, they are skipped.
        gc.freeze()
        metrics.gazetteer(engine)
        if self.health is not None:
            for service in ("", NORMALIZER):
                self.health.set(service, health_pb2.HealthCheckResponse.SERVING)
        log.info(
            "gazetteer serving version=%s places=%d previous=%s",
            engine.version,
            engine.info().places,
            old.version if old else "-",
        )


class AnswerBuilds:
    """At most one background `placenorm answers` per process (normalizer/answers.py):
    a newer snapshot's build replaces an unfinished one for an older snapshot."""

    def __init__(self) -> None:
        self._child: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def start(self, snapshot_path: str | os.PathLike[str]) -> None:
        with self._lock:
            self._stop()
            child = spawn_builder(snapshot_path)
            if child is not None:
                # Reaped when it ends, whoever holds this object by then.
                threading.Thread(target=child.wait, name="answers-reaper", daemon=True).start()
            self._child = child

    def stop(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        child, self._child = self._child, None
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def attach_answers(engine: Normalizer, seen: dict[str, tuple[int, int]]) -> None:
    """Attach the answers file of the served snapshot once it appears (built in the
    background) or changes; `seen` remembers the file state last tried."""
    if engine.answers is not None:
        return
    path = answers_path(engine.snapshot.path)
    try:
        st = path.stat()
    except OSError:
        return
    if seen.get(engine.version) == (st.st_ino, st.st_mtime_ns):
        return
    seen[engine.version] = (st.st_ino, st.st_mtime_ns)
    if current(path, engine.version):
        table = Answers.open(path, engine.version)
        if table is not None:
            engine.answers = table  # results are the same either way: no lock needed
            log.info("answers attached version=%s names=%d", engine.version, table.count)


class NormalizerLogic:
    """The Normalizer service once, free of any server flavour: requests in, responses
    out, domain errors raised. The sync and asyncio servicers are thin shells over it."""

    # Responses built for memoized results (the engine hands back the same Result object
    # for a repeated name): building the protobuf costs more than finding the answer.
    RESPONSE_CACHE = 8192

    def __init__(self, state: State, config: ServerConfig) -> None:
        self.state = state
        self.config = config
        self._responses: collections.OrderedDict = collections.OrderedDict()
        self._responses_lock = threading.Lock()
        self._bare: dict[str, tuple[Normalizer, pb.NormalizeResponse]] = {}
        state.recent = self._recent_names

    WARM_NAMES = 4096

    def _recent_names(self) -> list[str]:
        with self._responses_lock:
            names = list(self._bare)
        return names[-self.WARM_NAMES :]

    def _respond(self, engine: Normalizer, result) -> pb.NormalizeResponse:
        hit = self._responses.get(id(result))
        if hit is not None and hit[0] is result and hit[1] is engine:
            return hit[2]
        msg = convert.result_to_pb(result, engine.version, engine.country_name)
        with self._responses_lock:
            if self._responses and next(reversed(self._responses.values()))[1] is not engine:
                self._responses.clear()  # a reload: let the old engine and its file go
            # The entry keeps the result alive, so its id cannot be reused meanwhile.
            self._responses[id(result)] = (result, engine, msg)
            while len(self._responses) > self.RESPONSE_CACHE:
                self._responses.popitem(last=False)
        return msg

    def _bare_hit(self, engine: Normalizer, request: pb.NormalizeRequest):
        """A name alone (maybe with a request id) answered before by this engine: the
        response again, without validating and preparing the query a second time."""
        fields = request.ListFields()
        if not 1 <= len(fields) <= 2 or not all(f.name in _BARE for f, _ in fields):
            return None
        hit = self._bare.get(request.query)
        if hit is None or hit[0] is not engine:
            return None
        if not request.request_id:
            return hit[1]
        msg = pb.NormalizeResponse()
        msg.CopyFrom(hit[1])
        msg.request_id = request.request_id
        return msg

    def _remember_bare(self, engine: Normalizer, request, msg: pb.NormalizeResponse) -> None:
        if len(request.ListFields()) != 1:  # the query alone: msg carries no request id
            return
        with self._responses_lock:
            if self._bare and next(iter(self._bare.values()))[0] is not engine:
                self._bare.clear()  # a reload
            self._bare[request.query] = (engine, msg)
            if len(self._bare) > self.RESPONSE_CACHE:
                del self._bare[next(iter(self._bare))]

    def normalize(self, request: pb.NormalizeRequest) -> pb.NormalizeResponse:
        engine = self.state.require()
        msg = self._bare_hit(engine, request)
        if msg is None:
            msg = self._respond(engine, engine.normalize_query(convert.query_from_pb(request)))
            self._remember_bare(engine, request, msg)
        return msg

    def batch(self, request: pb.NormalizeBatchRequest, still_wanted: Callable[[], bool]):
        """Order preserved; a refused item answers with `error`, the others are resolved
        (in document mode, jointly, without the refused ones)."""
        engine = self.state.require()
        n = len(request.requests)
        if n > self.config.max_batch:
            raise BatchTooLarge(f"batch of {n} names, at most {self.config.max_batch}; split it")
        checked: list = []
        for r in request.requests:
            try:
                checked.append(engine.check(convert.query_from_pb(r)))
            except QueryError as exc:
                checked.append(_refused(engine, r, exc))
        valid = [q for q in checked if not isinstance(q, pb.NormalizeResponse)]
        results = engine.normalize_many(
            valid, as_document=request.as_document, keep_going=still_wanted
        )
        if results is None:
            raise Deadline(f"deadline passed during a batch of {n} names; work stopped")
        it = iter(results)
        return pb.NormalizeBatchResponse(
            responses=[
                q if isinstance(q, pb.NormalizeResponse) else self._respond(engine, next(it))
                for q in checked
            ]
        )

    def stream_item(self, request: pb.NormalizeRequest) -> pb.NormalizeResponse:
        """One stream item; a refused item answers with `error` instead of ending the stream."""
        engine = self.state.require()
        if isinstance(request, MalformedMessage):
            return _refused(engine, pb.NormalizeRequest(), request)
        msg = self._bare_hit(engine, request)
        if msg is not None:
            return msg
        try:
            result = engine.normalize_query(convert.query_from_pb(request))
        except QueryError as exc:
            return _refused(engine, request, exc)
        msg = self._respond(engine, result)
        self._remember_bare(engine, request, msg)
        return msg

    def get_place(self, request: pb.GetPlaceRequest) -> pb.Place:
        engine = self.state.require()
        if not request.id.strip():
            raise QueryError("place id is empty")
        place = engine.get(request.id.strip())
        return convert.place_to_pb(place, engine.country_name(place.country_code))

    def info(self, request: pb.GetGazetteerInfoRequest) -> pb.GazetteerInfo:
        return convert.info_to_pb(self.state.require().info())


def _refused(
    engine: Normalizer, request: pb.NormalizeRequest, exc: QueryError
) -> pb.NormalizeResponse:
    return pb.NormalizeResponse(
        request_id=request.request_id,
        query=request.query[:256],
        gazetteer_version=engine.version,
        error=pb.Error(code="INVALID_ARGUMENT", message=str(exc)),
    )


def _still_wanted(context) -> Callable[[], bool]:
    def check() -> bool:
        remaining = context.time_remaining()
        return context.is_active() and (remaining is None or remaining > 0)

    return check


class NormalizerService(pb_grpc.NormalizerServicer):
    """Thread-pool servicer (`--server-model threads`; measured against aio in README)."""

    def __init__(self, state: State, config: ServerConfig) -> None:
        self.logic = NormalizerLogic(state, config)

    @_rpc("Normalize")
    def Normalize(self, request, context):
        return self.logic.normalize(request)

    @_rpc("NormalizeBatch")
    def NormalizeBatch(self, request, context):
        return self.logic.batch(request, _still_wanted(context))

    @_rpc("NormalizeStream", streaming=True)
    def NormalizeStream(self, request_iterator, context):
        for request in request_iterator:
            yield self.logic.stream_item(request)

    @_rpc("GetPlace")
    def GetPlace(self, request, context):
        return self.logic.get_place(request)

    @_rpc("GetGazetteerInfo")
    def GetGazetteerInfo(self, request, context):
        return self.logic.info(request)


def _aio_still_wanted(context) -> Callable[[], bool]:
    def check() -> bool:
        remaining = context.time_remaining()
        return not context.done() and (remaining is None or remaining > 0)

    return check


class AsyncNormalizerService(pb_grpc.NormalizerServicer):
    """grpc.aio servicer, the default (README, "Concurrency"): one event loop per process
    answers unary calls and stream messages without a thread hand-off per message; a
    batch runs on the pool so the loop keeps answering while it works."""

    def __init__(self, state: State, config: ServerConfig, pool: futures.Executor) -> None:
        self.logic = NormalizerLogic(state, config)
        self._pool = pool

    async def _call(
        self, method: str, context, fn: Callable, request, *args, offload: bool = False
    ):
        start = time.perf_counter()
        try:
            args = (_parsed(request), *args)
            if offload:
                out = await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)
            else:
                out = fn(*args)
        except Exception as exc:  # noqa: BLE001 - mapped to a status in one place
            await _aio_fail(method, context, exc, start)
        metrics.observe(method, "OK", time.perf_counter() - start)
        return out

    async def Normalize(self, request, context):
        return await self._call("Normalize", context, self.logic.normalize, request)

    async def NormalizeBatch(self, request, context):
        return await self._call(
            "NormalizeBatch",
            context,
            self.logic.batch,
            request,
            _aio_still_wanted(context),
            offload=True,
        )

    async def NormalizeStream(self, request_iterator, context):
        start = time.perf_counter()
        # Reading and writing overlap: a reader task answers requests into a bounded
        # queue while this coroutine writes, so the next read is already pending while
        # a write completes (one event-loop wake-up serves both). The bound keeps
        # back-pressure: a client that stops reading stops the reader at STREAM_AHEAD.
        # context.read() rather than request_iterator: no async-generator wrapper per
        # message (server CPU per streamed name 75 -> 71 us, measured).
        answers: asyncio.Queue = asyncio.Queue(STREAM_AHEAD)

        async def read() -> None:
            try:
                while (request := await context.read()) is not grpc.aio.EOF:
                    await answers.put(self.logic.stream_item(request))
            except Exception as exc:  # noqa: BLE001 - handed to the writer, mapped there
                await answers.put(exc)
                return
            await answers.put(None)

        reader = asyncio.create_task(read())
        try:
            while (answer := await answers.get()) is not None:
                if isinstance(answer, Exception):
                    raise answer
                await context.write(answer)
        except Exception as exc:  # noqa: BLE001 - mapped to a status in one place
            if isinstance(exc, grpc.aio.AbortError):
                raise
            await _aio_fail("NormalizeStream", context, exc, start)
        finally:
            reader.cancel()
        metrics.observe("NormalizeStream", "OK", time.perf_counter() - start)

    async def GetPlace(self, request, context):
        return await self._call("GetPlace", context, self.logic.get_place, request)

    async def GetGazetteerInfo(self, request, context):
        return await self._call("GetGazetteerInfo", context, self.logic.info, request)


class AdminService(pb_grpc.GazetteerAdminServicer):
    def __init__(self, state: State, config: ServerConfig) -> None:
        self.state = state
        self.config = config

    @_rpc("Reload", streaming=True)
    def Reload(self, request, context):
        yield from self.reload_events(request)

    @_rpc("Upload", streaming=True)
    def Upload(self, request_iterator, context):
        yield from self.upload_events(request_iterator)

    def reload_events(self, request: pb.ReloadRequest) -> Iterator[pb.ReloadProgress]:
        paths = [self._confine(p) for p in _parsed(request).sources]
        if not paths:
            raise QueryError("no sources given")
        root = self.config.data_dir.resolve()
        yield from self._reload(paths, request.format, request.dry_run, named_from=root)

    def upload_events(self, chunks) -> Iterator[pb.ReloadProgress]:
        uploads = self.config.data_dir / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix="upload-", dir=uploads))
        try:
            paths, fmt, dry_run = self._receive(chunks, workdir)
            yield pb.ReloadProgress(phase=Phase.RECEIVING, detail=f"received {len(paths)} file(s)")
            yield from self._reload([str(p) for p in paths], fmt, dry_run, named_from=workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _receive(self, chunks, workdir: Path) -> tuple[list[Path], str, bool]:
        paths: list[Path] = []
        fmt, dry_run = "", False
        total = 0
        out = None
        try:
            for i, chunk in enumerate(map(_parsed, chunks)):
                if i == 0:
                    fmt, dry_run = chunk.format, chunk.dry_run
                if chunk.filename:
                    name = os.path.basename(chunk.filename.replace("\\", "/"))
                    if (
                        not name
                        or name.startswith(".")
                        or _has_control(name)
                        or len(name.encode()) > 255  # NAME_MAX
                    ):
                        raise QueryError(f"bad upload file name {shown(chunk.filename)}")
                    if out:
                        out.close()
                    path = workdir / name
                    if path in paths:
                        raise QueryError(f"file {shown(name)} uploaded twice")
                    paths.append(path)
                    out = open(path, "wb")  # noqa: SIM115 - closed on the next file or below
                elif out is None:
                    raise QueryError("the first upload chunk must name its file")
                total += len(chunk.data)
                if total > self.config.max_upload_bytes:
                    raise UploadTooLarge(f"upload exceeds {self.config.max_upload_bytes} bytes")
                out.write(chunk.data)
        finally:
            if out:
                out.close()
        if not paths:
            raise QueryError("empty upload: no files")
        return paths, fmt, dry_run

    def _confine(self, source: str) -> str:
        """Resolve a source under the data dir; refuse anything that leaves it."""
        root = self.config.data_dir.resolve()
        if _has_control(source):
            raise QueryError(f"source {shown(source)} holds a control character")
        if not source or os.path.isabs(source):
            raise PathRefused(
                f"source {shown(source)} must be a path relative to the server's data dir"
            )
        real = (root / source).resolve()
        if real != root and root not in real.parents:
            raise PathRefused(f"source {shown(source)} leaves the server's data dir")
        return str(real)

    def _reload(
        self, paths: list[str], fmt: str, dry_run: bool, *, named_from: Path
    ) -> Iterator[pb.ReloadProgress]:
        """Reload from `paths`; a rejection names the files from `named_from` (the data dir,
        or the upload's own directory), not by the server's absolute paths."""
        if fmt and fmt not in FORMATS:
            raise QueryError(f"unknown format {shown(fmt)}; one of {', '.join(FORMATS)}")
        if not self.state.reload_lock.acquire(blocking=False):
            raise ReloadBusy("a reload is already running; try again when it has finished")
        try:
            with _data_dir_lock(self.config.data_dir):
                yield from _run_reload(self.state, self.config, paths, fmt or None, dry_run)
        except SourceError as exc:
            prefix = f"{named_from}{os.sep}"
            raise SourceError([e.replace(prefix, "") for e in exc.errors], exc.total) from None
        finally:
            self.state.reload_lock.release()


@contextlib.contextmanager
def _data_dir_lock(data_dir: Path) -> Iterator[None]:
    """The data dir's reload lock, across processes: workers sharing the port share the
    data dir, its staging snapshot and its current one, so a reload that reaches another
    worker while one runs is refused there too. An advisory lock the kernel drops with
    its holder, so a killed worker leaves none behind."""
    import fcntl

    fd = os.open(data_dir / "reload.lock", os.O_CREAT | os.O_RDWR, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReloadBusy(
                "a reload is already running (in another worker); try again when it has finished"
            ) from None
        yield
    finally:
        os.close(fd)  # releases the lock


_DONE = object()


class AsyncAdminService(pb_grpc.GazetteerAdminServicer):
    """GazetteerAdmin on the grpc.aio server: the blocking work (receiving files, waiting
    on the compiling child) runs on the pool one step at a time, the loop only relays."""

    def __init__(self, admin: AdminService, pool: futures.Executor) -> None:
        self._admin = admin
        self._pool = pool

    async def Reload(self, request, context):
        async for event in self._drive("Reload", context, self._admin.reload_events(request)):
            yield event

    async def Upload(self, request_iterator, context):
        chunks = _blocking_iter(request_iterator, asyncio.get_running_loop())
        async for event in self._drive("Upload", context, self._admin.upload_events(chunks)):
            yield event

    async def _drive(self, method: str, context, events: Iterator):
        start = time.perf_counter()
        step = None
        try:
            while True:
                step = self._pool.submit(next, events, _DONE)
                event = await asyncio.wrap_future(step)
                if event is _DONE:
                    break
                yield event
        except Exception as exc:  # noqa: BLE001 - mapped to a status in one place
            await _aio_fail(method, context, exc, start)
        else:
            metrics.observe(method, "OK", time.perf_counter() - start)
        finally:
            # Caller gone or failed: close the generator (releasing the reload lock, killing
            # the compiling child) once its current step has returned.
            if step is not None and not step.done():
                step.add_done_callback(lambda _: events.close())
            else:
                events.close()


def _blocking_iter(messages, loop: asyncio.AbstractEventLoop) -> Iterator:
    """An async request stream read from a pool thread, one message at a time."""
    it = messages.__aiter__()
    while True:
        try:
            yield asyncio.run_coroutine_threadsafe(it.__anext__(), loop).result()
        except StopAsyncIteration:
            return


async def _aio_fail(method: str, context, exc: BaseException, start: float) -> None:
    code, message = status_for(exc)
    if code is grpc.StatusCode.INTERNAL:
        log.error("rpc=%s failed", method, exc_info=exc)
    metrics.observe(method, code.name, time.perf_counter() - start)
    await context.abort(code, message)


def _run_reload(
    state: State, config: ServerConfig, paths: list[str], fmt: str | None, dry_run: bool
) -> Iterator[pb.ReloadProgress]:
    """Read + validate + build aside in a worker thread, streaming progress; swap at the end."""
    events: queue.Queue = queue.Queue()
    outcome: dict[str, object] = {}
    staging = config.data_dir / "staging.snapshot"

    def work() -> None:
        try:
            # Reading, validating and compiling run in a child process: the serving
            # process keeps its GIL (and its memory) for the calls it is answering.
            _build_in_child(paths, fmt, staging, events)
            engine = Normalizer.load(staging)
            if dry_run:
                outcome["dry"] = engine
                os.unlink(staging)
                return
            os.replace(staging, config.current_snapshot)
            engine.snapshot.path = str(config.current_snapshot)
            outcome["engine"] = engine
        except BaseException as exc:  # noqa: BLE001 - reported to the caller as a status
            outcome["error"] = exc
            with contextlib.suppress(OSError):
                staging.unlink()
        finally:
            events.put(None)

    worker = threading.Thread(target=work, name="reload", daemon=True)
    worker.start()
    while (event := events.get()) is not None:
        yield event
    worker.join()
    if "error" in outcome:
        metrics.reloaded("rejected")
        exc = outcome["error"]
        log.warning("reload rejected sources=%s error=%s", paths, exc)
        raise exc if isinstance(exc, Exception) else RuntimeError(str(exc))
    if "dry" in outcome:
        engine = outcome["dry"]
        yield pb.ReloadProgress(
            phase=Phase.DRY_RUN_OK,
            version=engine.version,
            places=engine.info().places,
            detail="valid; nothing changed (dry run)",
        )
        return
    engine = outcome["engine"]
    state.swap(engine)
    metrics.reloaded("ok")
    if config.answers:
        state.builds.start(config.current_snapshot)
    yield pb.ReloadProgress(
        phase=Phase.SWAPPED,
        version=engine.version,
        places=engine.info().places,
        detail="now serving",
    )


def _die_with_parent() -> None:
    """Linux: a compile child whose server was killed stops too, instead of compiling on
    for nothing (holding memory and a core) next to the restarted server."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the server died before prctl took effect
        os._exit(1)


def _build_job(paths: list[str], fmt: str | None, staging: str, out) -> None:
    """Child process: read, validate, compile. Reports ("progress", ReloadProgress bytes),
    ("error", kind, errors, total, message) or ("done",) on `out`."""
    with contextlib.suppress(OSError):
        os.nice(19)  # compiling yields the cores to the calls being served (README)
    _die_with_parent()
    try:

        def progress(phase: str, rows: int, rejected: int) -> None:
            msg = pb.ReloadProgress(
                phase=Phase.READING, detail=phase, rows_read=rows, rows_rejected=rejected
            )
            out.put(("progress", msg.SerializeToString()))

        sources = load_sources(paths, fmt=fmt, progress=progress)
        for msg in (
            pb.ReloadProgress(
                phase=Phase.VALIDATED,
                rows_read=sources.rows_read,
                places=len(sources.places),
                detail="all rows valid",
            ),
            pb.ReloadProgress(
                phase=Phase.BUILDING, detail="compiling snapshot", places=len(sources.places)
            ),
        ):
            out.put(("progress", msg.SerializeToString()))
        build_snapshot(sources, staging)
        out.put(("done",))
    except SourceError as exc:
        out.put(("error", "source", exc.errors, exc.total, str(exc)))
    except OSError as exc:
        out.put(("error", "os", [exc.errno or 0], 0, exc.strerror or str(exc)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which maps it
        out.put(("error", "other", [], 0, f"{type(exc).__name__}: {exc}"))


def _build_in_child(paths: list[str], fmt: str | None, staging: Path, events: queue.Queue) -> None:
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    child = ctx.Process(
        target=_build_job,
        args=(paths, fmt, str(staging), out),
        name="placenorm-reload",
        daemon=True,
    )
    child.start()
    try:
        while True:
            try:
                item = out.get(timeout=1.0)
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(
                        f"reload process died (exit code {child.exitcode})"
                    ) from None
                continue
            if item[0] == "progress":
                events.put(pb.ReloadProgress.FromString(item[1]))
            elif item[0] == "done":
                return
            else:
                _, kind, errors, total, message = item
                if kind == "source":
                    raise SourceError(errors, total)
                if kind == "os":
                    raise OSError(errors[0], message)
                raise RuntimeError(message)
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()


class AdminAuth(grpc.ServerInterceptor):
    """Bearer token on every GazetteerAdmin call, compared in constant time."""

    def __init__(self, token: str) -> None:
        self._token = token.encode()

    def verdict(self, handler, details) -> tuple[grpc.StatusCode, str] | None:
        """None when the call may proceed, else the refusal's status and message."""
        if handler is None or not details.method.startswith(f"/{ADMIN}/"):
            return None
        auth = dict(details.invocation_metadata or ()).get("authorization", "")
        scheme, _, token = auth.partition(" ")
        if not auth:
            return (
                grpc.StatusCode.UNAUTHENTICATED,
                "admin call without `authorization: Bearer <token>`",
            )
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), self._token
        ):
            return grpc.StatusCode.PERMISSION_DENIED, "admin token not accepted"
        return None

    def intercept_service(self, continuation, details):
        handler = continuation(details)
        refused = self.verdict(handler, details)
        return handler if refused is None else _refusal(handler, *refused)


class AsyncAdminAuth(grpc.aio.ServerInterceptor):
    """AdminAuth for the grpc.aio server."""

    def __init__(self, token: str) -> None:
        self._auth = AdminAuth(token)

    async def intercept_service(self, continuation, details):
        handler = await continuation(details)
        refused = self._auth.verdict(handler, details)
        return handler if refused is None else _refusal(handler, *refused, aio=True)


def _refusal(handler, code: grpc.StatusCode, message: str, *, aio: bool = False):
    """A handler of the same kind as `handler` that only refuses (for either server)."""
    method = details_method(handler)

    def refuse(request_or_iterator, context):
        metrics.observe(method, code.name, 0.0)
        context.abort(code, message)

    async def refuse_aio(request_or_iterator, context):
        metrics.observe(method, code.name, 0.0)
        await context.abort(code, message)

    behaviour = refuse_aio if aio else refuse
    if handler.request_streaming:
        return grpc.stream_stream_rpc_method_handler(behaviour)
    return grpc.unary_stream_rpc_method_handler(behaviour)


def details_method(handler) -> str:
    return "Upload" if handler.request_streaming else "Reload"


def _new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop where it is installed (libuv's loop: ~9% less server CPU per streamed
    message than asyncio's own, measured), else asyncio's."""
    try:
        import uvloop
    except ImportError:  # not built for every platform (Windows)
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


class AioServer:
    """A grpc.aio server on its own event-loop thread, with grpc.Server's shape
    (`start()`, `stop(grace).wait()`), so serving, workers and tests treat both alike."""

    def __init__(self, build: Callable[[], Awaitable[tuple[grpc.aio.Server, int]]]) -> None:
        self._loop = _new_event_loop()
        self._thread = threading.Thread(target=self._serve_loop, name="aio", daemon=True)
        self._thread.start()
        try:
            self.server, self.port = self._run(build())
        except BaseException:
            self._close()
            raise

    def _serve_loop(self) -> None:
        try:
            self._loop.run_forever()
        finally:
            self._loop.close()

    def _run(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def start(self) -> None:
        self._run(self.server.start())

    def stop(self, grace: float | None) -> threading.Event:
        done = threading.Event()

        async def stop() -> None:
            try:
                await self.server.stop(grace)
            finally:
                done.set()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).add_done_callback(
            lambda _: self._close()
        )
        return done

    def _close(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)


def create_server(config: ServerConfig, state: State) -> tuple[grpc.Server | AioServer, int]:
    """Build (not start) the server; port 0 picks a free port. Returns (server, port)."""
    if config.server_model == "threads":
        return _create_thread_server(config, state)
    pool = futures.ThreadPoolExecutor(max_workers=config.threads, thread_name_prefix="rpc")

    async def build() -> tuple[grpc.aio.Server, int]:
        server = grpc.aio.server(
            migration_thread_pool=pool,  # the health servicer's sync handlers
            interceptors=[AsyncAdminAuth(config.admin_token)] if config.admin_token else [],
            options=_options(config),
        )
        add_servicer(server, "Normalizer", AsyncNormalizerService(state, config, pool))
        return server, _add_services(server, config, state, pool)

    aio = AioServer(build)
    return aio, aio.port


def _options(config: ServerConfig) -> list[tuple[str, int]]:
    return [
        ("grpc.max_receive_message_length", config.max_message_bytes),
        ("grpc.max_send_message_length", config.max_message_bytes),
        ("grpc.so_reuseport", 1 if config.workers > 1 else 0),
    ]


def _create_thread_server(config: ServerConfig, state: State) -> tuple[grpc.Server, int]:
    """The thread-pool server (`--server-model threads`), kept to measure against aio."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=config.threads, thread_name_prefix="rpc"),
        interceptors=[AdminAuth(config.admin_token)] if config.admin_token else [],
        options=_options(config),
    )
    add_servicer(server, "Normalizer", NormalizerService(state, config))
    return server, _add_services(server, config, state)


def _add_services(
    server, config: ServerConfig, state: State, pool: futures.Executor | None = None
) -> int:
    """Admin (with a token), health, reflection and the listening port; returns the port.
    With `pool`, the admin service is the grpc.aio one running its work there."""
    services = [NORMALIZER, health.SERVICE_NAME, reflection.SERVICE_NAME]
    if config.admin_token:
        admin = AdminService(state, config)
        servicer = AsyncAdminService(admin, pool) if pool is not None else admin
        add_servicer(server, "GazetteerAdmin", servicer)
        services.append(ADMIN)
    health_servicer = health.HealthServicer(experimental_non_blocking=True)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    status = (
        health_pb2.HealthCheckResponse.SERVING
        if state.engine
        else health_pb2.HealthCheckResponse.NOT_SERVING
    )
    for service in ("", NORMALIZER):
        health_servicer.set(service, status)
    state.health = health_servicer
    reflection.enable_server_reflection(services, server)
    address = f"{config.host}:{config.port}"
    try:
        if config.tls_cert and config.tls_key:
            creds = grpc.ssl_server_credentials(
                [(config.tls_key.read_bytes(), config.tls_cert.read_bytes())],
                root_certificates=(
                    config.tls_client_ca.read_bytes() if config.tls_client_ca else None
                ),
                require_client_auth=config.tls_client_ca is not None,
            )
            port = server.add_secure_port(address, creds)
        else:
            port = server.add_insecure_port(address)
    except RuntimeError as exc:
        raise OSError(f"cannot listen on {address}: {exc}") from None
    if port == 0:
        raise OSError(f"cannot listen on {address}")
    return port


def initial_snapshot(config: ServerConfig, *, reloaded_since: int = 0) -> Path:
    """--snapshot if given, else the last good reload, else the built-in default (built once).
    With `reloaded_since` (ns), a reload persisted since then comes first: a replacement
    worker serves what its siblings serve."""
    current = config.current_snapshot
    if reloaded_since:
        with contextlib.suppress(OSError):
            if current.stat().st_mtime_ns >= reloaded_since:
                return current
    if config.snapshot:
        return config.snapshot
    if current.exists():
        return current
    return ensure_default(config.data_dir)


def clean_leftovers(config: ServerConfig) -> None:
    """Remove what a killed reload may have left: temp files and the staging snapshot.

    Neither is ever read as a snapshot; removing them keeps the data dir honest.
    """
    if not config.data_dir.is_dir():
        return
    for path in config.data_dir.iterdir():
        if path.name.endswith(".partial") or path.name == "staging.snapshot":
            with contextlib.suppress(OSError):
                path.unlink()
                log.info("removed leftover of an interrupted reload path=%s", path)
    uploads = config.data_dir / "uploads"
    if uploads.is_dir():
        shutil.rmtree(uploads, ignore_errors=True)


def load_initial(state: State, config: ServerConfig, *, joining: int = 0) -> None:
    """Load what to serve first. `joining`: see serve()."""
    if not joining:  # a replacement's sibling may be reloading into them
        clean_leftovers(config)
    try:
        path = initial_snapshot(config, reloaded_since=joining)
        engine = Normalizer.load(path, answers=config.answers)
        if engine.snapshot.meta.get("fold") != fold_fingerprint():
            log.warning(
                "snapshot %s was compiled by another version of the name folding; "
                "names whose folding changed match less well until its sources are "
                "reloaded",
                path,
            )
        # Before health says SERVING: the first Chinese name would otherwise hold the
        # event loop for the second pypinyin takes to load.
        load_readers()
        state.swap(engine)
    except (SnapshotError, SourceError, OSError) as exc:
        log.error("cannot load a gazetteer: %s", exc)
        raise


def watch_snapshot(
    state: State, config: ServerConfig, stop: threading.Event, *, joining: int = 0
) -> None:
    """Workers sharing one data dir pick up a reload done by another worker: when the
    persisted snapshot differs from the file this process serves, load it and swap."""
    seen: tuple[int, int] | None = None
    tried: dict[str, tuple[int, int]] = {}
    # Only reloads made while this server runs count: an older file must not override
    # an explicit --snapshot at start.
    started_ns = joining or time.time_ns()
    while not stop.wait(config.watch_seconds):
        engine = state.engine
        if engine is not None and config.answers:
            with contextlib.suppress(OSError, SnapshotError):
                attach_answers(engine, tried)
        if engine is None or state.reload_lock.locked() or not config.current_snapshot.exists():
            continue
        with contextlib.suppress(OSError, SnapshotError):
            st = config.current_snapshot.stat()
            if (st.st_ino, st.st_mtime_ns) == seen or st.st_mtime_ns < started_ns:
                continue
            served = Path(engine.snapshot.path)
            if served.exists() and os.path.samefile(served, config.current_snapshot):
                seen = (st.st_ino, st.st_mtime_ns)
                continue
            fresh = Normalizer.load(config.current_snapshot, answers=config.answers)
            if fresh.version != engine.version:
                state.swap(fresh)
            seen = (st.st_ino, st.st_mtime_ns)


def serve(
    config: ServerConfig, *, ready: Callable[[int], None] | None = None, joining: int = 0
) -> int:
    """Run until SIGTERM/SIGINT; drain in-flight calls within the grace period; return 0.

    `joining`: this process replaces a worker of a server started then (time.time_ns()):
    it serves a reload made since, and leaves the data dir's work files alone."""
    import signal

    state = State()
    if config.metrics_port is not None:
        metrics.start(config.metrics_port)  # first: a port taken fails before any listens
    server, port = create_server(config, state)
    server.start()
    log.info(
        "listening address=%s:%d admin=%s tls=%s",
        config.host,
        port,
        "on" if config.admin_token else "off",
        "on" if config.tls_cert else "off",
    )
    stop = threading.Event()

    def on_signal(signum, frame):
        log.info(
            "signal=%s draining grace_seconds=%.0f",
            signal.Signals(signum).name,
            config.grace_seconds,
        )
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    loader = threading.Thread(
        target=_load_or_stop, args=(state, config, stop, joining), daemon=True
    )
    loader.start()
    watcher = threading.Thread(
        target=watch_snapshot, args=(state, config, stop), kwargs={"joining": joining}, daemon=True
    )
    watcher.start()
    if ready:
        ready(port)
    # Waited on with a timeout: a signal the kernel hands to another thread (any of
    # gRPC's, when the main thread has one pending already) only sets a flag, and the
    # handler runs once the main thread is back in Python; a wait without a timeout
    # would never come back to run it, and the server would not stop.
    while not stop.wait(_SIGNAL_POLL_SECONDS):
        pass
    if state.health is not None:
        state.health.enter_graceful_shutdown()
    server.stop(config.grace_seconds).wait()
    state.builds.stop()
    log.info("stopped")
    return 1 if state.failed else 0


def _load_or_stop(
    state: State, config: ServerConfig, stop: threading.Event, joining: int = 0
) -> None:
    try:
        load_initial(state, config, joining=joining)
    except Exception:  # noqa: BLE001 - logged in load_initial; the server cannot serve
        state.failed = True
        stop.set()
        return
    engine = state.engine
    if config.answers and config.build_answers and engine is not None and engine.answers is None:
        state.builds.start(engine.snapshot.path)


def serve_workers(config: ServerConfig) -> int:
    """Fork `config.workers` server processes sharing the port (SO_REUSEPORT) and the file.

    The snapshot is built (if needed) once, before forking, and no gRPC object exists
    in the parent: gRPC does not survive a fork once started.
    """
    path = initial_snapshot(config)
    shared = None
    if config.metrics_port is not None:  # served by the first worker, counted by all
        shared = Path(tempfile.mkdtemp(prefix="placenorm-metrics-"))
        metrics.share_between_processes(shared)
    builds = AnswerBuilds()  # one background build of the answers for all the workers
    try:
        return _fork_and_wait(config, path, builds)
    finally:
        builds.stop()
        if shared:
            shutil.rmtree(shared, ignore_errors=True)


def _fork_and_wait(config: ServerConfig, path: Path, builds: AnswerBuilds) -> int:
    import signal

    # Each worker writes its port here once it listens, or why it could not: the parent
    # says "serving on" once all of them listen (a worker that dies first closes its end
    # unwritten).
    listening, told = os.pipe()
    started = time.time_ns()
    live: dict[int, int] = {}  # pid -> worker number
    for i in range(config.workers):
        live[_start_worker(config, i, told)] = i
    os.close(told)
    signalled: list[int] = []

    def forward(signum, frame):
        signalled.append(signum)
        for pid in list(live):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    if config.answers and config.build_answers:
        builds.start(path)
    with os.fdopen(listening, "rb") as told_by_workers:
        said = told_by_workers.read().splitlines()
    ports = [line for line in said if not line.startswith(b"! ")]
    if len(ports) < config.workers and not signalled:  # one could not start: none serves
        forward(signal.SIGTERM, None)
        for pid in live:
            os.waitpid(pid, 0)
        failed = [line[2:].decode() for line in said if line.startswith(b"! ")]
        raise OSError(failed[0] if failed else "a worker exited before it listened")
    if len(ports) == config.workers:
        print(
            f"placenorm serving on {config.host}:{int(ports[0])} ({config.workers} workers)",
            file=sys.stderr,
            flush=True,
        )
    worst = 0
    restarts: collections.deque[float] = collections.deque(maxlen=_RESTARTS_PER_MINUTE)
    while live:  # polled, not blocked in waitpid: see serve() on signals
        for pid in list(live):
            done, status = os.waitpid(pid, os.WNOHANG)
            if not done:
                continue
            i = live.pop(pid)
            metrics.process_gone(pid)
            code = os.waitstatus_to_exitcode(status)
            if signalled:
                worst = max(worst, code)
                continue
            # Died on its own (killed, out of memory): replaced, unless it is the
            # restarts-per-minute'th death in a minute, which is a crash loop.
            now = time.monotonic()
            if len(restarts) == restarts.maxlen and now - restarts[0] < 60:
                log.error("worker pid=%d exited code=%d; restarted too often: stopping", pid, code)
                worst = max(worst, code, 1)
                forward(signal.SIGTERM, None)
                continue
            restarts.append(now)
            log.warning("worker pid=%d exited code=%d; starting another", pid, code)
            live[_start_worker(config, i, None, joining=started)] = i
        if live:
            time.sleep(_SIGNAL_POLL_SECONDS)
    return worst


def _start_worker(config: ServerConfig, i: int, told: int | None, *, joining: int = 0) -> int:
    """Fork worker number `i` (the first serves the metrics); it writes its port to `told`
    once it listens, or why it could not; `joining` as in serve(). Returns its pid."""
    import dataclasses

    pid = os.fork()
    if pid:
        return pid
    if told is None:  # a replacement: nobody waits for its word
        ready = None
    else:
        ready = functools.partial(_tell, told)
    child = dataclasses.replace(
        config, metrics_port=config.metrics_port if i == 0 else None, build_answers=False
    )
    code = 1
    try:
        code = serve(child, ready=ready, joining=joining)
    except OSError as exc:  # a port taken: the parent says it and stops the others
        if told is not None:
            with contextlib.suppress(OSError):
                os.write(told, b"! %s\n" % " ".join(str(exc).split()).encode())
        else:
            log.error("worker could not start: %s", exc)
    finally:
        os._exit(code)


def _tell(fd: int, port: int) -> None:
    """A worker's word to the parent that it listens (on `port`); then its end closed."""
    os.write(fd, b"%d\n" % port)
    os.close(fd)
