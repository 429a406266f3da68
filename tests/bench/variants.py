"""How well the variant keys unify true romanization variants, and what they wrongly merge.

True pairs: two Latin names of the same GeoNames place whose folded forms differ
(e.g. Nakhchivan / Naxcivan). Unrelated pairs: Latin names of two random places.
"""

from __future__ import annotations

import random

from rapidfuzz import fuzz

from normalizer.engine import Normalizer
from normalizer.text import compact, fold, native_key, variant_key
from tests.bench.common import table


def run(engine: Normalizer, n_places: int = 20_000) -> None:
    rng = random.Random(11)
    total = engine.info().places
    start = engine._a["place.names_start"]
    true_pairs = []
    latin_names = []
    for _ in range(n_places):
        i = rng.randrange(total)
        names = {engine._names[k] for k in range(int(start[i]), int(start[i + 1]))}
        folded = sorted({fold(n) for n in names if native_key(n) is None and fold(n)})
        latin_names += [(i, f) for f in folded]
        true_pairs += [(a, b) for j, a in enumerate(folded) for b in folded[j + 1 :]]
    rng.shuffle(true_pairs)
    true_pairs = true_pairs[:50_000]
    unrelated = []
    while len(unrelated) < 50_000:
        (i, a), (j, b) = rng.choice(latin_names), rng.choice(latin_names)
        if i != j and a != b:
            unrelated.append((a, b))
    # Many names of a place are translations, not spellings: the romanization variants are
    # the pairs that are already close (rapidfuzz ratio >= 75, folded forms differ).
    close = [(a, b) for a, b in true_pairs if fuzz.ratio(a, b) >= 75]
    close_unrelated = [(a, b) for a, b in unrelated if fuzz.ratio(a, b) >= 75]
    rows = []
    for label, key in (("compact only (spaces, hyphens)", compact), ("variant keys", variant_key)):
        for which, pairs, wrong in (
            ("all", true_pairs, unrelated),
            ("close spellings", close, close_unrelated),
        ):
            unified = sum(key(a) == key(b) for a, b in pairs) / len(pairs)
            merged = sum(key(a) == key(b) for a, b in wrong) / max(1, len(wrong))
            rows.append([label, which, len(pairs), f"{unified:.1%}", len(wrong), f"{merged:.2%}"])
    table(
        "Variant keys on GeoNames alternate-name pairs",
        ["key", "pairs", "true pairs", "unified", "unrelated pairs", "wrongly merged"],
        rows,
    )
