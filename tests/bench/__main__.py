"""`make bench`: every benchmark table; `--only speed,accuracy,...` picks sections."""

from __future__ import annotations

import argparse
import datetime
import platform
from pathlib import Path

from normalizer.answers import ensure_answers
from normalizer.build import ensure_default
from normalizer.engine import Normalizer
from tests.bench import common

SECTIONS = ("speed", "accuracy", "variants", "corpora", "disambiguation", "service", "bulk")


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m tests.bench")
    ap.add_argument("--data-dir", default="data")
    ap.add_argument("--only", default=",".join(SECTIONS), help=f"of {','.join(SECTIONS)}")
    ap.add_argument("--quick", action="store_true", help="smaller samples")
    args = ap.parse_args()
    only = set(args.only.split(","))
    if unknown := only - set(SECTIONS):
        ap.error(f"--only: no section {', '.join(sorted(unknown))}; of {', '.join(SECTIONS)}")
    data_dir = Path(args.data_dir)
    snapshot = ensure_default(data_dir)
    ensure_answers(snapshot)  # as `make snapshot` and a serving server do
    engine = Normalizer.load(snapshot)
    print(
        f"# placenorm benchmarks, {datetime.date.today()}, {platform.node() and 'this machine'}: "
        f"{common.env_threads()} cores, Python {platform.python_version()}, "
        f"gazetteer {engine.version}"
    )
    if "speed" in only:
        from tests.bench import speed

        speed.run(engine, snapshot, data_dir, build=not args.quick)
    if "accuracy" in only:
        from gazetteer.default import build_default
        from tests.bench import accuracy

        accuracy.run(engine, build_default(), data_dir, quick=args.quick)
    if "variants" in only:
        from tests.bench import variants

        variants.run(engine)
    if "corpora" in only:
        from tests.bench import corpora

        corpora.run(engine)
    if "disambiguation" in only:
        from tests.bench import disambiguation

        disambiguation.run(engine)
    if "service" in only:
        from tests.bench import service

        service.run(snapshot, data_dir)
    if "bulk" in only:
        from tests.bench import bulk

        bulk.run(engine, snapshot, data_dir)
    common.save(data_dir / "bench" / "results.json")


if __name__ == "__main__":
    main()
