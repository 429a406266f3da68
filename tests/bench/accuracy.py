"""Matching accuracy on evaluation sets built from public data, beside two baselines.

- held-out spellings: GeoNames alternate names removed from a copy of the default
  gazetteer, then used as queries (Latin variants; other scripts)
- typos: 1-2 keyboard edits of real names of 5+ letters
- CLDR exemplar-city names (babel time zones) and pycountry's country-name translations:
  public name lists the gazetteer was not built from (CLDR territory names are, so the
  country set counts "not contained" names separately)
- names of places the gazetteer lacks: villages removed whole from the held-out copy,
  whose names no place left bears; every answer is wrong, the scores should say so
Baselines: exact lookup of folded names; brute-force rapidfuzz extractOne over all
folded names; the plain scan of DESIGN.md §4 (every name within two OSA edits, fewest
edits first, then population). The last two on a subsample: they take 0.1-0.3 s a
query. With a country hint, each baseline looks within that country only.
Which queries are asked never depends on the engine's own folding: spellings are told
apart, "unique" names and "contained" names decided, by a neutral form (case and
accents off, no transliteration), so a better fold cannot make the sets easier or harder.
"""

from __future__ import annotations

import functools
import gettext
import random
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein
from rapidfuzz.process import cdist

from gazetteer.model import CANONICAL
from gazetteer.sources import SourceSet
from normalizer.build import build_snapshot
from normalizer.engine import Normalizer
from normalizer.errors import QueryError
from normalizer.text import fold, native_key
from tests.bench.common import table

SEED = 20261125
KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


@dataclass(frozen=True)
class Case:
    query: str
    gold: str
    country: str = ""
    group: str = ""


def _neighbours() -> dict[str, str]:
    pos = {c: (r, i) for r, row in enumerate(KEYBOARD) for i, c in enumerate(row)}
    out = {}
    for c, (r, i) in pos.items():
        out[c] = "".join(
            d for d, (r2, i2) in pos.items() if d != c and abs(r2 - r) <= 1 and abs(i2 - i) <= 1
        )
    return out


NEIGHBOURS = _neighbours()


def typo(word: str, rng: random.Random) -> str:
    chars = list(word)
    letters = [i for i, c in enumerate(chars) if c.lower() in NEIGHBOURS]
    if len(letters) < 2:
        return word
    # Any letter, the first too: a slip of the finger falls anywhere (the engine's
    # first-letter penalty must earn its keep on these, not on a set that spares it).
    i = rng.choice(letters)
    kind = rng.choice(["sub", "del", "ins", "swap"])
    c = chars[i].lower()
    if kind == "sub":
        chars[i] = rng.choice(NEIGHBOURS[c])
    elif kind == "del":
        del chars[i]
    elif kind == "ins":
        chars.insert(i, rng.choice(NEIGHBOURS[c]))
    elif i + 1 < len(chars):
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    else:
        chars[i - 1], chars[i] = chars[i], chars[i - 1]
    return "".join(chars)


def script(text: str) -> str:
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            return name.split()[0].title() if name else "Other"
    return "Other"


