"""LGL and TR-News (gold GeoNames ids): id accuracy and Acc@161km, mention and document mode.

Read from ../shared/benchmarks (never copied into the repo). A mention is counted right
at 161 km when the resolved place is the gold id or lies within 161 km of the gold point.
"""

from __future__ import annotations

import math
import statistics
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from normalizer.engine import Normalizer
from normalizer.errors import QueryError
from normalizer.types import Query
from tests.bench.common import SHARED, table


@dataclass(frozen=True)
class Mention:
    phrase: str
    gold: str
    lat: float
    lon: float


def read_corpus(path: Path) -> list[list[Mention]]:
    articles = []
    for art in ET.parse(path).getroot().iter("article"):
        mentions = []
        for top in art.iter("toponym"):
            tag = top.find("gaztag")
            phrase = (top.findtext("phrase") or "").strip()
            if tag is None or not tag.get("geonameid") or not phrase:
                continue
            try:
                lat, lon = float(tag.findtext("lat")), float(tag.findtext("lon"))
            except (TypeError, ValueError):
                continue
            mentions.append(Mention(phrase, f"geonames:{tag.get('geonameid')}", lat, lon))
        if mentions:
            articles.append(mentions)
    return articles


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


def score(mentions: list[Mention], results) -> tuple[int, int]:
    ids = hits161 = 0
    for m, r in zip(mentions, results, strict=True):
        best = r.best if r is not None else None
        if best is None:
            continue
        if best.place.id == m.gold:
            ids += 1
            hits161 += 1
        elif km(m.lat, m.lon, best.place.latitude, best.place.longitude) <= 161:
            hits161 += 1
    return ids, hits161


def evaluate(engine: Normalizer, name: str, articles: list[list[Mention]]) -> list[list[object]]:
    rows = []
    known = 0
    total = sum(len(a) for a in articles)
    for a in articles:
        for m in a:
            try:
                engine.place_index(m.gold)
                known += 1
            except LookupError:
                pass
    for mode in ("mention", "document"):
        ids = hits = 0
        times = []
        for art in articles:
            queries = [Query(m.phrase, limit=1) for m in art]
            t = time.perf_counter()
            try:
                if mode == "document":
                    results = engine.normalize_many(queries, as_document=True)
                else:
                    results = [_safe(engine, q) for q in queries]
            except QueryError:
                results = [_safe(engine, q) for q in queries]
            times.append((time.perf_counter() - t) * 1000)
            i, h = score(art, results)
            ids += i
            hits += h
        rows.append(
            [
                name,
                mode,
                len(articles),
                total,
                round(known / total, 3),
                round(ids / total, 3),
                round(hits / total, 3),
                round(statistics.median(times), 1),
            ]
        )
    return rows


def _safe(engine: Normalizer, q: Query):
    try:
        return engine.normalize_query(q)
    except QueryError:
        return None


def run(engine: Normalizer) -> None:
    rows = []
    for name, file in (("LGL", "lgl.xml"), ("TR-News", "tr-news.xml")):
        path = SHARED / file
        if not path.exists():
            print(f"(skipped {name}: {path} not found)")
            continue
        rows += evaluate(engine, name, read_corpus(path))
    table(
        "Toponym resolution on public corpora (gold GeoNames ids)",
        [
            "corpus",
            "mode",
            "articles",
            "mentions",
            "gold id in gazetteer",
            "id accuracy",
            "Acc@161km",
            "ms/article p50",
        ],
        rows,
    )


if __name__ == "__main__":
    import sys

    run(Normalizer.load(sys.argv[1] if len(sys.argv) > 1 else "data/default.snapshot"))
