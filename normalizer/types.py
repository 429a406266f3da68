"""Plain result records of the query side (no protobuf here)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from gazetteer.model import Place


class MatchType(enum.IntEnum):
    """How the query met the matched name (values equal the proto enum)."""

    UNSPECIFIED = 0
    EXACT = 1  # the place's own name, up to case and diacritics
    ALTERNATE = 2  # another name of the place, same script
    TRANSLITERATED = 3  # same name across scripts (Шуша / Shusha)
    VARIANT = 4  # a romanization / spacing / generic-word variant (Nakhichevan / Naxçıvan)
    FUZZY = 5  # an edit-distance neighbour (typo)


@dataclass(frozen=True, slots=True)
class Candidate:
    place: Place
    score: float
    match_type: MatchType
    matched_name: str
    matched_language: str = ""


@dataclass(frozen=True, slots=True)
class Result:
    query: str
    normalized_query: str
    candidates: tuple[Candidate, ...]
    ambiguous: bool
    request_id: str = ""

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass(frozen=True, slots=True)
class Query:
    """One item of a batch, with its own options."""

    text: str
    countries: tuple[str, ...] = ()
    language: str | None = None
    feature_classes: tuple[str, ...] = ()
    limit: int = 5
    min_score: float = 0.0
    context: tuple[str, ...] = ()
    prefer_countries: tuple[str, ...] = ()
    near: tuple[float, float] | None = None
    request_id: str = ""


@dataclass(frozen=True, slots=True)
class GazetteerInfo:
    version: str
    sources: tuple[str, ...]
    places: int
    names: int
    keys: int
    built_at: str
    loaded_at: str
    path: str
    size_bytes: int
    schema: int
    precomputed_answers: int = 0
    extra: dict = field(default_factory=dict)
