"""The Normalizer on grpc.aio: a thin asyncio shell over `NormalizerLogic`.

Kept to measure it against the thread pool and several processes (`placenorm serve
--aio`, `make bench`). The engine is CPU-bound Python, so the event loop runs it inline:
asyncio removes thread switches but not the GIL.
"""

from __future__ import annotations

import asyncio
import time

import grpc
from grpc_health.v1 import health_pb2
from grpc_health.v1 import health_pb2_grpc as health_grpc

from normalizer import metrics
from normalizer.config import ServerConfig
from normalizer.engine import Normalizer
from normalizer.server import NormalizerLogic, State, initial_snapshot, status_for
from placenorm.v1 import placenorm_pb2_grpc as pb_grpc


class AioNormalizerService(pb_grpc.NormalizerServicer):
    def __init__(self, logic: NormalizerLogic) -> None:
        self.logic = logic

    async def _call(self, method: str, context, fn, *args):
        start = time.perf_counter()
        try:
            out = fn(*args)
        except Exception as exc:  # noqa: BLE001 - mapped to a status in one place
            code, message = status_for(exc)
            metrics.observe(method, code.name, time.perf_counter() - start)
            await context.abort(code, message)
        metrics.observe(method, "OK", time.perf_counter() - start)
        return out

    async def Normalize(self, request, context):
        return await self._call("Normalize", context, self.logic.normalize, request)

    async def NormalizeBatch(self, request, context):
        def wanted() -> bool:
            remaining = context.time_remaining()
            return remaining is None or remaining > 0

        return await self._call("NormalizeBatch", context, self.logic.batch, request, wanted)

    async def NormalizeStream(self, request_iterator, context):
        async for request in request_iterator:
            yield await self._call("NormalizeStream", context, self.logic.stream_item, request)

    async def GetPlace(self, request, context):
        return await self._call("GetPlace", context, self.logic.get_place, request)

    async def GetGazetteerInfo(self, request, context):
        return await self._call("GetGazetteerInfo", context, self.logic.info, request)


class _Health(health_grpc.HealthServicer):
    def __init__(self, state: State) -> None:
        self.state = state

    async def Check(self, request, context):
        serving = self.state.engine is not None
        status = (
            health_pb2.HealthCheckResponse.SERVING
            if serving
            else health_pb2.HealthCheckResponse.NOT_SERVING
        )
        return health_pb2.HealthCheckResponse(status=status)


async def serve_aio(config: ServerConfig, ready=None) -> int:
    state = State(Normalizer.load(initial_snapshot(config)))
    server = grpc.aio.server(
        options=[("grpc.max_receive_message_length", config.max_message_bytes)]
    )
    pb_grpc.add_NormalizerServicer_to_server(
        AioNormalizerService(NormalizerLogic(state, config)), server
    )
    health_grpc.add_HealthServicer_to_server(_Health(state), server)
    port = server.add_insecure_port(f"{config.host}:{config.port}")
    await server.start()
    if ready:
        ready(port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    import signal

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop(config.grace_seconds)
    return 0
