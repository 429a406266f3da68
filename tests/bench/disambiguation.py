"""Context lifts ambiguous names: names several places share, each with nearby places as context.

For a sampled place whose name other places also hold, the context is the names of the
3 nearest other places within 100 km (all from the gazetteer). The same is done for
names only one place holds, to check that context does not hurt them.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict

from normalizer.engine import Normalizer
from normalizer.text import fold
from tests.bench.common import table


def run(engine: Normalizer, n: int = 1000) -> None:
    rng = random.Random(5)
    a = engine._a
    total = engine.info().places
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in range(total):
        if engine._pclass[i] == ord("P"):
            grid[(int(a["place.lat"][i]), int(a["place.lon"][i]))].append(i)
    holders: dict[str, set[int]] = defaultdict(set)
    for nid in range(len(engine._names)):
        holders[fold(engine._names[nid])].add(int(engine._name_place[nid]))
    amb, una = [], []
    places = [i for i in range(total) if engine._pclass[i] == ord("P")]
    while len(amb) < n or len(una) < n:
        i = rng.choice(places)
        name = engine._str["name"][i]
        key = fold(name)
        if len(key) < 3:
            continue
        shared = len(holders[key]) > 1
        if (shared and len(amb) >= n) or (not shared and len(una) >= n):
            continue
        ctx = _neighbours(engine, grid, i, key)
        if len(ctx) < 3:
            continue
        (amb if shared else una).append((name, engine._str["id"][i], ctx))
    rows = []
    for label, cases in (("names several places share", amb), ("names one place holds", una)):
        alone = sum(engine.normalize(q).best.place.id == gold for q, gold, _ in cases) / len(cases)
        ctx = sum(
            engine.normalize(q, context=c).best.place.id == gold for q, gold, c in cases
        ) / len(cases)
        rows.append(
            [label, len(cases), round(alone, 3), round(ctx, 3), f"{(ctx - alone) * 100:+.1f}"]
        )
    table(
        "Context disambiguation (3 nearby places as context)",
        ["set", "queries", "top-1 alone", "top-1 with context", "points"],
        rows,
    )


def _neighbours(engine: Normalizer, grid, i: int, key: str) -> list[str]:
    a = engine._a
    lat, lon = float(a["place.lat"][i]), float(a["place.lon"][i])
    near = []
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            for j in grid.get((int(lat) + dy, int(lon) + dx), ()):
                if j == i:
                    continue
                d = _km(lat, lon, float(a["place.lat"][j]), float(a["place.lon"][j]))
                name = engine._str["name"][j]
                if d <= 100 and fold(name) != key:
                    near.append((d, name))
    near.sort()
    return [name for _, name in near[:3]]


def _km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 12742.0 * math.asin(math.sqrt(min(1.0, h)))