def _neutral(text: str) -> str:
    """Letters and digits only, case folded, accents removed; other scripts kept as-is."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


# ------------------------------------------------------------------ evaluation sets
def heldout_sets(
    sources: SourceSet, data_dir: Path, n: int = 1500
) -> tuple[Normalizer, list[Case], list[Case], list[Case]]:
    """Remove one alternate name from each of n sampled places, and n other populated
    places altogether; build that gazetteer. Returns it, the Latin and other-script
    held-out names, and the names of the removed places that no place left bears (a
    village the gazetteer lacks: every answer to it is wrong, and its score should say so)."""
    rng = random.Random(SEED)
    places = list(sources.places)
    candidates = [
        i for i, p in enumerate(places) if p.id.startswith("geonames:") and len(p.names) >= 3
    ]
    rng.shuffle(candidates)
    latin: list[Case] = []
    other: list[Case] = []
    for i in candidates:
        if len(latin) >= n and len(other) >= n:
            break
        p = places[i]
        alts = [nm for nm in p.names if not nm.flags & CANONICAL and nm.text != p.name]
        rng.shuffle(alts)
        for nm in alts:
            is_latin = native_key(nm.text) is None
            # A spelling differs when its neutral form does (case and accents off, no
            # transliteration): chosen independently of the engine's own fold, so a
            # better fold cannot change which queries are asked.
            others = {_neutral(x.text) for x in p.names if x is not nm}
            if (
                is_latin
                and len(latin) < n
                and _neutral(nm.text) not in others
                and len(_neutral(nm.text)) >= 4
            ):
                latin.append(Case(nm.text, p.id, p.country_code, "Latin"))
            elif not is_latin and len(other) < n:
                other.append(Case(nm.text, p.id, p.country_code, script(nm.text)))
            else:
                continue
            places[i] = replace(p, names=tuple(x for x in p.names if x is not nm))
            break
    touched = {c.gold for c in latin + other}
    gone = [
        i
        for i in rng.sample(range(len(places)), min(20 * n, len(places)))
        if places[i].feature_class == "P"
        and places[i].id not in touched
        and native_key(places[i].name) is None
        and len(_neutral(places[i].name)) >= 4
    ][: 2 * n]
    removed = [places[i] for i in gone]
    ids = {p.id for p in removed}
    places = [p for p in places if p.id not in ids]
    borne = {_neutral(nm.text) for p in places for nm in p.names}
    absent = [
        Case(p.name, p.id, p.country_code, "absent")
        for p in removed
        if _neutral(p.name) not in borne
    ][:n]
    path = data_dir / "bench" / "heldout.snapshot"
    build_snapshot(SourceSet(places=places, description=["held-out copy"]), path)
    return Normalizer.load(path), latin, other, absent


def typo_sets(engine: Normalizer, n: int = 1500) -> tuple[list[Case], list[Case]]:
    rng = random.Random(SEED + 1)
    # GeoNames places only, so that curated additions do not redraw the whole sample.
    ids = engine._str["id"].many(range(engine.info().places))
    pool = [i for i, pid in enumerate(ids) if pid.startswith("geonames:")]
    unique: list[Case] = []
    hinted: list[Case] = []
    holders = _holders(engine)
    while len(unique) < n or len(hinted) < n:
        p = engine.place(pool[rng.randrange(len(pool))])
        name = p.name
        if len(name) < 5 or native_key(name) is not None:
            continue
        query = typo(name, rng)
        if rng.random() < 0.4:
            query = typo(query, rng)
        if _neutral(query) == _neutral(name):
            continue
        if len(hinted) < n:
            hinted.append(Case(query, p.id, p.country_code, "typo+country"))
        if len(holders[_neutral(name)]) == 1 and len(unique) < n:
            unique.append(Case(query, p.id, p.country_code, "typo unique"))
    return unique, hinted


def cldr_city_set(engine: Normalizer) -> list[Case]:
    """Exemplar-city names of CLDR time zones in every language, gold by English name +
    zone (or, where the name is another populated place's own name in that zone, that
    place)."""
    from babel import Locale
    from babel.localedata import locale_identifiers

    by_tz: dict[str, str] = {}
    tz_places: dict[tuple[str, str], tuple[int, str]] = {}
    for i in range(engine.info().places):
        tz = engine._tz[int(engine._a["place.tz"][i])]
        if tz and engine._pclass[i] == ord("P"):
            key = (tz, _neutral(engine._str["name"][i]))
            pop = int(engine._a["place.population"][i])
            if key not in tz_places or pop > tz_places[key][0]:
                tz_places[key] = (pop, engine._str["id"][i])
    cases = []
    for ident in locale_identifiers():
        if "_" in ident:
            continue
        try:
            zones = Locale.parse(ident).time_zones
        except (ValueError, KeyError):
            continue
        for tz, data in zones.items():
            city = data.get("city") if hasattr(data, "get") else None
            if not city or "/" not in tz or tz.startswith("Etc/"):
                continue
            english = by_tz.setdefault(tz, tz.rsplit("/", 1)[-1].replace("_", " "))
            gold = tz_places.get((tz, _neutral(english)))
            if gold and _neutral(city) != _neutral(english):
                # A city some languages give the zone that is another town's own name
                # is that town: America/Miquelon's city is "Saint-Pierre" in 26 languages,
                # the territory's seat, not the town of Miquelon the English name gives.
                named = tz_places.get((tz, _neutral(city)), gold)
                cases.append(Case(city, named[1], "", script(city)))
    rng = random.Random(SEED + 2)
    rng.shuffle(cases)
    return cases[:3000]


def country_set(engine: Normalizer) -> list[Case]:
    import pycountry

    ids = {}
    for i in range(engine.info().places):
        if engine._fcodes[int(engine._a["place.fcode"][i])] == "PCLI":
            ids[engine._countries[int(engine._pcountry[i])]] = engine._str["id"][i]
    cases = []
    for lang in sorted(Path(pycountry.LOCALES_DIR).iterdir()):
        try:
            tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang.name])
        except OSError:
            continue
        for c in pycountry.countries:
            gold = ids.get(c.alpha_2)
            name = tr.gettext(c.name)
            if gold and name != c.name:
                cases.append(Case(name, gold, c.alpha_2, script(name)))
    return cases


# ------------------------------------------------------------------ runners
def run_cases(
    engine: Normalizer, cases: list[Case], *, hint: bool = False
) -> list[tuple[Case, list[str], float, float]]:
    out = []
    for c in cases:
        t = time.perf_counter()
        try:
            r = engine.normalize(
                c.query, countries=[c.country] if hint and c.country else (), limit=5
            )
            ids = [x.place.id for x in r.candidates]
            top_score = r.candidates[0].score if r.candidates else 0.0
        except QueryError:
            ids, top_score = [], 0.0
        out.append((c, ids, top_score, time.perf_counter() - t))
    return out


class Baselines:
    """Exact folded lookup, brute-force extractOne over all folded names, and the plain
    edit-distance scan of DESIGN.md §4 (every name within two OSA edits, the fewest edits
    first, the more populous place among equals); each also within one country, for the
    queries that come with a country hint."""

    def __init__(self, engine: Normalizer) -> None:
        best: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)
        pops = engine._a["place.population"]
        countries = [engine._countries[c] for c in engine._pcountry.tolist()]
        for nid in range(len(engine._names)):
            key = fold(engine._names[nid])
            p = int(engine._name_place[nid])
            if not key:
                continue
            held = (int(pops[p]), engine._str["id"][p])
            for scope in ("", countries[p]):
                if key not in best[scope] or held[0] > best[scope][key][0]:
                    best[scope][key] = held
        self.best = best
        self.keys = {scope: list(keys) for scope, keys in best.items()}

    def exact(self, q: str, country: str = "") -> str:
        return self.best[country].get(fold(q), (0, ""))[1]

    def brute(self, q: str, country: str = "") -> str:
        hit = process.extractOne(fold(q), self.keys.get(country, ()), scorer=fuzz.ratio)
        return self.best[country][hit[0]][1] if hit else ""

    def scan(self, q: str, country: str = "") -> str:
        near = process.extract(
            fold(q), self.keys.get(country, ()), scorer=OSA.distance, score_cutoff=2, limit=None
        )
        best = self.best[country]
        hit = min(near, key=lambda h: (h[1], -best[h[0]][0]), default=None)
        return best[hit[0]][1] if hit else ""


def accuracy_rows(
    name: str,
    results,
    baselines: Baselines | None,
    brute_n: int = 150,
    *,
    hint: bool = False,
) -> list[list[object]]:
    rows = []
    groups: dict[str, list] = defaultdict(list)
    for r in results:
        groups["all"].append(r)
        groups[r[0].group].append(r)
    for g, rs in sorted(groups.items(), key=lambda kv: (kv[0] != "all", -len(kv[1]))):
        # A script's row when it has 30 queries or more and is not the whole set.
        if g != "all" and (len(rs) < 30 or len(rs) == len(groups["all"])):
            continue
        top1 = sum(1 for c, ids, _, _ in rs if ids[:1] == [c.gold]) / len(rs)
        top5 = sum(1 for c, ids, _, _ in rs if c.gold in ids) / len(rs)
        exact = brute = scan = ""
        if baselines and g == "all":

            def share(method, cases) -> float:
                right = sum(method(c.query, c.country if hint else "") == c.gold for c in cases)
                return round(right / len(cases), 3)

            sub = [c for c, *_ in rs[:brute_n]]
            exact = share(baselines.exact, [c for c, *_ in rs])
            brute, scan = share(baselines.brute, sub), share(baselines.scan, sub)
        rows.append([name, g, len(rs), round(top1, 3), round(top5, 3), exact, brute, scan])
    return rows


# String scorers compared on the same candidates (scorer name -> rapidfuzz scorer).
SCORERS = {
    "ratio (normalized Indel)": fuzz.ratio,
    "WRatio": fuzz.WRatio,
    "partial_ratio": fuzz.partial_ratio,
    "token_sort_ratio": fuzz.token_sort_ratio,
    "Levenshtein, normalized": Levenshtein.normalized_similarity,
    "OSA, normalized (transposition = 1 edit)": OSA.normalized_similarity,
    "Jaro-Winkler": JaroWinkler.normalized_similarity,
}


def scorer_rows(label: str, engine: Normalizer, results) -> list[list[object]]:
    """Top-1 of each string scorer alone, choosing among the engine's own typo candidates
    for each query (the same keys for every scorer; ties go to the more populous place),
    beside the engine's full ranking and the share of queries whose gold place is among
    the candidates at all."""
    index = engine.index
    right = dict.fromkeys(SCORERS, 0)
    reachable = 0
    for case, *_ in results:
        query = fold(case.query)
        ids = index.fuzzy_candidates(query) if query else np.zeros(0, dtype=np.int32)
        if ids.size == 0:
            continue
        keys = index.fkeys.many(ids)
        places = [
            engine._str["id"][int(engine._name_place[index.names_of_key(int(k))[0]])]
            for k in ids.tolist()
        ]
        reachable += case.gold in places
        pops = engine.index._fkey_pop[ids]
        for name, scorer in SCORERS.items():
            scores = cdist([query], keys, scorer=scorer, workers=1)[0]
            best = int(np.lexsort((-pops, -scores))[0])
            right[name] += places[best] == case.gold
    n = len(results)
    engine_top1 = sum(ids[:1] == [c.gold] for c, ids, *_ in results) / n
    rows = [[label, "engine (OSA + variants + priors)", n, round(engine_top1, 3)]]
    rows += [[label, name, n, round(right[name] / n, 3)] for name in SCORERS]
    rows.append([label, "gold place among the candidates", n, round(reachable / n, 3)])
    return rows


def reliability(all_results) -> None:
    buckets = [(0.9, 1.01), (0.7, 0.9), (0.5, 0.7), (0.3, 0.5), (0.0, 0.3)]
    rows = []
    for lo, hi in buckets:
        sel = [(c, ids) for c, ids, s, _ in all_results if lo <= s < hi and ids]
        if sel:
            right = sum(ids[0] == c.gold for c, ids in sel) / len(sel)
            rows.append([f"{lo:.1f} <= score < {min(hi, 1.0):.1f}", len(sel), round(right, 3)])
    table(
        "Score reliability (all accuracy sets): share of top answers that are right",
        ["top score", "answers", "right"],
        rows,
    )


def false_answers(results) -> None:
    """How sure the engine sounds about names of places the gazetteer lacks (every
    answer wrong): the share of such names answered at or above each score."""
    scores = sorted(s for _, ids, s, _ in results if ids)
    n = len(results)
    table(
        f"Names of places the gazetteer lacks ({n:,} villages removed from the held-out "
        "copy, names no other place bears): every answer is wrong",
        ["answered", "score >= 0.9", ">= 0.7", ">= 0.5", ">= 0.3", "median score"],
        [
            [
                f"{len(scores) / n:.3f}",
                *(f"{sum(s >= t for s in scores) / n:.3f}" for t in (0.9, 0.7, 0.5, 0.3)),
                round(scores[len(scores) // 2], 3) if scores else "-",
            ]
        ],
    )


def run(
    engine: Normalizer, sources: SourceSet | None, data_dir: Path, *, quick: bool = False
) -> list:
    n = 400 if quick else 1500
    rows: list[list[object]] = []
    scorers: list[list[object]] = []
    everything = []
    base = Baselines(engine)
    if sources is not None:
        held_engine, latin, other, absent = heldout_sets(sources, data_dir, n)
        held_base = Baselines(held_engine)
        for label, cases in (("held-out Latin variants", latin), ("held-out other scripts", other)):
            res = run_cases(held_engine, cases)
            everything += res
            rows += accuracy_rows(label, res, held_base)
            borne = _borne_by_another(held_engine, res)
            for part_label, keep in (("another place bears", True), ("no place bears", False)):
                part = [r for r in res if (r[0] in borne) is keep]
                rows += accuracy_rows(f"  of which {part_label} the query", part, None)
            if cases is latin:
                scorers += scorer_rows(label, held_engine, res)
        unlisted = run_cases(held_engine, absent)
    # Typo sets are cheap to run (~2 ms a query): 5,000 each, since at 1,500 the figure
    # moved by two points from one seed to another.
    unique, hinted = typo_sets(engine, 400 if quick else 5000)
    res = run_cases(engine, unique)
    everything += res
    rows += accuracy_rows("typos, unique names, no hint", res, base)
    rows += accuracy_rows(
        "  of which the first letter mistyped", _first_mistyped(engine, res), None
    )
    scorers = scorer_rows("typos, unique names, no hint", engine, res) + scorers
    res = run_cases(engine, hinted, hint=True)
    rows += accuracy_rows("typos, all names, country hint", res, base, hint=True)
    rows += accuracy_rows(
        "  of which the first letter mistyped", _first_mistyped(engine, res), None
    )
    shared = _shared_in_country(engine, hinted)
    for label, keep in (("another place there", True), ("no other place there", False)):
        part = [r for r in res if (r[0] in shared) is keep]
        rows += accuracy_rows(f"  of which {label} bears the name", part, None)
    fuzzy_times = [t for *_, t in res]
    for label, cases in (
        ("CLDR city names (other languages)", cldr_city_set(engine)),
        ("pycountry country names (other languages)", country_set(engine)),
    ):
        res = run_cases(engine, cases)
        everything += res
        rows += accuracy_rows(label, res, base)
        missing = [r for r in res if not _contained(engine, r[0])]
        if missing:
            rows += accuracy_rows("  of which not in the gazetteer", missing, None)
    table(
        "Matching accuracy (top-1 / top-5) beside baselines",
        [
            "set",
            "group",
            "queries",
            "top-1",
            "top-5",
            "exact-lookup top-1",
            "brute-force top-1",
            "OSA<=2 scan top-1",
        ],
        rows,
    )
    table(
        "String scorers alone, each choosing among the engine's typo candidates (top-1)",
        ["set", "scorer", "queries", "top-1"],
        scorers,
    )
    reliability(everything)
    if sources is not None:
        false_answers(unlisted)
    return fuzzy_times


def _first_mistyped(engine: Normalizer, results) -> list:
    """The results whose query begins otherwise than the gold place's name."""
    return [
        r for r in results if _neutral(r[0].query)[:1] != _neutral(engine.get(r[0].gold).name)[:1]
    ]


