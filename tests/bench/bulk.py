"""The CLI's bulk path: a 100,000-row CSV (a tenth misspelled) through NormalizeStream."""

from __future__ import annotations

import csv
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from normalizer.engine import Normalizer
from tests.bench.accuracy import typo
from tests.bench.common import ROOT, table
from tests.bench.service import _server
from tests.conftest import free_port


def run(engine: Normalizer, snapshot: Path, data_dir: Path, rows: int = 100_000) -> None:
    work = data_dir / "bench"
    work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(9)
    src, out = work / "bulk-in.csv", work / "bulk-out.csv"
    total = engine.info().places
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["ref", "place"])
        for i in range(rows):
            name = engine.place(rng.randrange(total)).name
            if i % 10 == 0 and len(name) >= 5:
                name = typo(name, rng)
            w.writerow([i, name])
    out.unlink(missing_ok=True)  # rows written are this run's
    port = free_port()  # not one the service section's draining servers still hold
    proc = _server(snapshot, work / "serve", 2, port)  # as `make run` serves
    try:
        t = time.perf_counter()
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "normalizer.cli",
                "normalize",
                "--input",
                str(src),
                "--column",
                "place",
                "--output",
                str(out),
                "--server",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - t
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    got = 0
    if out.exists():
        with open(out, encoding="utf-8") as fh:
            got = sum(1 for _ in csv.DictReader(fh))
    table(
        "CLI bulk normalize (CSV in, CSV out, NormalizeBatch of 250 over 2 connections)",
        ["rows", "misspelled", "exit", "rows written", "seconds", "rows/s", "target"],
        [
            [
                rows,
                rows // 10,
                r.returncode,
                got,
                round(seconds, 1),
                f"{rows / seconds:,.0f}",
                "<= 60 s",
            ]
        ],
    )
    if r.returncode:
        print(f"placenorm normalize exited {r.returncode}: {r.stderr.strip()[-500:]}")
