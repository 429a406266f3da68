"""Readers for gazetteer sources, and `load_sources` that merges and validates them.

A source set is accepted whole or not at all: every reader reports row errors to one
Collector and `load_sources` raises `SourceError` if any were found.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from gazetteer.model import Name, Place
from gazetteer.sources import geonames, tabular
from gazetteer.validate import Collector, SourceError, known_country_codes

__all__ = ["FORMATS", "SourceSet", "detect_format", "load_sources"]

FORMATS = ("geonames", "alternate-names", "admin1", "country-info", "csv", "jsonl")

Progress = Callable[[str, int, int], None]  # (phase, rows_read, rows_rejected)


@dataclass
class SourceSet:
    places: list[Place] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    rows_read: int = 0


def detect_format(path: str) -> str:
    base = os.path.basename(path).lower()
    zipped = base.endswith(".zip")
    if zipped:
        base = base[: -len(".zip")]
    if base.startswith("alternatenames"):
        return "alternate-names"
    if base.startswith("admin1codes"):
        return "admin1"
    if base.startswith("countryinfo"):
        return "country-info"
    if base.endswith(".csv"):
        return "csv"
    if base.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if base.endswith(".txt") or zipped:  # GeoNames zips: allCountries.zip, AZ.zip, cities500.zip
        return "geonames"
    raise SourceError([f"{path}: cannot tell the format from the name; pass --format"])


def load_sources(
    paths: Iterable[str],
    *,
    fmt: str | None = None,
    progress: Progress | None = None,
) -> SourceSet:
    """Read, merge and validate sources. Raises SourceError, changing nothing, on any error."""
    paths = list(paths)
    if not paths:
        raise SourceError(["no source files given"])
    errors = Collector()
    typed: dict[str, list[str]] = {f: [] for f in FORMATS}
    for path in paths:
        kind = fmt if fmt and fmt != "auto" else detect_format(path)
        if kind == "geonames" and detect_format_safe(path) in (
            "alternate-names",
            "admin1",
            "country-info",
        ):
            kind = detect_format_safe(path)
        if kind not in typed:
            raise SourceError([f"{path}: unknown format {kind!r}; one of {', '.join(FORMATS)}"])
        if not os.path.isfile(path):
            raise SourceError([f"{path}: no such file"])
        typed[kind].append(path)

    def tick(phase: str, n: int) -> None:
        if progress:
            progress(phase, n, errors.count)

    countries: dict[str, geonames.CountryInfo] = {}
    for path in typed["country-info"]:
        for info in geonames.read_country_info(path, errors):
            countries[info.iso] = info
    admin1: dict[str, str] = {}
    for path in typed["admin1"]:
        admin1.update(geonames.read_admin1(path, errors))
    valid_countries = known_country_codes(countries)

    places: dict[str, Place] = {}
    lines: dict[str, str] = {}
    sources: list[tuple[str, Iterable[tuple[int, Place]]]] = []
    sources += [(p, geonames.read_geonames(p, errors)) for p in typed["geonames"]]
    sources += [(p, tabular.read_csv(p, errors)) for p in typed["csv"]]
    sources += [(p, tabular.read_jsonl(p, errors)) for p in typed["jsonl"]]
    for path, reader in sources:
        label = os.path.basename(path)
        for n, (line, place) in enumerate(reader, 1):
            if place.id in places:
                errors.add(label, line, f"duplicate id {place.id} (first at {lines[place.id]})")
                continue
            if place.country_code and place.country_code not in valid_countries:
                errors.add(label, line, f"unknown country code {place.country_code!r}")
                continue
            places[place.id] = place
            lines[place.id] = f"{label}:{line}"
            if n % 50_000 == 0:
                tick(f"read {os.path.basename(path)}", n)

    extra_names: dict[str, list[Name]] = {}
    for path in typed["alternate-names"]:
        for n, (line, pid, name) in enumerate(geonames.read_alternate_names(path, errors), 1):
            if pid not in places:
                errors.add(
                    os.path.basename(path), line, f"alternate name points at no place ({pid})"
                )
                continue
            extra_names.setdefault(pid, []).append(name)
            if n % 100_000 == 0:
                tick(f"read {os.path.basename(path)}", n)
    errors.raise_if_any()
    if not places:
        raise SourceError([f"{paths[0]}: no places in the source set"])
    if progress:
        progress("validated", len(places), 0)

    merged: list[Place] = []
    for pid, place in places.items():
        names = place.names + tuple(extra_names.get(pid, ()))
        a1 = place.admin1_name or admin1.get(f"{place.country_code}.{place.admin1_code}", "")
        if place.feature_code == "ADM1" and not a1:
            a1 = place.name
        merged.append(_replace(place, names=_dedupe(names), admin1_name=a1))
    desc = [f"{k}:{os.path.basename(p)}" for k, ps in typed.items() for p in ps]
    return SourceSet(places=merged, description=desc, rows_read=len(places))


def detect_format_safe(path: str) -> str | None:
    try:
        return detect_format(path)
    except SourceError:
        return None


def _replace(place: Place, **changes: object) -> Place:
    from dataclasses import replace

    return replace(place, **changes)


def _dedupe(names: Iterable[Name]) -> tuple[Name, ...]:
    seen: dict[tuple[str, str], Name] = {}
    for name in names:
        key = (name.text, name.language)
        if key in seen:
            old = seen[key]
            seen[key] = Name(old.text, old.language, old.flags | name.flags, old.source)
        else:
            seen[key] = name
    return tuple(seen.values())
