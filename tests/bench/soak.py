"""`make soak`: about 60 s at saturation through every Normalizer RPC, a reload every 10 s.

Prints calls made and failed, reloads, the server's resident memory after warm-up and at
the end, and checks that a 1 ms deadline on a big batch is honoured.
"""

from __future__ import annotations

import argparse
import random
import signal
import threading
import time
from pathlib import Path

import grpc

from normalizer.build import ensure_default
from placenorm.v1 import placenorm_pb2 as pb
from placenorm.v1 import placenorm_pb2_grpc as pb_grpc
from tests.bench.common import table
from tests.bench.service import TOKEN, _names, _reload_source, _server
from tests.conftest import free_port


def rss_of(pid: int, field: str = "VmRSS") -> float:
    """MB of resident memory; RssAnon is the heap alone (VmRSS also counts the pages of
    the memory-mapped snapshot that queries touched: shared, reclaimable page cache)."""
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run(
    snapshot: Path,
    data_dir: Path,
    seconds: float = 60,
    reload_every: float = 10,
    threads: int = 6,
    model: str = "aio",
) -> None:
    work = data_dir / "bench" / "soak"
    work.mkdir(parents=True, exist_ok=True)
    (work / "current.snapshot").unlink(missing_ok=True)
    exact, fuzzy = _names(snapshot)
    source = _reload_source(snapshot, work)
    # Serve the same data the reloads bring, so memory before and after compares like with like.
    from gazetteer.sources import load_sources
    from normalizer.build import build_snapshot

    start = work / "soak-start.snapshot"
    build_snapshot(load_sources([str(work / source)]), start)
    port = free_port()
    proc = _server(start, work, 1, port, model=model)
    address = f"127.0.0.1:{port}"
    counts = {"calls": 0, "failed": 0, "reloads": 0, "reload_failed": 0}
    failures: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    ids = ["geonames:147105", "geonames:616052", "geonames:524901"]

    def client(seed: int) -> None:
        rng = random.Random(seed)
        with grpc.insecure_channel(address) as ch:
            stub = pb_grpc.NormalizerStub(ch)
            while time.monotonic() < stop:
                kind = rng.randrange(5)
                n = 1
                try:
                    if kind == 0:
                        stub.Normalize(
                            pb.NormalizeRequest(query=rng.choice(exact + fuzzy)), timeout=10
                        )
                    elif kind == 1:
                        reqs = [pb.NormalizeRequest(query=rng.choice(exact)) for _ in range(50)]
                        stub.NormalizeBatch(
                            pb.NormalizeBatchRequest(requests=reqs, as_document=rng.random() < 0.5),
                            timeout=10,
                        )
                        n = 50
                    elif kind == 2:
                        reqs = (pb.NormalizeRequest(query=rng.choice(fuzzy)) for _ in range(100))
                        n = sum(1 for _ in stub.NormalizeStream(reqs, timeout=20))
                    elif kind == 3:
                        try:
                            stub.GetPlace(pb.GetPlaceRequest(id=rng.choice(ids)), timeout=10)
                        except (
                            grpc.RpcError
                        ) as exc:  # absent after a reload to other data: a right answer
                            if exc.code() != grpc.StatusCode.NOT_FOUND:
                                raise
                    else:
                        stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest(), timeout=10)
                except grpc.RpcError as exc:
                    with lock:
                        counts["failed"] += 1
                        failures.append(f"{exc.code().name}: {exc.details()}")
                with lock:
                    counts["calls"] += n

    def reloader() -> None:
        with grpc.insecure_channel(address) as ch:
            admin = pb_grpc.GazetteerAdminStub(ch)
            while time.monotonic() + reload_every < stop:
                time.sleep(reload_every)
                try:
                    list(
                        admin.Reload(
                            pb.ReloadRequest(sources=[source]),
                            metadata=(("authorization", f"Bearer {TOKEN}"),),
                        )
                    )
                    counts["reloads"] += 1
                except grpc.RpcError:
                    counts["reload_failed"] += 1

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    workers.append(threading.Thread(target=reloader))
    for t in workers:
        t.start()
    time.sleep(min(10, seconds / 4))
    rss_warm = rss_of(proc.pid)
    anon_warm = rss_of(proc.pid, "RssAnon")
    for t in workers:
        t.join()
    rss_end = rss_of(proc.pid)
    anon_end = rss_of(proc.pid, "RssAnon")
    deadline_row = _deadline_check(address)
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=60)
    table(
        "Soak: every Normalizer RPC at saturation, reload every 10 s",
        [
            "seconds",
            "calls",
            "failed",
            "reloads",
            "reloads failed",
            "server RSS after warm-up MB",
            "RSS at end MB",
            "growth",
            "heap (RssAnon) MB, warm -> end",
            "heap growth",
            "1 ms deadline on 5,000-name batch",
            "exit on SIGTERM",
        ],
        [
            [
                seconds,
                counts["calls"],
                counts["failed"],
                counts["reloads"],
                counts["reload_failed"],
                round(rss_warm),
                round(rss_end),
                f"{(rss_end - rss_warm) / rss_warm:+.1%}",
                f"{anon_warm:.0f} -> {anon_end:.0f}",
                f"{(anon_end - anon_warm) / anon_warm:+.1%}",
                deadline_row,
                code,
            ]
        ],
    )
    if failures:
        print("first failures:", failures[:5])


def _deadline_check(address: str) -> str:
    with grpc.insecure_channel(address) as ch:
        stub = pb_grpc.NormalizerStub(ch)
        reqs = [pb.NormalizeRequest(query=f"Plcae {i}") for i in range(5000)]
        try:
            stub.NormalizeBatch(pb.NormalizeBatchRequest(requests=reqs), timeout=0.001)
            got = "OK (not honoured)"
        except grpc.RpcError as exc:
            got = exc.code().name
        t = time.perf_counter()
        stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest(), timeout=10)
        return f"{got}; next call {1000 * (time.perf_counter() - t):.1f} ms"


if __name__ == "__main__":
    ap = argparse.ArgumentParser(prog="python -m tests.bench.soak")
    ap.add_argument("--data-dir", default="data")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--server-model", choices=("aio", "threads"), default="aio")
    args = ap.parse_args()
    run(
        ensure_default(args.data_dir),
        Path(args.data_dir),
        seconds=args.seconds,
        model=args.server_model,
    )