@functools.lru_cache(maxsize=2)
def _holders(engine: Normalizer) -> dict[str, set[int]]:
    """Which places hold a name, by its neutral form (not by the engine's own keys)."""
    holders: dict[str, set[int]] = defaultdict(set)
    texts = engine._names
    for nid, place in enumerate(engine._name_place.tolist()):
        holders[_neutral(texts[nid])].add(place)
    return holders


def _shared_in_country(engine: Normalizer, cases: list[Case]) -> set[Case]:
    """The typo cases whose original name another place of the same country bears too
    (by neutral form): a town and its same-name district, two villages. No spelling,
    and no hint short of one finer than the country, can tell those places apart."""
    holders, countries = _holders(engine), engine._pcountry
    shared = set()
    for case in cases:
        gold = engine.get(case.gold)
        country = engine._countries.index(gold.country_code)
        if sum(int(countries[p]) == country for p in holders[_neutral(gold.name)]) > 1:
            shared.add(case)
    return shared


def _borne_by_another(engine: Normalizer, results) -> set[Case]:
    """The held-out cases whose query another place still bears (by neutral form): a
    homonym, which the query alone cannot tell from the place it was taken from."""
    holders = _holders(engine)
    return {
        case
        for case, *_ in results
        if holders.get(_neutral(case.query), set()) - {engine.place_index(case.gold)}
    }


def _contained(engine: Normalizer, case: Case) -> bool:
    """The gold place holds the query as a name (up to case and accents)."""
    try:
        gold = engine.get(case.gold)
    except LookupError:
        return False
    query = _neutral(case.query)
    return any(_neutral(n.text) == query for n in gold.names)
