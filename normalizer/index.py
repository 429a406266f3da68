"""Key dictionaries and the fuzzy candidate index, as flat numpy arrays.

Built once per snapshot (`build_arrays`), then served from the memory-mapped file
(`Index`). Three lookups:

- `fold`:    folded forms and original-script forms -> names (exact / alternate hits)
- `variant`: variant keys (romanization-folded, compact, generic words stripped) -> names
- `part`:    variant keys of a town name's leading or trailing words ("kolok" for Su-ngai
  Kolok) -> names, for the words no more than PART_MAX_PLACES places share
- trigrams of folded keys -> keys, for fuzzy candidates: a query never scans all names;
  it unions the postings of its rarest trigrams and scores at most a few hundred keys.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Sequence

import numpy as np
from rapidfuzz.distance import OSA, DamerauLevenshtein
from rapidfuzz.process import cdist

from gazetteer.model import Place
from gazetteer.snapshot import Snapshot, StringTable, pack_strings
from normalizer.text import (
    expanded_spelling,
    fold_forms,
    generic_only,
    island_core,
    native_generic,
    native_key,
    strip_generic,
    variant_key,
)

__all__ = ["Index", "build_arrays", "key_hash", "merged_counts", "trigram_codes"]

# Name sources that are identifiers, not spellings (e.g. Wikidata ids).
ID_SOURCES = frozenset({"geonames-id"})


def _dash_head_keys(text: str, lang: str) -> set[str]:
    """Variant keys of what comes before a spaced dash, four letters or more: CLDR tells
    the two Congos apart as "Congo - Brazzaville" and "Congo - Kinshasa", in many
    scripts the only names the gazetteer holds for them (الكونغو - برازافيل), so a text
    that says الكونغو means one of them, not Ikongo, Madagascar, an edit away."""
    parts = text.split(" - ")
    if len(parts) != 2:
        return set()
    head = parts[0].strip()
    forms = [f for f in fold_forms(head, language=lang, japanese=False) if f]
    if not forms or len(forms[0].replace(" ", "")) < 4:
        return set()  # "San - Luis": no key of three letters or fewer
    keys = {variant_key(f) for f in forms}
    if native := native_key(head):
        keys |= {native, native_generic(native)[0]}
    return keys


# A name's first or last words stand for it ("Kolok" for Su-ngai Kolok, "Radlje" for
# Radlje ob Dravi) when they hold this many letters at least and are borne by at most
# PART_MAX_PLACES places (not "santa", "north", "nueva": no name is short for those).
PART_MIN_LETTERS = 4
PART_MAX_PLACES = 20


def part_keys(folded: str, key: Callable[[str], str] = variant_key) -> set[str]:
    """Variant keys of a name's leading and trailing words, short of all of them, that
    can stand for it: four letters or more, not generic or linking words alone."""
    words = folded.split()
    out = set()
    for k in range(1, len(words)):
        for part, rest in ((words[:k], words[k:]), (words[k:], words[:k])):
            text = " ".join(part)
            if (
                len(text) - len(part) + 1 >= PART_MIN_LETTERS
                and not generic_only(text)
                and not generic_only(" ".join(rest))  # the bare table's: "Saratov Oblast"
            ):
                out.add(key(text))
    out.discard("")
    return out


def key_hash(key: str) -> int:
    """Stable 64-bit hash (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def merged_counts(runs: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of sorted runs (posting lists), ascending, and how many runs hold
    each: np.unique(..., return_counts=True), but a stable sort merges the presorted
    runs (timsort) about three times faster than np.unique's quicksort."""
    merged = np.sort(np.concatenate(runs), kind="stable")
    if merged.size == 0:
        return merged, merged
    starts = np.empty(merged.size, dtype=bool)
    starts[0] = True
    np.not_equal(merged[1:], merged[:-1], out=starts[1:])
    at = np.flatnonzero(starts)
    return merged[at], np.diff(np.append(at, merged.size))


def trigram_codes(key: str) -> np.ndarray:
    """Trigram codes of ` key ` (space-padded, so word edges count): 3 bytes -> uint32."""
    b = np.frombuffer(f" {key} ".encode("ascii", "ignore"), dtype=np.uint8).astype(np.uint32)
    if b.size < 3:
        return np.zeros(0, dtype=np.uint32)
    return np.unique((b[:-2] << 16) | (b[1:-1] << 8) | b[2:])


def _table(
    pairs_hash: np.ndarray, pairs_val: np.ndarray, prefix: str, weight: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Sorted unique hashes + CSR postings (deduplicated), heaviest `weight` first per hash."""
    keys = (pairs_val, pairs_hash) if weight is None else (pairs_val, -weight, pairs_hash)
    order = np.lexsort(keys)
    h, v = pairs_hash[order], pairs_val[order]
    keep = np.ones(h.size, dtype=bool)
    keep[1:] = (h[1:] != h[:-1]) | (v[1:] != v[:-1])
    h, v = h[keep], v[keep]
    uniq, start = np.unique(h, return_index=True)
    starts = np.append(start, h.size).astype(np.int64)
    return {f"{prefix}.hash": uniq, f"{prefix}.start": starts, f"{prefix}.post": v.astype(np.int32)}


def _part_table(
    hashes: list[int], nids: list[int], name_place: np.ndarray, pops: np.ndarray
) -> dict[str, np.ndarray]:
    """The "part" table, keeping the keys of at most PART_MAX_PLACES places."""
    h = np.array(hashes, dtype=np.uint64)
    v = np.array(nids, dtype=np.int32)
    if h.size:
        # How many places each key has: its distinct (key, place) pairs, counted.
        place = name_place[v]
        order = np.lexsort((place, h))
        hs, ps = h[order], place[order]
        first = np.ones(hs.size, dtype=bool)
        first[1:] = (hs[1:] != hs[:-1]) | (ps[1:] != ps[:-1])
        keys, counts = np.unique(hs[first], return_counts=True)
        keep = counts[np.searchsorted(keys, h)] <= PART_MAX_PLACES
        h, v = h[keep], v[keep]
    return _table(h, v, "part", pops[v])


PLACE_TEXT = ("id", "name", "ascii_name", "admin1_code", "admin1_name", "admin2_code")
RECORD_SEP = "\x1f"  # the unit separator: no name holds it (a text holding it: no records)


def build_arrays(places: Sequence[Place]) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    """Compile places into snapshot arrays; returns (arrays, small lookup tables for the header)."""
    tables: dict[str, dict[str, int]] = {
        k: {"": 0} for k in ("country", "fcode", "tz", "lang", "source")
    }

    def code(table: str, value: str) -> int:
        t = tables[table]
        if value not in t:
            t[value] = len(t)
        return t[value]

    n = len(places)
    arrays: dict[str, np.ndarray] = {
        "place.lat": np.array([p.latitude for p in places], dtype=np.float64),
        "place.lon": np.array([p.longitude for p in places], dtype=np.float64),
        "place.population": np.array([p.population for p in places], dtype=np.int64),
        "place.fclass": np.array([ord(p.feature_class or " ") for p in places], dtype=np.uint8),
        "place.fcode": np.array([code("fcode", p.feature_code) for p in places], dtype=np.uint16),
        "place.country": np.array(
            [code("country", p.country_code) for p in places], dtype=np.uint16
        ),
        "place.tz": np.array([code("tz", p.timezone) for p in places], dtype=np.uint16),
    }
    for column in PLACE_TEXT:
        blob, offsets = pack_strings([getattr(p, column) for p in places])
        arrays[f"place.{column}.blob"], arrays[f"place.{column}.offsets"] = blob, offsets
    # The same six texts as one record a place, decoded with one read and a split: a
    # first-asked name decodes a place or more, and six reads were a fifth of its time.
    records = [RECORD_SEP.join(getattr(p, c) for c in PLACE_TEXT) for p in places]
    if all(r.count(RECORD_SEP) == len(PLACE_TEXT) - 1 for r in records):
        arrays["place.record.blob"], arrays["place.record.offsets"] = pack_strings(records)

    name_place, name_text, name_lang, name_flags, name_source = [], [], [], [], []
    starts = np.zeros(n + 1, dtype=np.int64)
    for i, p in enumerate(places):
        for nm in p.names:
            name_place.append(i)
            name_text.append(nm.text)
            name_lang.append(code("lang", nm.language))
            name_flags.append(nm.flags)
            name_source.append(code("source", nm.source))
        starts[i + 1] = len(name_place)
    arrays["place.names_start"] = starts
    arrays["name.place"] = np.array(name_place, dtype=np.int32)
    arrays["name.lang"] = np.array(name_lang, dtype=np.uint16)
    arrays["name.flags"] = np.array(name_flags, dtype=np.uint8)
    arrays["name.source"] = np.array(name_source, dtype=np.uint16)
    arrays["name.text.blob"], arrays["name.text.offsets"] = pack_strings(name_text)

    id_sources = {tables["source"][s] for s in ID_SOURCES if s in tables["source"]}
    fold_h: list[int] = []
    fold_v: list[int] = []
    var_h: list[int] = []
    var_v: list[int] = []
    bare_h: list[int] = []
    bare_v: list[int] = []
    isle_h: list[int] = []
    isle_v: list[int] = []
    part_h: list[int] = []
    part_v: list[int] = []
    fkeys: dict[str, int] = {}
    fkey_of_name: list[tuple[int, int]] = []
    # Per (name, language): its folded forms and the hashes of its fold, variant, bare
    # and island keys.
    memo: dict[tuple[str, str], tuple[tuple[str, ...], tuple[int, ...], ...]] = {}
    variant_of: dict[str, str] = {}
    part_memo: dict[tuple[str, str], tuple[int, ...]] = {}

    def variant(folded: str) -> str:
        v = variant_of.get(folded)
        if v is None:
            v = variant_of[folded] = variant_key(folded)
        return v

    lang_names = {v: k for k, v in tables["lang"].items()}
    for nid, text in enumerate(name_text):
        if name_source[nid] in id_sources:
            continue
        lang = lang_names[name_lang[nid]]
        got = memo.get((text, lang))
        if got is None:
            forms = tuple(f for f in fold_forms(text, language=lang, japanese=False) if f)
            if (spelled := expanded_spelling(text)) and spelled not in forms:
                forms += (spelled,)  # Löttorp is also "loettorp"
            variants = {variant(f) for f in forms}
            variants |= {variant(g) for f in forms if (g := strip_generic(f)) != f}
            native = native_key(text)
            if native and (bare := native_generic(native)[0]) != native:
                variants.add(bare)  # 尖峰镇 -> 尖峰, beside the Latin variant keys
            if " - " in text:
                variants |= _dash_head_keys(text, lang)
            hashes = tuple(key_hash(k) for k in (*forms, *([native] if native else [])))
            # The name without its generic words ("Korea, Republic of" -> korea).
            bare = {g for f in forms if (g := strip_generic(f)) != f} - set(forms)
            # The name without its words for "island(s)" ("Cocos Islands" -> cocos).
            isle = {variant(c) for f in forms if (c := island_core(f))}
            got = (
                forms,
                hashes,
                tuple(key_hash(v) for v in variants if v),
                tuple(key_hash(b) for b in bare),
                tuple(key_hash(i) for i in isle),
            )
            memo[(text, lang)] = got
        forms, hashes, variants, bares, isles = got
        if places[name_place[nid]].feature_class in ("P", ""):
            # A town's leading or trailing words, which may stand for it ("Kolok"); not a
            # division's or a country's (the bare table drops their generic words), nor
            # a region's or a continent's ("Amrika" is not North America, "Uttari Amrika").
            parts = part_memo.get((text, lang))
            if parts is None:
                keys = {k for f in forms for k in part_keys(f, variant)} - {
                    variant(f) for f in forms
                }
                parts = part_memo[(text, lang)] = tuple(map(key_hash, keys))
            part_h.extend(parts)
            part_v.extend([nid] * len(parts))
        bare_h.extend(bares)
        bare_v.extend([nid] * len(bares))
        isle_h.extend(isles)
        isle_v.extend([nid] * len(isles))
        fold_h.extend(hashes)
        fold_v.extend([nid] * len(hashes))
        for f in forms:
            fid = fkeys.get(f)
            if fid is None:
                fid = fkeys[f] = len(fkeys)
            fkey_of_name.append((fid, nid))
        var_h.extend(variants)
        var_v.extend([nid] * len(variants))
    arrays |= _table(
        np.array([key_hash(p.id) for p in places], dtype=np.uint64),
        np.arange(n, dtype=np.int32),
        "pid",
    )
    pops = (
        arrays["place.population"][np.array(name_place, dtype=np.int64)]
        if name_place
        else np.zeros(0)
    )
    fold_v_arr, var_v_arr = np.array(fold_v, dtype=np.int32), np.array(var_v, dtype=np.int32)
    arrays |= _table(np.array(fold_h, dtype=np.uint64), fold_v_arr, "fold", pops[fold_v_arr])
    arrays |= _table(np.array(var_h, dtype=np.uint64), var_v_arr, "variant", pops[var_v_arr])
    bare_v_arr = np.array(bare_v, dtype=np.int32)
    arrays |= _table(np.array(bare_h, dtype=np.uint64), bare_v_arr, "bare", pops[bare_v_arr])
    isle_v_arr = np.array(isle_v, dtype=np.int32)
    arrays |= _table(np.array(isle_h, dtype=np.uint64), isle_v_arr, "isle", pops[isle_v_arr])
    arrays |= _part_table(part_h, part_v, np.array(name_place, dtype=np.int32), pops)

    keys = list(fkeys)
    arrays["fkey.blob"], arrays["fkey.offsets"] = pack_strings(keys)
    vkeys = [variant(k) for k in keys]
    arrays["fkey.variant.blob"], arrays["fkey.variant.offsets"] = pack_strings(vkeys)
    pairs = np.array(fkey_of_name, dtype=np.int64).reshape(-1, 2)
    # Within a key, names of the most populous places first: callers may read a prefix.
    pop_of_name = arrays["place.population"][np.array(name_place, dtype=np.int64)[pairs[:, 1]]]
    order = np.lexsort((pairs[:, 1], -pop_of_name, pairs[:, 0]))
    pairs = pairs[order]
    arrays["fkey.names"] = pairs[:, 1].astype(np.int32)
    arrays["fkey.start"] = np.searchsorted(pairs[:, 0], np.arange(len(keys) + 1)).astype(np.int64)
    arrays["fkey.best_pop"] = _best_population(arrays, pairs, len(keys))

    arrays |= _country_keys(arrays, pairs, len(keys), len(tables["country"]))

    tri_codes, tri_keys = _trigrams(keys)
    uniq, start = np.unique(tri_codes, return_index=True)
    arrays["tri.code"] = uniq
    arrays["tri.start"] = np.append(start, tri_codes.size).astype(np.int64)
    arrays["tri.post"] = tri_keys
    arrays |= _deletion_table(keys)
    lookup = {
        k: [name for name, _ in sorted(t.items(), key=lambda kv: kv[1])] for k, t in tables.items()
    }
    return arrays, lookup


# Keys up to this length also get a one-deletion neighbourhood: trigrams alone miss
# short names whose typo breaks most of their trigrams (Vleden / Velden share only
# "den", "en "), while a single deletion from each side meets ("veden").
DELETE_MAX_LEN = 16
# Below this length two edits reach too many keys to compare them all.
INITIAL_MIN_LEN = 5


def deletions(key: str) -> set[str]:
    """The key and every string one character shorter (SymSpell's neighbourhood, d=1)."""
    return {key} | {key[:i] + key[i + 1 :] for i in range(len(key))}


def _deletion_table(keys: list[str]) -> dict[str, np.ndarray]:
    # crc32 is enough: a collision only adds a candidate, which scoring then rejects.
    hashes: list[int] = []
    ids: list[int] = []
    for kid, key in enumerate(keys):
        if len(key) <= DELETE_MAX_LEN:
            variants = deletions(key)
            hashes.extend(zlib.crc32(v.encode()) for v in variants)
            ids.extend([kid] * len(variants))
    return _table(np.array(hashes, dtype=np.uint64), np.array(ids, dtype=np.int32), "del")


def swap_aware(key: str, keys: list[str], dist: np.ndarray, at: int) -> None:
    """Lower to the Damerau-Levenshtein distance, in place, the entries of `dist` (OSA
    distances of `keys` from `key`) equal to `at`: two keys swapped across a third struck
    between them ("renchnfe", Renchen's "en" swapped and an f struck) are two edits, a
    swap among them, where OSA, editing no letter twice, counts three. OSA is the fast
    pass; the full distance is paid only for the keys it puts at `at`."""
    if further := np.flatnonzero(dist == at).tolist():
        full = cdist([key], [keys[j] for j in further], scorer=DamerauLevenshtein.distance)[0]
        dist[further] = np.minimum(dist[further], full)


def letter_masks(blob: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """One bit per letter a-z a key holds (digits share six more bits): two keys within
    d edits differ in at most d letters each way, so masks rule most keys out cheaply."""
    b = blob.astype(np.int64)
    bits = np.zeros(b.size, dtype=np.uint32)
    letters = (b >= 97) & (b <= 122)
    bits[letters] = np.left_shift(1, b[letters] - 97).astype(np.uint32)
    digits = (b >= 48) & (b <= 57)
    bits[digits] = np.left_shift(1, 26 + (b[digits] - 48) % 6).astype(np.uint32)
    starts = offsets[:-1]
    out = np.zeros(starts.size, dtype=np.uint32)
    nonempty = offsets[1:] > starts
    if bits.size:
        out[nonempty] = np.bitwise_or.reduceat(bits, starts[nonempty])
    return out


def letter_mask(key: str) -> int:
    blob = np.frombuffer(key.encode("ascii", "ignore"), dtype=np.uint8)
    return int(letter_masks(blob, np.array([0, blob.size], dtype=np.int64))[0])


def _country_keys(
    arrays: dict[str, np.ndarray], pairs: np.ndarray, nkeys: int, ncountries: int
) -> dict[str, np.ndarray]:
    """The keys naming places of each country, shortest first: with a country hint, a
    typo is looked for among that country's keys of about the query's length (a scan of
    one country's slice; the global candidates favour populous places and can miss a
    village)."""
    offsets = arrays["fkey.offsets"]
    lengths = np.diff(offsets).astype(np.int64)
    country = arrays["place.country"][arrays["name.place"][pairs[:, 1]]].astype(np.int64)
    combined = np.unique((country << 32) | pairs[:, 0])
    cc, kid = combined >> 32, combined & 0xFFFFFFFF
    order = np.lexsort((kid, lengths[kid], cc))
    cc, kid = cc[order], kid[order]
    return {
        "ckey.start": np.searchsorted(cc, np.arange(ncountries + 1)).astype(np.int64),
        "ckey.post": kid.astype(np.int32),
        "ckey.len": lengths[kid].astype(np.uint16),
        "fkey.mask": letter_masks(arrays["fkey.blob"], offsets),
    }


def _best_population(arrays: dict[str, np.ndarray], pairs: np.ndarray, nkeys: int) -> np.ndarray:
    """Largest population among the places a key names: a cheap prior for fuzzy pruning."""
    pops = arrays["place.population"][arrays["name.place"][pairs[:, 1]]]
    best = np.zeros(nkeys, dtype=np.int64)
    np.maximum.at(best, pairs[:, 0], pops)
    return best


def _trigrams(keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """All (trigram code, key id) pairs, sorted by code then key, vectorized over one buffer."""
    padded = [f" {k} ".encode("ascii", "ignore") for k in keys]
    lengths = np.array([len(p) for p in padded], dtype=np.int64)
    buf = np.frombuffer(b"\x00".join(padded) + b"\x00", dtype=np.uint8).astype(np.uint32)
    key_of = np.repeat(np.arange(len(keys), dtype=np.int64), lengths + 1)
    a, b, c = buf[:-2], buf[1:-1], buf[2:]
    ok = (a != 0) & (b != 0) & (c != 0)
    codes = ((a << 16) | (b << 8) | c)[ok].astype(np.int64)
    kid = key_of[:-2][ok]
    combined = np.unique((codes << 32) | kid)
    return (combined >> 32).astype(np.uint32), (combined & 0xFFFFFFFF).astype(np.int32)


class Index:
    """Query view over a snapshot's arrays (no copies: everything stays memory-mapped)."""

    def __init__(self, snap: Snapshot) -> None:
        a = snap.arrays
        self._a = a
        self.fkeys: StringTable = snap.strings("fkey")
        self.fkey_variants: StringTable = snap.strings("fkey.variant")
        self._tri_code = a["tri.code"]
        self._tri_start = a["tri.start"]
        self._tri_post = a["tri.post"]
        self._fkey_start = a["fkey.start"]
        self._fkey_names = a["fkey.names"]
        self._fkey_pop = a["fkey.best_pop"]
        self._del_hash = a["del.hash"]
        self._del_start = a["del.start"]
        self._del_post = a["del.post"]
        self._ckey_start = a["ckey.start"]
        self._ckey_post = a["ckey.post"]
        self._ckey_len = a["ckey.len"]
        self._fkey_mask = a["fkey.mask"]
        self._by_initial: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._tables = {
            t: (a[f"{t}.hash"], a[f"{t}.start"], a[f"{t}.post"])
            for t in ("fold", "variant", "pid", "bare", "isle", "part")
            if f"{t}.hash" in a  # "bare", "isle", "part" are newer than some snapshots
        }

    def lookup(self, table: str, key: str) -> np.ndarray:
        try:
            hashes, start, post = self._tables[table]
        except KeyError:
            return _EMPTY
        h = np.uint64(key_hash(key))
        i = int(hashes.searchsorted(h))
        if i < hashes.size and hashes[i] == h:
            return post[start[i] : start[i + 1]]
        return _EMPTY

    def names_of_key(self, key_id: int) -> np.ndarray:
        return self._fkey_names[self._fkey_start[key_id] : self._fkey_start[key_id + 1]]

    def fuzzy_candidates(self, key: str, *, limit: int = 150, budget: int = 40_000) -> np.ndarray:
        """Candidate key ids: deletion neighbours (one, then two edits), then trigram overlaps."""
        parts: list[np.ndarray] = []
        if len(key) <= DELETE_MAX_LEN + 1:
            one = deletions(key)
            parts.append(self._by_population(self.deletion_neighbours(one), limit))
            if 4 <= len(key) <= 10:
                # Two deletions from a short query against one from the keys: reaches the
                # two-edit typos that break nearly every trigram of a short name.
                two = {d for v in one if len(v) < len(key) for d in deletions(v)} - one
                parts.append(self._by_population(self.deletion_neighbours(two), limit // 2))
        parts.append(self.trigram_candidates(key, limit=limit, budget=budget))
        out = parts[0]
        for extra in parts[1:]:
            out = np.concatenate([out, extra[~np.isin(extra, out)]])
        return out

    def country_candidates(
        self, key: str, countries: Sequence[int], *, max_edits: int = 2
    ) -> np.ndarray:
        """Key ids of these countries' places within `max_edits` edits of `key`.

        Length and letter set rule most of a country's keys out before any string is
        compared (d edits change at most d letters each way)."""
        qmask = np.uint32(letter_mask(key))
        n = len(key)
        parts = []
        for c in countries:
            lo, hi = int(self._ckey_start[c]), int(self._ckey_start[c + 1])
            lens = self._ckey_len[lo:hi]
            a = lo + int(np.searchsorted(lens, max(n - max_edits, 0), side="left"))
            b = lo + int(np.searchsorted(lens, n + max_edits, side="right"))
            ids = self._ckey_post[a:b]
            m = self._fkey_mask[ids]
            ok = (np.bitwise_count(qmask & ~m) <= max_edits) & (
                np.bitwise_count(m & ~qmask) <= max_edits
            )
            ids = ids[ok]
            if ids.size:
                parts.append(ids[self._within(key, ids, max_edits)])
        return np.unique(np.concatenate(parts)) if parts else _EMPTY

    def initial_neighbours(self, key: str, *, max_edits: int = 2, limit: int = 150) -> np.ndarray:
        """Key ids within `max_edits` edits of `key` that begin with its letter (at
        most `limit`, keys of populous places first).

        Every key of that letter and about its length is compared (length and letter set
        rule most out first): a two-edit typo of a village, whose trigrams and single
        deletions all miss, is still found. A typo of the first letter is sought by
        calling this again with that letter slipped back (the engine's
        `_initial_neighbours`), within one edit of the rest."""
        if len(key) < INITIAL_MIN_LEN:
            return _EMPTY
        code, post, mask = self._initial_groups()
        first, n = key.encode()[0] << 16, len(key)
        a = int(np.searchsorted(code, first | max(n - max_edits, 0), side="left"))
        b = int(np.searchsorted(code, first | (n + max_edits), side="right"))
        qmask = np.uint32(letter_mask(key))
        m = mask[a:b]
        missing, extra = np.bitwise_count(qmask & ~m), np.bitwise_count(m & ~qmask)
        ok = np.flatnonzero((missing <= max_edits) & (extra <= max_edits))
        if ok.size == 0:
            return _EMPTY
        ids = post[a:b][ok]
        return self._by_population(ids[self._within(key, ids, max_edits)], limit)

    def _within(self, key: str, ids: np.ndarray, max_edits: int) -> np.ndarray:
        """Which of these keys are within `max_edits` of `key`, Damerau-Levenshtein
        (`swap_aware`): "san jeo" is two edits from San Jose."""
        keys = self.fkeys.many(ids)
        dist = cdist([key], keys, scorer=OSA.distance, score_cutoff=max_edits + 1)[0]
        swap_aware(key, keys, dist, max_edits + 1)
        return dist <= max_edits

    def prepare(self) -> None:
        """Build what is otherwise built on first use (~60 ms on the default gazetteer)."""
        self._initial_groups()

    def _initial_groups(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Keys grouped by first character, then length: (group code, key ids, letter masks)."""
        if self._by_initial is None:
            offsets = self._a["fkey.offsets"]
            blob = self._a["fkey.blob"]
            starts = offsets[:-1]
            lengths = np.diff(offsets).astype(np.int64)
            first = np.zeros(starts.size, dtype=np.int64)
            nonempty = lengths > 0
            first[nonempty] = blob[starts[nonempty]]
            code = (first << 16) | np.minimum(lengths, 0xFFFF)
            order = np.argsort(code, kind="stable")
            self._by_initial = (code[order], order.astype(np.int32), self._fkey_mask[order])
        return self._by_initial

    def _by_population(self, ids: np.ndarray, limit: int) -> np.ndarray:
        if ids.size > limit:
            ids = ids[np.argpartition(-self._fkey_pop[ids], limit - 1)[:limit]]
        return ids

    def deletion_neighbours(self, variants: set[str]) -> np.ndarray:
        if not variants:
            return _EMPTY
        hashes = np.array(sorted({zlib.crc32(v.encode()) for v in variants}), dtype=np.uint64)
        pos = np.searchsorted(self._del_hash, hashes)
        pos = np.minimum(pos, self._del_hash.size - 1)
        pos = pos[self._del_hash[pos] == hashes]
        if pos.size == 0:
            return _EMPTY
        parts = [self._del_post[self._del_start[p] : self._del_start[p + 1]] for p in pos]
        return merged_counts(parts)[0]

    def trigram_candidates(
        self, key: str, *, max_trigrams: int = 12, budget: int = 40_000, limit: int = 200
    ) -> np.ndarray:
        """Key ids sharing the most of the query's rarest trigrams, best first (at most `limit`)."""
        codes = trigram_codes(key)
        if codes.size == 0:
            return _EMPTY
        pos = np.searchsorted(self._tri_code, codes)
        pos = np.minimum(pos, self._tri_code.size - 1)
        found = self._tri_code[pos] == codes
        pos = pos[found]
        if pos.size == 0:
            return _EMPTY
        lo, hi = self._tri_start[pos], self._tri_start[pos + 1]
        sizes = hi - lo
        order = np.argsort(sizes, kind="stable")[:max_trigrams]
        parts: list[np.ndarray] = []
        used = 0
        for j in order:
            size = int(sizes[j])
            if parts and used + size > budget:
                break
            parts.append(self._tri_post[lo[j] : hi[j]])
            used += size
        ids, counts = merged_counts(parts)
        if ids.size <= limit:
            return ids[np.argsort(-counts, kind="stable")]
        # Keep the best overlaps: overlaps are small integers, so a histogram finds the cut
        # (np.partition over tens of thousands of counts costs more than the rest of a query).
        at_least = np.cumsum(np.bincount(counts)[::-1])[::-1]  # at_least[c]: keys with overlap >= c
        fits = at_least <= limit
        cut = int(np.argmax(fits)) if fits.any() else at_least.size - 1
        chosen = self._by_population(ids[counts >= cut], limit)
        room = limit - chosen.size
        if room > 0 and cut > 1:
            # Fill up from the next overlap down, keys of populous places first.
            border = ids[counts == cut - 1]
            if border.size > room:
                border = border[np.argpartition(-self._fkey_pop[border], room - 1)[:room]]
            chosen = np.concatenate([chosen, border])
        return chosen


_EMPTY = np.zeros(0, dtype=np.int32)
